//! The process environment, read once.
//!
//! A build's output may depend on a few environment variables (`SOURCE_DATE_EPOCH`
//! for timestamps, `REFKIT_SECRET` for kit addresses) and its safety checks on one
//! more (`HOME`). The commands read them once, into one [`Environment`], and pass it
//! down; nothing below the commands looks at the process environment, so a library
//! user or a test states every input explicitly and never mutates the process.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use super::dates::Date;

/// The variable fixing every timestamp refkit writes (reproducible builds).
pub(crate) const SOURCE_DATE_EPOCH_VAR: &str = "SOURCE_DATE_EPOCH";
/// The variable holding the secret kit addresses derive from.
pub(crate) const SECRET_VAR: &str = "REFKIT_SECRET";
/// The variable naming the user's home folder, which no output folder may be.
pub(crate) const HOME_VAR: &str = "HOME";
/// The variable naming the image cache's folder (`--cache-dir`).
pub(crate) const CACHE_DIR_VAR: &str = "REFKIT_CACHE_DIR";
/// The standard variables of S3-compatible storage credentials, for `refkit deploy`.
pub(crate) const ACCESS_KEY_ID_VAR: &str = "AWS_ACCESS_KEY_ID";
pub(crate) const SECRET_ACCESS_KEY_VAR: &str = "AWS_SECRET_ACCESS_KEY";
pub(crate) const SESSION_TOKEN_VAR: &str = "AWS_SESSION_TOKEN";

/// What refkit takes from the environment. The default has nothing set: no fixed
/// epoch, the development secret, no home folder.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// `SOURCE_DATE_EPOCH` as Unix seconds; `None` when unset or not a whole number.
    pub source_date_epoch: Option<i64>,
    /// `REFKIT_SECRET`; `None` when unset, empty or not UTF-8.
    pub secret: Option<String>,
    /// `HOME`, as it is set.
    pub home: Option<PathBuf>,
    /// Storage credentials for `refkit deploy`; never printed.
    pub storage: StorageCredentials,
    /// `REFKIT_CACHE_DIR`: where `build` and `serve` keep drawn images; `None` when
    /// unset or empty.
    pub cache_dir: Option<PathBuf>,
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, each `None`
/// when unset or empty. `Debug` shows only which are set.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StorageCredentials {
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: Option<String>,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: Option<String>,
    /// `AWS_SESSION_TOKEN` (temporary credentials, e.g. from an assumed role).
    pub session_token: Option<String>,
}

impl fmt::Debug for StorageCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |v: &Option<String>| v.as_ref().map(|_| "…");
        f.debug_struct("StorageCredentials")
            .field("access_key_id", &set(&self.access_key_id))
            .field("secret_access_key", &set(&self.secret_access_key))
            .field("session_token", &set(&self.session_token))
            .finish()
    }
}

impl StorageCredentials {
    /// `text` with every credential replaced by `***`, for anything printed.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in [
            &self.access_key_id,
            &self.secret_access_key,
            &self.session_token,
        ]
        .into_iter()
        .flatten()
        {
            // A very short value could match ordinary words; real keys are longer.
            if secret.len() >= 4 {
                text = text.replace(secret.as_str(), "***");
            }
        }
        text
    }
}

impl fmt::Debug for Environment {
    /// Never shows the secret, only whether one is set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field("source_date_epoch", &self.source_date_epoch)
            .field("secret", &self.secret.as_ref().map(|_| "…"))
            .field("home", &self.home)
            .field("storage", &self.storage)
            .field("cache_dir", &self.cache_dir)
            .finish()
    }
}

impl Environment {
    /// Reads the environment of this process. Only the commands call this.
    pub fn from_process() -> Environment {
        Environment::from_vars(|name| std::env::var_os(name))
    }

