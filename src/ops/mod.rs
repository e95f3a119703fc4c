//! Dataflow operators, one family per file. Operators see compiled expressions and
//! [`crate::runtime::record::Rec`]s, never the AST. Each file's doc comment states
//! the operator's semantics, its state and its time behaviour.

pub mod filter_project;
pub mod group_map;
pub mod join;
pub mod rate_limit;
pub mod selector;
pub mod sink_order;
pub mod table;
pub mod window;
pub mod window_query;

use timely::dataflow::StreamVec;

use crate::runtime::record::Rec;

/// The stream type on every edge: records at timely time `tick(time)` or earlier.
pub type RecStream<'s> = StreamVec<'s, u64, Rec>;
