//! Source for events pushed by the host through the library API.
//!
//! Worker 0 drains the host's channel; other workers hold nothing. Event time is the
//! explicit time of the event, else the `'event.time'` attribute, else ingestion time
//! (wall clock, non-decreasing). One partition: watermark `max seen − delay`; late
//! events are counted and dropped. Keys are `[rank, sequence number]`. When the host
//! closes its sender the source finishes and the frontier can advance to the end.

use std::rc::Rc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Duration;

use timely::container::CapacityContainerBuilder;
use timely::dataflow::operators::generic::operator::source;
use timely::dataflow::Scope;

use crate::ops::RecStream;
use crate::runtime::metrics::Metrics;
use crate::runtime::record::{source_key, tick_of, Rec};
use crate::value::Row;

use super::InputEvent;

pub struct ApiSourceConfig {
    pub stream: String,
    pub rank: u32,
    pub arity: usize,
    pub event_time: Option<usize>,
    pub delay_ms: i64,
    pub tick_ms: u64,
    pub metrics: Arc<Metrics>,
    pub metrics_index: usize,
}

pub fn api_source<'s>(
    scope: Scope<'s, u64>,
    cfg: ApiSourceConfig,
    rx: Option<Receiver<InputEvent>>,
) -> RecStream<'s> {
    source::<_, CapacityContainerBuilder<Vec<Rec>>, _, _>(
        scope,
        &format!("Input {}", cfg.stream),
        move |cap, info| {
            let activator = scope.activator_for(Rc::clone(&info.address));
            let mut cap = if rx.is_some() { Some(cap) } else { None };
            let mut seq = 0u64;
            let mut max_seen = i64::MIN;
            let mut last_ingest = 0i64;
            move |output| {
                let (Some(c), Some(rx)) = (cap.as_mut(), rx.as_ref()) else {
                    cap = None;
                    return;
                };
                let mut batch = Vec::new();
                let (mut read, mut late) = (0u64, 0u64);
                let mut closed = false;
                for _ in 0..4096 {
                    match rx.try_recv() {
                        Ok(ev) => {
                            read += 1;
                            seq += 1;
                            if ev.row.len() != cfg.arity {
                                // The API checks arity before sending; guard anyway.
                                continue;
                            }
                            let t = match (ev.time, cfg.event_time) {
                                (Some(t), _) => t,
                                (None, Some(col)) => {
                                    ev.row.get(col).and_then(|v| v.as_i64()).unwrap_or(-1)
                                }
                                (None, None) => {
                                    last_ingest = last_ingest.max(wall_ms());
                                    last_ingest
                                }
                            };
                            let wm = if max_seen == i64::MIN {
                                0
                            } else {
                                max_seen - cfg.delay_ms
                            };
                            if t < wm.max(0) || t < 0 {
                                late += 1;
                                continue;
                            }
                            max_seen = max_seen.max(t);
                            let row: Row = ev.row.into_boxed_slice();
                            batch.push(Rec {
                                time: t,
                                key: source_key(cfg.rank, seq),
                                row,
                                expired: false,
                            });
                        }
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => {
                            closed = true;
                            break;
                        }
                    }
                }
                let counters = &cfg.metrics.streams[cfg.metrics_index];
                Metrics::add(&counters.read, read);
                Metrics::add(&counters.late, late);
                if !batch.is_empty() {
                    output.session(&*c).give_container(&mut batch);
                }
                if closed {
                    cap = None;
                    return;
                }
                if max_seen != i64::MIN {
                    let t = tick_of((max_seen - cfg.delay_ms).max(0), cfg.tick_ms);
                    if *c.time() < t {
                        c.downgrade(&t);
                    }
                }
                activator.activate_after(Duration::from_millis(1));
            }
        },
    )
}

fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
