//! Placeholder: the pretty-printer is being written.
use super::ast::App;

pub fn print(_app: &App) -> String {
    String::new()
}
