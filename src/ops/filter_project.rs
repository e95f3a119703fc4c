//! Stateless query operator: `WHERE` then the select list, fused into one pass.
//!
//! Semantics (LANGUAGE.md §2.4.1–2.4.2): every input record that satisfies the
//! filter produces one output row, stamped with the input's event time (§3.2).
//! Records arriving from an upstream window as EXPIRED rows are ordinary events to
//! this query (§2.4.6). Output `i = 0` of query `o` gets key `k ++ (o, 0)` (§3.3).
//! State: none. Time: records pass at the timely time they arrive; no exchange.

use timely::dataflow::channels::pact::Pipeline;
use timely::dataflow::operators::generic::Operator;

use crate::expr::compile::{EvalCtx, PredFn, ValueFn};
use crate::runtime::record::Rec;
use crate::value::Value;

use super::RecStream;

/// A query compiled for one worker.
pub struct CompiledQuery {
    pub id: u32,
    pub name: String,
    pub filter: Option<PredFn>,
    /// `None` when the output row is the input row unchanged (`SELECT *`).
    pub project: Option<Vec<ValueFn>>,
    /// `INSERT EXPIRED EVENTS`: a stateless query emits no expired rows, so nothing passes.
    pub emits: bool,
}

impl CompiledQuery {
    /// Applies the query to one record; `None` when it is filtered out.
    #[inline]
    pub fn apply(&self, mut rec: Rec) -> Option<Rec> {
        if !self.emits {
            return None;
        }
        let ctx = EvalCtx {
            row: &rec.row,
            time: rec.time,
            key_hash: 0,
        };
        if let Some(f) = &self.filter {
            if !f(&ctx) {
                return None;
            }
        }
        if let Some(project) = &self.project {
            let key_hash = if project.is_empty() {
                0
            } else {
                key_hash(&rec)
            };
            let ctx = EvalCtx {
                row: &rec.row,
                time: rec.time,
                key_hash,
            };
            let row: Box<[Value]> = project.iter().map(|p| p(&ctx)).collect();
            rec.row = row;
        }
        // Output index 0: a stateless query emits at most one row per input.
        rec.key.push(u64::from(self.id) << 32);
        rec.expired = false;
        Some(rec)
    }
}

fn key_hash(rec: &Rec) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    rec.key.hash(&mut h);
    h.finish()
}

/// Extension trait in timely's style.
pub trait FilterProject<'s> {
    /// Runs a stateless query over the stream (see the module documentation).
    fn filter_project(self, query: CompiledQuery) -> RecStream<'s>;
}

impl<'s> FilterProject<'s> for RecStream<'s> {
    fn filter_project(self, query: CompiledQuery) -> RecStream<'s> {
        let name = format!("Query {}", query.name);
        self.unary(Pipeline, &name, move |_cap, _info| {
            let mut out: Vec<Rec> = Vec::new();
            move |input, output| {
                input.for_each(|cap, data| {
                    out.reserve(data.len());
                    out.extend(data.drain(..).filter_map(|r| query.apply(r)));
                    if !out.is_empty() {
                        output.session(&cap).give_container(&mut out);
                    }
                });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::compile::compile_pred;
    use crate::expr::ir::{CmpOp, ScalarExpr};
    use crate::runtime::record::source_key;

    #[test]
    fn filter_keeps_matching_rows_and_extends_the_key() {
        let pred = ScalarExpr::Cmp {
            op: CmpOp::Gt,
            left: ScalarExpr::Column(0).boxed(),
            right: ScalarExpr::Literal(Value::Double(1.0)).boxed(),
        };
        let q = CompiledQuery {
            id: 3,
            name: "q".into(),
            filter: Some(compile_pred(&pred)),
            project: None,
            emits: true,
        };
        let rec = |v: f64| Rec {
            time: 5,
            key: source_key(1, 0),
            row: vec![Value::Double(v)].into_boxed_slice(),
            expired: false,
        };
        assert!(q.apply(rec(0.5)).is_none());
        let out = q.apply(rec(2.0)).expect("passes");
        assert_eq!(out.key.as_slice(), &[1, 0, 3u64 << 32]);
    }
}
