//! Text → AST. Owns the nom parser, the AST (every node with its span) and the
//! pretty-printer. May import only `diagnostics` and `value` (for type names);
//! never the planner or the runtime.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod printer;

pub use parser::parse;
pub use printer::{print, print_expr};
