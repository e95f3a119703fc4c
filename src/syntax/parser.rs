//! Placeholder: the nom parser is being written.
use super::ast::App;
use crate::diagnostics::Diagnostic;

pub fn parse(_text: &str) -> Result<App, Vec<Diagnostic>> {
    Err(vec![Diagnostic::error("E0000", "parser not written yet")])
}
