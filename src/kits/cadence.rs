//! The cadence in a kit: `cadence.ics` (a calendar) and `cadence.txt` (a checklist).
//!
//! A playbook's cadence is a list of touches at day offsets. In a partner's kit each
//! touch becomes a calendar event on the start date plus its offset, a checklist item
//! and a file of its own, `cadence/<touch>.txt`: the copy to send (the touch's own
//! text, or its channel's pitch copy) with the touch's own link in it (its short
//! link, which leads to the touch's tracked link). The checklist and the event name
//! that file and carry the same link, so whatever the partner sends on that day is
//! attributed to that touch.
//!
//! The iCalendar writer is small and strict (RFC 5545): CRLF line ends, lines folded
//! at 75 octets without splitting a UTF-8 character, TEXT values escaped, and
//! nothing taken from the clock: the stamp comes from
//! `SOURCE_DATE_EPOCH` or the start date, so a calendar is as reproducible as a zip.

use super::archive::Entry;
use crate::base::dates::Date;
use crate::base::diagnostics::{Diagnostic, Result};
use crate::base::vocab::messages;
use crate::model::partners::Partner;
use crate::model::playbooks::Touch;
use crate::render::contract::KitTouch;
use crate::render::loaded::Loaded;
use crate::render::locales::Arg;

/// One event of a calendar: an all-day touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    /// Globally unique and stable: the same touch keeps its UID across builds.
    pub uid: String,
    /// The day of the touch.
    pub date: Date,
    /// One line: what to do.
    pub summary: String,
    /// Longer text: the copy to use and the link.
    pub description: String,
    /// The tracked link of the touch.
    pub url: String,
}

