//! Sources and sinks and their record formats. May import value and diagnostics; never the
//! AST or the planner.

pub mod chunks;
pub mod file_sink;
pub mod file_source;
pub mod format;
