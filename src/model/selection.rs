//! Pilot builds: `refkit build --partners stage=pilot`.
//!
//! An agency pilots a playbook with a small group per market before scaling, so a
//! build can be limited to the partners of some segments. Brand pages are built as
//! always; only the selected partners get microsites, kits and manifest rows.
//!
//! A selection is a list of `key=value` filters. Keys are `stage`, `tier`, `market`
//! and `id`. Values of one key are alternatives (OR): `stage=pilot,active`, or the
//! key given twice. Different keys must all match (AND):
//! `--partners stage=pilot --partners market=ru`, or in one argument
//! `stage=pilot,market=ru` (an item without `=` adds a value to the key before it).

use std::collections::BTreeMap;

use crate::base::named::Named;
use crate::model::partners::{Partner, Stage, Tier};
use crate::model::settings::Settings;

/// Keys a selection can filter on.
pub(crate) const KEYS: &[&str] = &["stage", "tier", "market", "id"];

/// The partners a build is limited to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Key → accepted values (sorted, unique).
    filters: BTreeMap<String, Vec<String>>,
}

impl Selection {
    /// Parses `--partners` arguments; an unknown key or a malformed item is an error
    /// naming what is accepted.
    pub fn parse(args: &[String]) -> Result<Selection, String> {
        let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for arg in args {
            let mut key: Option<String> = None;
            for item in arg.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                let value = match item.split_once('=') {
                    Some((k, v)) => {
                        let k = k.trim();
                        if !KEYS.contains(&k) {
                            return Err(format!(
                                "--partners: unknown key `{k}`; use one of: {}",
                                KEYS.join(", ")
                            ));
                        }
                        key = Some(k.to_owned());
                        v.trim()
                    }
                    None => item,
                };
                let Some(k) = &key else {
                    return Err(format!(
                        "--partners: `{item}` has no key; write KEY=VALUE with a key of: {}",
                        KEYS.join(", ")
                    ));
                };
                if value.is_empty() {
                    return Err(format!("--partners: `{k}=` has no value"));
                }
                let allowed = match k.as_str() {
                    "stage" => Some(Stage::NAMES),
                    "tier" => Some(Tier::NAMES),
                    _ => None,
                };
                if let Some(allowed) = allowed.filter(|a| !a.contains(&value)) {
                    return Err(format!(
                        "--partners: unknown {k} `{value}`; use one of: {}",
                        allowed.join(", ")
                    ));
                }
                let values = filters.entry(k.clone()).or_default();
                if !values.iter().any(|v| v == value) {
                    values.push(value.to_owned());
                    values.sort();
                }
            }
        }
        Ok(Selection { filters })
    }

    /// True when no filter is set (every partner is built).
    pub fn is_all(&self) -> bool {
        self.filters.is_empty()
    }

    /// Checks values that depend on the project: markets and partner ids.
    pub fn check(&self, settings: &Settings, partners: &[Partner]) -> Result<(), String> {
        for value in self.filters.get("market").into_iter().flatten() {
            if settings.market(value).is_none() {
                return Err(format!(
                    "--partners: unknown market `{value}`; use one of: {}",
                    settings.market_list()
                ));
            }
        }
        for value in self.filters.get("id").into_iter().flatten() {
            if !partners.iter().any(|p| &p.id == value) {
                return Err(format!(
                    "--partners: there is no partner `{value}` in {}",
                    crate::base::vocab::REGISTRY_FILE
                ));
            }
        }
        if !partners.iter().any(|p| self.matches(p)) {
            return Err(format!(
                "--partners {self}: no partner matches; the registry has {} partners",
                partners.len()
            ));
        }
        Ok(())
    }

    /// True when `partner` matches every key of the selection.
    pub fn matches(&self, partner: &Partner) -> bool {
        self.filters.iter().all(|(key, values)| {
            let actual = match key.as_str() {
                "stage" => partner.stage.name(),
                "tier" => partner.tier.name(),
                "market" => partner.market.as_str(),
                _ => partner.id.as_str(),
            };
            values.iter().any(|v| v == actual)
        })
    }
}

impl std::fmt::Display for Selection {
    /// The canonical form, e.g. `market=ru stage=active,pilot` (keys and values sorted).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .filters
            .iter()
            .map(|(k, v)| format!("{k}={}", v.join(",")))
            .collect();
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Selection, String> {
        Selection::parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn values_of_one_key_are_alternatives_and_keys_combine() {
        let a = parse(&["stage=pilot,active", "market=ru"]).unwrap();
        let b = parse(&["market=ru,stage=active", "stage=pilot"]).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "market=ru stage=active,pilot");
    }

    #[test]
    fn unknown_keys_and_values_list_what_is_accepted() {
        let e = parse(&["colour=red"]).unwrap_err();
        assert!(e.contains("stage, tier, market, id"), "{e}");
        let e = parse(&["stage=beta"]).unwrap_err();
        assert!(e.contains("pilot, active, ambassador"), "{e}");
        let e = parse(&["pilot"]).unwrap_err();
        assert!(e.contains("no key"), "{e}");
    }
}
