//! `timeBatch(t [, start] [, streamCurrent])` and `tumbling(t)` (§2.5): batches are
//! the half-open intervals `[start + k·t, start + (k+1)·t)`.
//!
//! Events collect silently (with `streamCurrent` each is also emitted CURRENT on
//! arrival). At each batch end b, before events stamped b, a timer emits the batch
//! flush chunk stamped b: `EXPIRED(previous batch) …, RESET, CURRENT(this batch) …`
//! (with `streamCurrent`: `EXPIRED(this batch) …, RESET`). The EXPIRED part is
//! emitted only when expired rows are needed; an empty batch emits nothing except
//! the previous batch's EXPIRED rows (so one extra timer fires at the boundary after
//! the last non-empty batch, also at end of input, §3.7). State: the open batch and,
//! when expired rows are needed, the previous one.

use serde::{Deserialize, Serialize};

use super::{arrival_chunk, Cause, Chunk, ChunkSink, Ev, Timers, WindowNeeds, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TimeBatchWindow {
    t: i64,
    start: i64,
    stream_current: bool,
    keep_previous: bool,
    /// Fold arrivals into the selector instead of holding them ([`WindowNeeds`]).
    accumulate: bool,
    /// Events folded into the open batch (accumulate mode).
    folded: u64,
    batch: Vec<Ev>,
    previous: Vec<Ev>,
    /// End of the batch whose timer is pending.
    armed: Option<i64>,
}

impl TimeBatchWindow {
    pub fn new(t: i64, start: i64, stream_current: bool, needs: WindowNeeds) -> TimeBatchWindow {
        TimeBatchWindow {
            t: t.max(1),
            start,
            stream_current,
            keep_previous: needs.expired,
            accumulate: needs.accumulate && !stream_current && !needs.expired,
            folded: 0,
            batch: Vec::new(),
            previous: Vec::new(),
            armed: None,
        }
    }

    /// End of the batch holding time `time`.
    fn batch_end(&self, time: i64) -> i64 {
        let k = (time - self.start).div_euclid(self.t);
        self.start + (k + 1) * self.t
    }
}

impl WindowOp for TimeBatchWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, out: &mut S) {
        if self.stream_current {
            arrival_chunk(&ev, out);
        }
        let end = self.batch_end(ev.time);
        if self.armed != Some(end) {
            // The previous boundary has fired already (timers precede arrivals), so
            // this is the first event of a new batch.
            timers.set(end, 0);
            self.armed = Some(end);
        }
        if self.accumulate {
            self.folded += 1;
            out.accumulate(ev);
        } else {
            self.batch.push(ev);
        }
    }

    fn on_timer<S: ChunkSink>(
        &mut self,
        time: i64,
        _tag: u64,
        timers: &mut dyn Timers,
        out: &mut S,
    ) {
        if self.armed == Some(time) {
            self.armed = None;
        }
        if self.accumulate {
            if self.folded > 0 {
                self.folded = 0;
                out.begin(Chunk {
                    time,
                    batch: true,
                    cause: Cause::Timer {
                        chunk: Default::default(),
                    },
                });
                out.reset();
                out.flush_accumulated();
                out.end();
            }
            return;
        }
        let mut batch = std::mem::take(&mut self.batch);
        let previous = std::mem::take(&mut self.previous);
        let expired_part = if self.stream_current {
            &batch
        } else {
            &previous
        };
        let show_expired = self.keep_previous && !expired_part.is_empty();
        if batch.is_empty() && !show_expired {
            return;
        }
        out.begin(Chunk {
            time,
            batch: true,
            cause: Cause::Timer {
                chunk: Default::default(),
            },
        });
        if show_expired {
            expired_part.iter().for_each(|e| out.expired(e));
        }
        out.reset();
        if !self.stream_current {
            if self.keep_previous {
                batch.iter().for_each(|e| out.current(e));
            } else {
                // Nothing keeps the batch: hand the events over instead of copying rows.
                batch.drain(..).for_each(|e| out.current_owned(e));
            }
        }
        out.end();
        if self.keep_previous && !self.stream_current && !batch.is_empty() {
            // The batch expires at the next boundary, even if no event arrives.
            let next = time + self.t;
            if self.armed.is_none() {
                timers.set(next, 0);
                self.armed = Some(next);
            }
            self.previous = batch;
        }
    }

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.batch.iter().for_each(f);
    }

    fn for_each_joinable(&self, f: &mut dyn FnMut(&Ev)) {
        // With streamCurrent the open batch's events are out already.
        if self.stream_current {
            self.batch.iter().for_each(f);
        } else {
            self.previous.iter().for_each(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{drive, Item::*};
    use super::*;

    #[test]
    fn boundary_event_opens_the_next_batch() {
        let mut w = TimeBatchWindow::new(
            10,
            0,
            false,
            WindowNeeds {
                expired: false,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 3), (2, 9), (3, 10), (4, 35)]);
        assert_eq!(
            items,
            vec![
                Begin {
                    time: 10,
                    batch: true
                },
                Reset,
                Current(1),
                Current(2),
                End,
                Begin {
                    time: 20,
                    batch: true
                },
                Reset,
                Current(3),
                End,
                Begin {
                    time: 40,
                    batch: true
                },
                Reset,
                Current(4),
                End,
            ]
        );
    }

    #[test]
    fn folding_gives_the_same_chunks_as_holding() {
        let events = [(1, 3), (2, 9), (3, 10), (4, 35)];
        let mut held = TimeBatchWindow::new(
            10,
            0,
            false,
            WindowNeeds {
                expired: false,
                accumulate: false,
            },
        );
        let mut folded = TimeBatchWindow::new(
            10,
            0,
            false,
            WindowNeeds {
                expired: false,
                accumulate: true,
            },
        );
        assert_eq!(drive(&mut held, &events), drive(&mut folded, &events));
    }

    #[test]
    fn expired_rows_come_at_the_next_boundary_even_when_empty() {
        let mut w = TimeBatchWindow::new(
            10,
            0,
            false,
            WindowNeeds {
                expired: true,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 3), (2, 25)]);
        assert_eq!(
            items,
            vec![
                Begin {
                    time: 10,
                    batch: true
                },
                Reset,
                Current(1),
                End,
                Begin {
                    time: 20,
                    batch: true
                },
                Expired(1),
                Reset,
                End,
                Begin {
                    time: 30,
                    batch: true
                },
                Reset,
                Current(2),
                End,
                Begin {
                    time: 40,
                    batch: true
                },
                Expired(2),
                Reset,
                End,
            ]
        );
    }
}
