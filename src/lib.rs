//! fluxtide: a complex-event-processing engine. EventFluxQL text is parsed
//! ([`syntax`]), planned ([`plan`]), lowered onto a timely dataflow ([`lower`],
//! [`ops`], [`runtime`]) and connected to the outside world ([`connectors`]).
//!
//! The public embedding API is [`App`] (build from SQL, bind inputs and outputs,
//! run on a timely configuration, push events and receive results).

pub mod cli;
pub mod connectors;
pub mod diagnostics;
pub mod expr;
pub mod lower;
pub mod ops;
pub mod plan;
pub mod runtime;
pub mod syntax;
pub mod value;

mod api;
pub use api::*;
