//! Six-field cron schedules (LANGUAGE.md §3.6): `sec min hour day-of-month month
//! day-of-week`, seconds first, evaluated in UTC against event time.
//!
//! Each field takes `*`, `?` (same as `*`), a number, a range `a-b`, a step `*/n` or
//! `a-b/n` or `a/n`, and comma lists of those. Months may be written `JAN`…`DEC` and
//! weekdays `SUN`…`SAT` (0 or 7 is Sunday). As in Vixie cron, when both day fields are
//! restricted a day matches if either does.

use serde::{Deserialize, Serialize};

/// A parsed schedule: one bit set per field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CronSchedule {
    seconds: u64,
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    day_restricted: bool,
    weekday_restricted: bool,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn parse_value(
    text: &str,
    min: u32,
    max: u32,
    names: &[&str],
    name_base: u32,
) -> Result<u32, String> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Ok(i as u32 + name_base);
    }
    let v: u32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if v < min || v > max {
        return Err(format!("`{v}` is outside {min}..{max}"));
    }
    Ok(v)
}

/// Parses one field into a bit set over `min..=max`; returns (bits, restricted).
fn parse_field(
    text: &str,
    min: u32,
    max: u32,
    names: &[&str],
    name_base: u32,
) -> Result<(u64, bool), String> {
    let mut bits = 0u64;
    let mut restricted = false;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let s: u32 = s.parse().map_err(|_| format!("bad step `{s}`"))?;
                if s == 0 {
                    return Err("a step cannot be 0".into());
                }
                (r, s)
            }
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" || range == "?" {
            if step == 1 {
                bits |= mask(min, max, 1);
                continue;
            }
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (
                parse_value(a, min, max, names, name_base)?,
                parse_value(b, min, max, names, name_base)?,
            )
        } else {
            let a = parse_value(range, min, max, names, name_base)?;
            // `a/n` runs from a to the end of the field.
            (a, if part.contains('/') { max } else { a })
        };
        if lo > hi {
            return Err(format!("empty range `{range}`"));
        }
        restricted = true;
        bits |= mask(lo, hi, step);
    }
    Ok((bits, restricted))
}

fn mask(lo: u32, hi: u32, step: u32) -> u64 {
    (lo..=hi)
        .step_by(step as usize)
        .fold(0, |m, v| m | (1u64 << v))
}

impl CronSchedule {
    pub fn parse(text: &str) -> Result<CronSchedule, String> {
        let fields: Vec<&str> = text.split_whitespace().collect();
        if fields.len() != 6 {
            return Err(format!(
                "expected 6 fields (sec min hour day month weekday), found {}",
                fields.len()
            ));
        }
        let (seconds, _) = parse_field(fields[0], 0, 59, &[], 0)?;
        let (minutes, _) = parse_field(fields[1], 0, 59, &[], 0)?;
        let (hours, _) = parse_field(fields[2], 0, 23, &[], 0)?;
        let (days, day_restricted) = parse_field(fields[3], 1, 31, &[], 0)?;
        let (months, _) = parse_field(fields[4], 1, 12, &MONTHS, 1)?;
        let (mut weekdays, weekday_restricted) = parse_field(fields[5], 0, 7, &WEEKDAYS, 0)?;
        if weekdays & (1 << 7) != 0 {
            weekdays |= 1;
        }
        Ok(CronSchedule {
            seconds,
            minutes,
            hours: hours as u32,
            days: days as u32,
            months: months as u16,
            weekdays: (weekdays & 0x7f) as u8,
            day_restricted: day_restricted && fields[3] != "?",
            weekday_restricted: weekday_restricted && fields[5] != "?",
        })
    }

    fn day_matches(&self, day: u32, weekday: u32) -> bool {
        let d = self.days & (1 << day) != 0;
        let w = self.weekdays & (1 << weekday) != 0;
        match (self.day_restricted, self.weekday_restricted) {
            (true, true) => d || w,
            (true, false) => d,
            (false, true) => w,
            (false, false) => true,
        }
    }

    /// The first tick strictly after `t` (ms since the epoch), or `None` if the
    /// schedule never fires within the next eight years (e.g. `0 0 0 31 2 *`).
    pub fn next_after(&self, t: i64) -> Option<i64> {
        let secs = t.div_euclid(1000) + 1;
        let first_day = secs.div_euclid(86_400);
        let mut from = secs.rem_euclid(86_400);
        for day in first_day..first_day + 8 * 366 {
            let (_, month, dom) = civil_from_days(day);
            // 1970-01-01 was a Thursday (4).
            let weekday = (day + 4).rem_euclid(7) as u32;
            if self.months & (1 << month) != 0 && self.day_matches(dom, weekday) {
                if let Some(s) = self.first_second_from(from) {
                    return Some((day * 86_400 + s) * 1000);
                }
            }
            from = 0;
        }
        None
    }

    /// First matching second of a day at or after `from` (seconds into the day).
    fn first_second_from(&self, from: i64) -> Option<i64> {
        let (h0, m0, s0) = (from / 3600, (from / 60) % 60, from % 60);
        for h in h0..24 {
            if self.hours & (1 << h) == 0 {
                continue;
            }
            let m_start = if h == h0 { m0 } else { 0 };
            for m in m_start..60 {
                if self.minutes & (1 << m) == 0 {
                    continue;
                }
                let s_start = if h == h0 && m == m0 { s0 } else { 0 };
                if let Some(s) = (s_start..60).find(|s| self.seconds & (1 << s) != 0) {
                    return Some(h * 3600 + m * 60 + s);
                }
            }
        }
        None
    }
}

/// (year, month 1..=12, day 1..=31) of a day count since 1970-01-01 (H. Hinnant's
/// civil-from-days algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_second_and_every_five_minutes() {
        let c = CronSchedule::parse("* * * * * *").unwrap();
        assert_eq!(c.next_after(0), Some(1000));
        assert_eq!(c.next_after(999), Some(1000));
        assert_eq!(c.next_after(1000), Some(2000));
        let c = CronSchedule::parse("0 */5 * * * *").unwrap();
        assert_eq!(c.next_after(0), Some(300_000));
        assert_eq!(c.next_after(300_000), Some(600_000));
    }

    #[test]
    fn days_months_and_weekdays() {
        // 1970-01-01 is a Thursday; the first Monday is 1970-01-05.
        let c = CronSchedule::parse("0 0 0 * * MON").unwrap();
        assert_eq!(c.next_after(0), Some(4 * 86_400_000));
        let c = CronSchedule::parse("0 0 12 1 FEB ?").unwrap();
        assert_eq!(c.next_after(0), Some((31 * 86_400 + 12 * 3600) * 1000));
        assert_eq!(
            CronSchedule::parse("0 0 0 31 2 *").unwrap().next_after(0),
            None
        );
        assert_eq!(civil_from_days(19_000), (2022, 1, 8));
    }

    #[test]
    fn bad_fields_are_errors() {
        assert!(CronSchedule::parse("* * * * *").is_err());
        assert!(CronSchedule::parse("61 * * * * *").is_err());
        assert!(CronSchedule::parse("*/0 * * * * *").is_err());
        assert!(CronSchedule::parse("5-2 * * * * *").is_err());
    }
}
