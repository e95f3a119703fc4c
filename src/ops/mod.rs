//! Dataflow operators, one family per file. Operators see compiled expressions and
//! [`crate::runtime::record::Rec`]s, never the AST. Each file's doc comment states
//! the operator's semantics, its state and its time behaviour.

pub mod filter_project;
pub mod sink_order;

use timely::dataflow::StreamVec;

use crate::runtime::record::Rec;

/// The stream type on every edge: records at timely time `tick(time)` or earlier.
pub type RecStream<'s> = StreamVec<'s, u64, Rec>;
