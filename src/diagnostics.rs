//! One diagnostic type for every stage (syntax, plan, CLI, runtime start-up).
//!
//! A [`Diagnostic`] is a value: a stable code, a message, a primary span into the
//! source text, optional secondary labels and a help line. Rendering (carets,
//! `file:line:col`) is done by codespan-reporting so every error looks the same.
//! Nothing here knows about the AST or timely.

use std::fmt;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

/// Byte range `[start, end)` into the application text.
///
/// Equality deliberately ignores positions: AST comparison (`parse(print(ast)) == ast`)
/// is about structure, never about where a node was written.
#[derive(Clone, Copy, Default, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

impl PartialEq for Span {
    fn eq(&self, _other: &Span) -> bool {
        true
    }
}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _state: &mut H) {}
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// A problem found in user input, pointing at where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, e.g. `E0201`. Codes are listed in `docs/errors.md`.
    pub code: &'static str,
    pub message: String,
    /// Primary location; `None` for errors that have no place in the text (CLI, files).
    pub span: Option<Span>,
    /// Text under the caret of the primary span.
    pub label: Option<String>,
    pub secondary: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: None,
            label: None,
            secondary: Vec::new(),
            help: None,
        }
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }
    pub fn at(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }
    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` of the primary span (1-based), if it has one.
    pub fn location(&self, file_name: &str, source: &str) -> Option<String> {
        let span = self.span?;
        let (line, col) = line_col(source, span.start);
        Some(format!("{file_name}:{line}:{col}"))
    }

    /// Renders with carets, without colour (stable for snapshots and logs).
    pub fn render(&self, file_name: &str, source: &str) -> String {
        let mut out = termcolor::NoColor::new(Vec::new());
        self.emit(file_name, source, &mut out);
        String::from_utf8_lossy(&out.into_inner()).into_owned()
    }

    /// Renders to any codespan writer (coloured on a terminal).
    pub fn emit(&self, file_name: &str, source: &str, out: &mut dyn termcolor::WriteColor) {
        let file = SimpleFile::new(file_name, source);
        let mut d = match self.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
            Severity::Note => CsDiagnostic::note(),
        }
        .with_code(self.code)
        .with_message(&self.message);
        let mut labels = Vec::new();
        if let Some(span) = self.span {
            let span = clamp(span, source.len());
            let mut l = Label::primary((), span.range());
            if let Some(text) = &self.label {
                l = l.with_message(text);
            }
            labels.push(l);
        }
        for (span, text) in &self.secondary {
            labels
                .push(Label::secondary((), clamp(*span, source.len()).range()).with_message(text));
        }
        d = d.with_labels(labels);
        if let Some(h) = &self.help {
            d = d.with_notes(vec![format!("help: {h}")]);
        }
        let config = term::Config::default();
        // Writing into memory or stderr; a failed write has nowhere better to be reported.
        let _ = term::emit_to_write_style(out, &config, &file, &d);
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {}",
            sev_word(self.severity),
            self.code,
            self.message
        )
    }
}

fn sev_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn clamp(span: Span, len: usize) -> Span {
    let start = span.start.min(len);
    let end = span.end.clamp(start, len);
    Span { start, end }
}

/// 1-based line and column (in characters) of byte offset `pos`.
pub fn line_col(source: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(source.len());
    let before = &source[..floor_char_boundary(source, pos)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Closest candidate by edit distance, for "did you mean …?" help lines.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lname = name.to_ascii_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = edit_distance(&lname, &c.to_ascii_lowercase());
        let limit = (name.len().max(c.len()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let src = "ab\ncde\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 4), (2, 2));
    }

    #[test]
    fn suggestion_finds_near_miss() {
        assert_eq!(did_you_mean("prise", ["price", "volume"]), Some("price"));
        assert_eq!(did_you_mean("zzz", ["price", "volume"]), None);
    }
}
