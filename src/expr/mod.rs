//! Scalar expressions: compiled once at plan time into closures over column indexes;
//! built-in functions, CAST and LIKE. May import value and diagnostics; never timely.

pub mod aggregate;
pub mod cast;
pub mod compile;
pub mod exact_sum;
pub mod functions;
pub mod ir;
pub mod like;
