//! Ordered sink: writes a stream in `(time, key)` order (LANGUAGE.md §3.3, §3.8).
//!
//! Every item is exchanged to one worker (global worker 0, so there is a single writer
//! per sink) and buffered by `tick(time)`. When the input frontier passes a tick, that
//! tick's items are sorted by `(time, key)` and handed to the writers; at the end of
//! input everything left is flushed and the writers are closed. The output is
//! therefore byte-identical for any `-w`/`-n`.
//!
//! File sinks encode each row into its output line on the worker that produced it
//! ([`EncodedRec`]), so the single writer only sorts and writes bytes; the API sink
//! ships rows ([`Rec`]).
//! State: the items of ticks the frontier has not passed (bounded by the watermark
//! delay and one tick of input).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use timely::dataflow::channels::pact::Exchange;
use timely::dataflow::operators::generic::Operator;
use timely::dataflow::StreamVec;

use crate::runtime::metrics::Metrics;
use crate::runtime::record::{tick_of, OrdKey, Rec};
use crate::runtime::Abort;

/// An output line already encoded by the producing worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EncodedRec {
    pub time: i64,
    pub key: OrdKey,
    /// The whole line, newline included.
    pub line: Vec<u8>,
}

/// What the sink needs of an item: its time and its place in `(time, key)` order.
pub trait Ordered {
    fn time(&self) -> i64;
    fn order(&self, other: &Self) -> Ordering;
}

impl Ordered for Rec {
    fn time(&self) -> i64 {
        self.time
    }
    fn order(&self, other: &Rec) -> Ordering {
        Rec::order(self, other)
    }
}

impl Ordered for EncodedRec {
    fn time(&self) -> i64 {
        self.time
    }
    fn order(&self, other: &EncodedRec) -> Ordering {
        self.time
            .cmp(&other.time)
            .then_with(|| self.key.cmp(&other.key))
    }
}

/// Receives a sink's items in order. Implemented by file writers and the API.
pub trait ItemWriter<D> {
    fn write(&mut self, item: &D) -> std::io::Result<()>;
    /// Called once at end of input.
    fn finish(&mut self) -> std::io::Result<()>;
}

pub struct SinkConfig {
    pub name: String,
    pub tick_ms: u64,
    pub metrics: Arc<Metrics>,
    pub metrics_index: usize,
    pub abort: Arc<Abort>,
}

pub trait OrderedSink<D> {
    /// Writes the stream through `writers` (created on worker 0 only; other workers pass none).
    fn ordered_sink(self, cfg: SinkConfig, writers: Vec<Box<dyn ItemWriter<D>>>);
}

impl<'s, D: timely::ExchangeData + Ordered> OrderedSink<D> for StreamVec<'s, u64, D> {
    fn ordered_sink(self, cfg: SinkConfig, mut writers: Vec<Box<dyn ItemWriter<D>>>) {
        let mut pending: BTreeMap<u64, Vec<D>> = BTreeMap::new();
        let mut finished = false;
        let name = format!("Sink {}", cfg.name);
        self.sink(
            Exchange::new(|_r: &D| 0u64),
            &name,
            move |(input, frontier)| {
                input.for_each(|_cap, data| {
                    for item in data.drain(..) {
                        pending
                            .entry(tick_of(item.time(), cfg.tick_ms))
                            .or_default()
                            .push(item);
                    }
                });
                if finished {
                    return;
                }
                let mut wrote = 0u64;
                while let Some(entry) = pending.first_entry() {
                    if frontier.less_equal(entry.key()) {
                        break;
                    }
                    let mut items = entry.remove();
                    items.sort_by(Ordered::order);
                    for item in &items {
                        for w in writers.iter_mut() {
                            if let Err(e) = w.write(item) {
                                cfg.abort.fail(format!("writing `{}`: {e}", cfg.name));
                            }
                        }
                    }
                    wrote += items.len() as u64;
                }
                Metrics::add(&cfg.metrics.streams[cfg.metrics_index].written, wrote);
                if frontier.is_empty() && pending.is_empty() {
                    finished = true;
                    for w in writers.iter_mut() {
                        if let Err(e) = w.finish() {
                            cfg.abort.fail(format!("closing `{}`: {e}", cfg.name));
                        }
                    }
                }
            },
        );
    }
}