/// A whole `VCALENDAR` with `events`, stamped `stamp` (`YYYYMMDDTHHMMSSZ`).
pub(crate) fn calendar(product: &str, name: &str, stamp: &str, events: &[Event]) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&fold(&text));
        out.push_str("\r\n");
    };
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line(format!("PRODID:-//refkit//{}//EN", escape(product)));
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&e.uid)));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", e.date.compact()));
        line(format!("DTEND;VALUE=DATE:{}", e.date.add_days(1).compact()));
        line(format!("SUMMARY:{}", escape(&e.summary)));
        line(format!("DESCRIPTION:{}", escape(&e.description)));
        line(format!("URL:{}", e.url));
        line("TRANSP:TRANSPARENT".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// The calendar stamp: `source_date_epoch` when set, else midnight of `start`.
pub(crate) fn stamp(start: Date, source_date_epoch: Option<i64>) -> String {
    let seconds = source_date_epoch.unwrap_or_else(|| start.unix_seconds());
    let day = Date::from_unix_seconds(seconds);
    let rest = seconds.rem_euclid(86_400);
    format!(
        "{}T{:02}{:02}{:02}Z",
        day.compact(),
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line into lines of at most 75 octets; continuation lines start
/// with one space. Never splits a UTF-8 character.
pub(crate) fn fold(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > LIMIT {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out
}

/// What a partner's kit in one language gets from its cadence.
pub(super) struct KitCadence {
    /// `cadence.txt`, and `cadence.ics` when the cadence has a start date.
    pub entries: Vec<Entry>,
    /// (channel, asset, url) of every touch's link.
    pub links: Vec<[String; 3]>,
    /// The `cadence` template value.
    pub touches: Vec<KitTouch>,
}

/// The cadence files of `partner`'s kit in `lang`: the touches of its playbook on
/// the channels the partner uses, each with its own copy and tracked link.
/// `pitch_copy` gives a channel's pitch copy as plain text, placeholders kept.
/// `dates` is the cadence's start (none: a checklist without dates) and
/// `SOURCE_DATE_EPOCH`, the calendar's stamp.
pub(super) fn for_kit(
    loaded: &Loaded,
    partner: &Partner,
    lang: &str,
    (start, source_date_epoch): (Option<Date>, Option<i64>),
    pitch_copy: &dyn Fn(&str) -> Option<String>,
) -> Result<KitCadence> {
    let plan = Plan {
        loaded,
        partner,
        lang,
        start,
    };
    let settings = &loaded.project.settings;
    let plan_title = plan.message(
        messages::CADENCE_TITLE,
        &[
            ("brand", Arg::Text(settings.title.clone())),
            ("partner", Arg::Text(partner.name.clone())),
        ],
    )?;
    let mut text = format!("{plan_title}\n");
    text.push_str(&match start {
        Some(date) => plan.message(
            messages::CADENCE_START,
            &[("date", Arg::Text(plan.long_date(date)))],
        )?,
        None => plan.message(messages::CADENCE_NO_START, &[])?,
    });
    text.push_str("\n\n");

    let labels = (
        plan.message(messages::CADENCE_COPY, &[])?,
        plan.message(messages::CADENCE_LINK, &[])?,
    );
    let mut cadence = KitCadence {
        entries: Vec::new(),
        links: Vec::new(),
        touches: Vec::new(),
    };
    let mut copies = Vec::new();
    let mut events = Vec::new();
    for touch in loaded
        .project
        .playbook(partner)
        .terms
        .cadence
        .iter()
        .filter(|t| partner.channels.contains(&t.channel))
    {
        let made = plan.touch(touch, &labels, pitch_copy)?;
        text.push_str(&made.item);
        copies.push(made.copy);
        events.extend(made.event);
        cadence.links.push(made.link);
        cadence.touches.push(made.value);
    }
    if cadence.touches.is_empty() {
        return Ok(cadence);
    }
    cadence
        .entries
        .push(Entry::text("cadence.txt", format!("{}\n", text.trim_end())));
    cadence.entries.extend(copies);
    if let Some(start) = start {
        cadence.entries.push(Entry::text(
            "cadence.ics",
            calendar(
                &settings.title,
                &plan_title,
                &stamp(start, source_date_epoch),
                &events,
            ),
        ));
    }
    Ok(cadence)
}

/// One partner's outreach plan in one language, being written.
struct Plan<'a> {
    loaded: &'a Loaded,
    partner: &'a Partner,
    lang: &'a str,
    start: Option<Date>,
}

/// What one touch adds to the plan.
struct Made {
    /// Its checklist item in `cadence.txt`.
    item: String,
    /// `cadence/<touch>.txt`: the copy to send.
    copy: Entry,
    /// Its calendar event, when the plan has dates.
    event: Option<Event>,
    /// (channel, asset, tracked url).
    link: [String; 3],
    value: KitTouch,
}

impl Plan<'_> {
    fn message(&self, key: &str, args: &[(&str, Arg)]) -> Result<String> {
        self.loaded
            .locales
            .format(self.lang, key, args)
            .map_err(|why| Diagnostic::project(why).into())
    }

    /// The channel's name in the plan's language, else its id.
    fn channel_name(&self, channel: &str) -> String {
        let locales = &self.loaded.locales;
        let key = format!("{}{channel}", messages::CHANNEL_PREFIX);
        if locales.has(self.lang, &key) {
            locales
                .format(self.lang, &key, &[])
                .unwrap_or_else(|_| channel.to_owned())
        } else {
            channel.to_owned()
        }
    }

    /// A date as the plan's language writes it ("1 июня 2026 г.").
    fn long_date(&self, date: Date) -> String {
        let iso = date.to_string();
        self.loaded
            .locales
            .formatter(self.lang)
            .and_then(|f| f.date(&iso))
            .unwrap_or(iso)
    }

    /// The site's host, for calendar UIDs.
    fn host(&self) -> &str {
        let base = &self.loaded.project.settings.base_url;
        base.split_once("://")
            .map_or(base.as_str(), |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or("refkit.invalid")
    }

    /// One touch: its copy with its own link (short, unless the site prints full
    /// links), its checklist item, its event and its template value.
    fn touch(
        &self,
        touch: &Touch,
        (copy_label, link_label): &(String, String),
        pitch_copy: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Made> {
        let (partner, lang) = (self.partner, self.lang);
        let attribution = &*self.loaded.attribution;
        let asset = touch.asset();
        let tracked = attribution
            .link(&partner.id, lang, &touch.channel, &asset)
            .map_err(Diagnostic::project)?;
        let url = attribution
            .shorts()
            .in_copy(&partner.code, &touch.channel, &asset, &tracked);
        let title = touch.title.get(lang).cloned().unwrap_or_default();
        let file = format!("cadence/{}.txt", touch.id);
        let copy = match touch.copy.get(lang) {
            Some(own) => crate::text::typography::typeset(own, lang),
            None => pitch_copy(&touch.channel).unwrap_or_default(),
        };
        let copy = super::text::stamp_text(&copy, &partner.name, &url);
        let channel = self.channel_name(&touch.channel);
        let day = self.message(
            messages::CADENCE_DAY,
            &[("day", Arg::Number(f64::from(touch.day)))],
        )?;
        let date = self.start.map(|s| s.add_days(touch.day));
        let mut heading = format!("[ ] {day}");
        if let Some(date) = date {
            heading.push_str(&format!(" · {}", self.long_date(date)));
        }
        heading.push_str(&format!(" · {channel}"));
        let event = date.map(|date| Event {
            uid: format!(
                "{}.{}.{}@{}",
                touch.id,
                partner.id,
                partner.market,
                self.host()
            ),
            date,
            summary: format!("{title} ({channel})"),
            description: format!(
                "{copy_label} {file}\n{link_label} {url}\n\n{}",
                copy.trim_end()
            ),
            url: url.clone(),
        });
        Ok(Made {
            item: format!(
                "{heading}\n    {title}\n    {copy_label} {file}\n    {link_label} {url}\n\n"
            ),
            copy: Entry::text(file.clone(), format!("{}\n", copy.trim_end())),
            event,
            value: KitTouch {
                id: touch.id.clone(),
                day: touch.day,
                date: date.map(|d| d.to_string()),
                date_text: date.map(|d| self.long_date(d)),
                channel: touch.channel.clone(),
                title,
                file,
                link: url,
            },
            link: [touch.channel.clone(), asset, tracked],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "ж".repeat(60));
        let folded = fold(&line);
        for part in folded.split("\r\n") {
            assert!(part.len() <= 75, "{} octets: {part}", part.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert_eq!(fold("SHORT:x"), "SHORT:x");
    }

    #[test]
    fn calendar_has_crlf_lines_and_one_event_per_touch() {
        let start = Date::parse("2026-06-01").unwrap();
        let events = [Event {
            uid: "intro.alpha.us@partners.test".into(),
            date: start.add_days(3),
            summary: "Send the e-mail, today".into(),
            description: "Copy: pitch/email.txt\nLink: https://x.test/?a=1".into(),
            url: "https://x.test/?a=1".into(),
        }];
        let ics = calendar("Test", "Plan", &stamp(start, None), &events);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'));
        assert!(ics.contains("\r\nDTSTART;VALUE=DATE:20260604\r\n"));
        assert!(ics.contains("\r\nSUMMARY:Send the e-mail\\, today\r\n"));
        assert!(ics.contains("DESCRIPTION:Copy: pitch/email.txt\\nLink: https://x.test/?a=1"));
        assert!(ics.contains("\r\nDTSTAMP:20260601T000000Z\r\n"));
    }

    #[test]
    fn the_stamp_is_source_date_epoch_when_set_else_midnight_of_the_start() {
        let start = Date::parse("2026-06-01").unwrap();
        assert_eq!(stamp(start, None), "20260601T000000Z");
        assert_eq!(stamp(start, Some(1_764_547_261)), "20251201T000101Z");
    }
}