    /// Reads the variables through `var`, a lookup by name (the process's, or a
    /// test's map).
    pub fn from_vars(var: impl Fn(&str) -> Option<OsString>) -> Environment {
        let text = |name: &str| var(name).and_then(|v| v.into_string().ok());
        Environment {
            // Anything but a whole number counts as unset, as it always has.
            source_date_epoch: text(SOURCE_DATE_EPOCH_VAR)
                .and_then(|s| s.trim().parse::<i64>().ok()),
            secret: text(SECRET_VAR).filter(|s| !s.is_empty()),
            home: var(HOME_VAR).map(PathBuf::from),
            storage: StorageCredentials {
                access_key_id: text(ACCESS_KEY_ID_VAR).filter(|s| !s.is_empty()),
                secret_access_key: text(SECRET_ACCESS_KEY_VAR).filter(|s| !s.is_empty()),
                session_token: text(SESSION_TOKEN_VAR).filter(|s| !s.is_empty()),
            },
            cache_dir: var(CACHE_DIR_VAR)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }

    /// This environment with `secret` as `REFKIT_SECRET`.
    pub fn with_secret(mut self, secret: impl Into<String>) -> Environment {
        self.secret = Some(secret.into()).filter(|s| !s.is_empty());
        self
    }

    /// This environment with `seconds` as `SOURCE_DATE_EPOCH`.
    pub fn with_source_date_epoch(mut self, seconds: i64) -> Environment {
        self.source_date_epoch = Some(seconds);
        self
    }

    /// The day of `SOURCE_DATE_EPOCH`, when it is set.
    pub fn source_date(&self) -> Option<Date> {
        self.source_date_epoch.map(Date::from_unix_seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
            .collect();
        Environment::from_vars(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn an_empty_environment_sets_nothing() {
        assert_eq!(env(&[]), Environment::default());
    }

    #[test]
    fn source_date_epoch_is_read_as_whole_seconds_with_spaces_trimmed() {
        let e = env(&[(SOURCE_DATE_EPOCH_VAR, " 1764547200\n")]);
        assert_eq!(e.source_date_epoch, Some(1_764_547_200));
        assert_eq!(e.source_date(), Date::parse("2025-12-01"));
        assert_eq!(
            env(&[(SOURCE_DATE_EPOCH_VAR, "-86400")]).source_date_epoch,
            Some(-86_400)
        );
    }

    #[test]
    fn a_source_date_epoch_that_is_not_a_number_counts_as_unset() {
        for garbage in ["", "soon", "1.5", "1764547200s", "99999999999999999999"] {
            let e = env(&[(SOURCE_DATE_EPOCH_VAR, garbage)]);
            assert_eq!(e.source_date_epoch, None, "{garbage:?}");
            assert_eq!(e.source_date(), None);
        }
    }

    #[test]
    fn an_empty_secret_counts_as_unset() {
        assert_eq!(env(&[(SECRET_VAR, "")]).secret, None);
        assert_eq!(
            env(&[(SECRET_VAR, "s3cret")]).secret.as_deref(),
            Some("s3cret")
        );
        assert_eq!(Environment::default().with_secret("").secret, None);
    }

    #[test]
    fn home_is_kept_as_it_is_set() {
        assert_eq!(
            env(&[(HOME_VAR, "/home/ana")]).home,
            Some(PathBuf::from("/home/ana"))
        );
    }

    #[test]
    fn only_the_commands_read_the_process_environment() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut dirs = vec![src];
        let mut read = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let code = text.split("#[cfg(test)]").next().unwrap_or("");
                    let reads = code.matches("env::var").count();
                    let allowed = usize::from(path.ends_with("base/env.rs"));
                    assert_eq!(reads, allowed, "{} reads the environment", path.display());
                    let in_cmd = path.components().any(|c| c.as_os_str() == "cmd");
                    assert!(
                        in_cmd || !code.contains("Environment::from_process"),
                        "{} reads the process environment; only the commands may",
                        path.display()
                    );
                    read += 1;
                }
            }
        }
        assert!(read > 50, "src/ was read");
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let shown = format!("{:?}", Environment::default().with_secret("hunter2"));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("secret"), "{shown}");
    }

    #[test]
    fn redaction_removes_every_credential() {
        let c = StorageCredentials {
            access_key_id: Some("AKIAEXAMPLE123".into()),
            secret_access_key: Some("s3cr3t/value+x".into()),
            session_token: None,
        };
        let text = c.redact("key AKIAEXAMPLE123 and s3cr3t/value+x here");
        assert_eq!(text, "key *** and *** here");
        assert!(!format!("{c:?}").contains("AKIA"));
    }
}
