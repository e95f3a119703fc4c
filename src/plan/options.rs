//! WITH-clause options of streams (LANGUAGE.md §2.1, §3.2): validation with spans,
//! suggestions for misspelt keys, and the small value grammars (durations, booleans).

// A plan error is built once per failed plan, never on a hot path: a large
// `Err(Diagnostic)` costs nothing that matters, and boxing it would obscure every `?`.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use crate::diagnostics::{did_you_mean, Diagnostic, Span};
use crate::syntax::ast::{TimeUnit, WithOption};

/// Keys every stream may carry.
const GENERIC_KEYS: &[&str] = &[
    "type",
    "extension",
    "format",
    "event.time",
    "watermark.delay",
    "watermark.idle",
    "late.events",
    "error.strategy",
    "error.dlq.stream",
    "error.retry.max-attempts",
    "error.retry.backoff",
    "error.retry.initial-delay",
    "error.retry.max-delay",
    "error.dlq.fallback-strategy",
    "async.buffer_size",
    "async.workers",
    "async.batch_size_max",
    "async.enabled",
];

const FILE_KEYS: &[&str] = &[
    "file.path",
    "file.start.position",
    "file.poll.interval.ms",
    "file.skip.lines",
    "file.require.exists",
    "file.append",
    "file.flush.interval.ms",
    "file.rotate.size.bytes",
    "file.rotate.interval.ms",
    "file.rotate.compression",
];

const FORMAT_KEYS: &[&str] = &[
    "csv.delimiter",
    "csv.quote",
    "csv.escape",
    "json.fail.on.missing.field",
];

/// Options by key, with the spans of key and value for diagnostics.
pub struct Options {
    pub map: BTreeMap<String, String>,
    spans: BTreeMap<String, (Span, Span)>,
}

impl Options {
    pub fn from_ast(opts: &[WithOption]) -> Result<Options, Diagnostic> {
        let mut map = BTreeMap::new();
        let mut spans = BTreeMap::new();
        for o in opts {
            let (text, vspan) = match &o.value {
                Some(v) => (v.text.clone(), v.span),
                None => (String::new(), o.key_span),
            };
            if map.insert(o.key.clone(), text).is_some() {
                return Err(Diagnostic::error(
                    "E0603",
                    format!("option `{}` is given twice", o.key),
                )
                .at(o.key_span));
            }
            spans.insert(o.key.clone(), (o.key_span, vspan));
        }
        Ok(Options { map, spans })
    }
    pub fn get(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(String::as_str)
    }
    pub fn value_span(&self, key: &str) -> Span {
        self.spans.get(key).map(|s| s.1).unwrap_or_default()
    }
    pub fn key_span(&self, key: &str) -> Span {
        self.spans.get(key).map(|s| s.0).unwrap_or_default()
    }
    pub fn bad_value(
        &self,
        key: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error("E0602", message)
            .at(self.value_span(key))
            .help(help)
    }

    /// Rejects keys that no supported extension knows, suggesting the nearest one.
    pub fn check_keys(&self, extension: Option<&str>) -> Result<(), Diagnostic> {
        for key in self.map.keys() {
            let known = GENERIC_KEYS.contains(&key.as_str())
                || FORMAT_KEYS.contains(&key.as_str())
                || (extension == Some("file") && FILE_KEYS.contains(&key.as_str()))
                // Properties of extensions we do not run are checked when they are supported.
                || extension.is_some_and(|e| e != "file" && key.starts_with(&format!("{e}.")));
            if !known && FILE_KEYS.contains(&key.as_str()) {
                // A real option, but of an extension this stream does not use.
                let d = Diagnostic::error(
                    "E0601",
                    format!("option `{key}` belongs to the 'file' extension"),
                )
                .at(self.key_span(key));
                return Err(match extension {
                    Some(e) => d.help(format!(
                        "this stream's extension is '{e}'; remove `{key}` or use 'extension' = 'file'"
                    )),
                    None => d.help("add 'type' = 'source' (or 'sink') and 'extension' = 'file'"),
                });
            }
            if !known {
                let cands = GENERIC_KEYS
                    .iter()
                    .chain(FORMAT_KEYS)
                    .chain(FILE_KEYS)
                    .copied();
                let mut d = Diagnostic::error("E0601", format!("unknown option `{key}`"))
                    .at(self.key_span(key));
                if let Some(s) = did_you_mean(key, cands) {
                    d = d.help(format!("did you mean `{s}`?"));
                } else {
                    d = d.help("see LANGUAGE.md §2.1 for the options of streams");
                }
                return Err(d);
            }
        }
        Ok(())
    }
}

/// Parses a duration written as text: `'500'` (ms), `'2 SECONDS'`, `'1 HOUR 30 MINUTES'`.
pub fn parse_duration_text(text: &str) -> Result<i64, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return Err("empty duration".into());
    }
    let mut total: i64 = 0;
    let mut i = 0;
    while i < words.len() {
        let n: i64 = words[i]
            .parse()
            .map_err(|_| format!("`{}` is not a whole number", words[i]))?;
        if n < 0 {
            return Err("a duration cannot be negative".into());
        }
        let unit = match words.get(i + 1) {
            None if i == 0 => TimeUnit::Millisecond,
            None => return Err(format!("`{n}` needs a unit")),
            Some(w) => unit_word(w).ok_or_else(|| format!("unknown time unit `{w}`"))?,
        };
        if matches!(unit, TimeUnit::Month | TimeUnit::Year) {
            return Err("MONTH and YEAR have no fixed length; use DAYS".into());
        }
        total = total.saturating_add(n.saturating_mul(unit.millis()));
        i += 2;
    }
    Ok(total)
}

fn unit_word(w: &str) -> Option<TimeUnit> {
    Some(match w.to_ascii_uppercase().as_str() {
        "MILLISECOND" | "MILLISECONDS" | "MILLISEC" | "MS" => TimeUnit::Millisecond,
        "SECOND" | "SECONDS" | "SEC" | "S" => TimeUnit::Second,
        "MINUTE" | "MINUTES" | "MIN" => TimeUnit::Minute,
        "HOUR" | "HOURS" => TimeUnit::Hour,
        "DAY" | "DAYS" => TimeUnit::Day,
        "WEEK" | "WEEKS" => TimeUnit::Week,
        "MONTH" | "MONTHS" => TimeUnit::Month,
        "YEAR" | "YEARS" => TimeUnit::Year,
        _ => return None,
    })
}

pub fn parse_bool_text(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_from_text() {
        assert_eq!(parse_duration_text("500"), Ok(500));
        assert_eq!(parse_duration_text("2 SECONDS"), Ok(2000));
        assert_eq!(parse_duration_text("1 hour 30 min"), Ok(5_400_000));
        assert!(parse_duration_text("5 M").is_err());
        assert!(parse_duration_text("1 MONTH").is_err());
        assert!(parse_duration_text("").is_err());
    }
}
