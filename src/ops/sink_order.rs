//! Ordered sink: writes a stream in `(time, key)` order (LANGUAGE.md §3.3, §3.8).
//!
//! Every record is exchanged to one worker (global worker 0, so there is a single
//! writer per sink) and buffered by `tick(time)`. When the input frontier passes a
//! tick, that tick's records are sorted by `(time, key)` and handed to the writers;
//! at the end of input everything left is flushed and the writers are closed. The
//! output is therefore byte-identical for any `-w`/`-n`.
//! State: the records of ticks the frontier has not passed (bounded by the
//! watermark delay and one tick of input).

use std::collections::BTreeMap;
use std::sync::Arc;

use timely::dataflow::channels::pact::Exchange;
use timely::dataflow::operators::generic::Operator;

use crate::runtime::metrics::Metrics;
use crate::runtime::record::{tick_of, Rec};
use crate::runtime::Abort;

use super::RecStream;

/// Receives a sink's records in order. Implemented by file writers and the API.
pub trait RowWriter {
    fn write(&mut self, rec: &Rec) -> std::io::Result<()>;
    /// Called after each flushed tick (writers may batch until then).
    fn flush(&mut self) -> std::io::Result<()>;
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

pub trait OrderedSink {
    /// Writes the stream through `writers` (created on worker 0 only; other workers pass none).
    fn ordered_sink(self, cfg: SinkConfig, writers: Vec<Box<dyn RowWriter>>);
}

impl<'s> OrderedSink for RecStream<'s> {
    fn ordered_sink(self, cfg: SinkConfig, mut writers: Vec<Box<dyn RowWriter>>) {
        let mut pending: BTreeMap<u64, Vec<Rec>> = BTreeMap::new();
        let mut finished = false;
        let name = format!("Sink {}", cfg.name);
        self.sink(
            Exchange::new(|_r: &Rec| 0u64),
            &name,
            move |(input, frontier)| {
                input.for_each(|_cap, data| {
                    for rec in data.drain(..) {
                        pending
                            .entry(tick_of(rec.time, cfg.tick_ms))
                            .or_default()
                            .push(rec);
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
                    let mut recs = entry.remove();
                    recs.sort_by(Rec::order);
                    for rec in &recs {
                        for w in writers.iter_mut() {
                            if let Err(e) = w.write(rec) {
                                cfg.abort.fail(format!("writing `{}`: {e}", cfg.name));
                            }
                        }
                    }
                    wrote += recs.len() as u64;
                    for w in writers.iter_mut() {
                        if let Err(e) = w.flush() {
                            cfg.abort.fail(format!("writing `{}`: {e}", cfg.name));
                        }
                    }
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
