//! `lengthBatch(n [, streamCurrent])` (§2.5): batches of n events, counted per key
//! group (the planner keeps the whole stream in one group, §3.8).
//!
//! Events collect silently. The n-th arrival triggers the batch-flush chunk, stamped
//! with its time (count-triggered emission, "Decisions"): `EXPIRED(previous batch) …,
//! RESET, CURRENT(batch) …`, the EXPIRED part only when expired rows are needed.
//!
//! With `streamCurrent` every arrival is emitted CURRENT at once, and at the n-th the
//! same chunk continues with `EXPIRED(batch) …` (when needed) and RESET, as the spec
//! text says. That chunk is *not* marked a batch flush: its CURRENT row is the
//! arrival's running row, which the one-row-per-group collapse of §2.4.8 would
//! otherwise fold into the expired rows that follow it.
//!
//! State: the open batch and, when expired rows are needed, the previous one. No
//! timers: a partial batch is never emitted, not even at end of input (§3.7 item 3).

use serde::{Deserialize, Serialize};

use super::{Cause, Chunk, ChunkSink, Ev, Timers, WindowNeeds, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LengthBatchWindow {
    n: usize,
    stream_current: bool,
    keep_expired: bool,
    batch: Vec<Ev>,
    previous: Vec<Ev>,
}

impl LengthBatchWindow {
    pub fn new(n: u64, stream_current: bool, needs: WindowNeeds) -> LengthBatchWindow {
        LengthBatchWindow {
            n: usize::try_from(n).unwrap_or(usize::MAX).max(1),
            stream_current,
            keep_expired: needs.expired,
            batch: Vec::new(),
            previous: Vec::new(),
        }
    }
}

impl WindowOp for LengthBatchWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, _timers: &mut dyn Timers, out: &mut S) {
        let full = self.batch.len() + 1 >= self.n;
        if self.stream_current {
            out.begin(Chunk {
                time: ev.time,
                batch: false,
                cause: Cause::Arrival(ev.key.clone()),
            });
            out.current(&ev);
            if full {
                if self.keep_expired {
                    self.batch.iter().for_each(|e| out.expired(e));
                    out.expired(&ev);
                }
                self.batch.clear();
                out.reset();
            } else {
                self.batch.push(ev);
            }
            out.end();
            return;
        }
        if !full {
            self.batch.push(ev);
            return;
        }
        out.begin(Chunk {
            time: ev.time,
            batch: true,
            cause: Cause::Arrival(ev.key.clone()),
        });
        if self.keep_expired {
            self.previous.iter().for_each(|e| out.expired(e));
        }
        out.reset();
        self.batch.push(ev);
        self.batch.iter().for_each(|e| out.current(e));
        out.end();
        let batch = std::mem::take(&mut self.batch);
        if self.keep_expired {
            self.previous = batch;
        }
    }

    fn on_timer<S: ChunkSink>(&mut self, _: i64, _: u64, _: &mut dyn Timers, _: &mut S) {}

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

    fn begin(time: i64, batch: bool) -> super::super::testing::Item {
        Begin { time, batch }
    }

    #[test]
    fn flushes_at_the_nth_arrival_and_drops_the_partial_batch() {
        let mut w = LengthBatchWindow::new(
            2,
            false,
            WindowNeeds {
                expired: false,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 10), (2, 11), (3, 12), (4, 12), (5, 20)]);
        assert_eq!(
            items,
            vec![
                begin(11, true),
                Reset,
                Current(1),
                Current(2),
                End,
                begin(12, true),
                Reset,
                Current(3),
                Current(4),
                End,
            ]
        );
    }

    #[test]
    fn previous_batch_expires_before_the_reset() {
        let mut w = LengthBatchWindow::new(
            2,
            false,
            WindowNeeds {
                expired: true,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 10), (2, 11), (3, 12), (4, 13)]);
        assert_eq!(
            items,
            vec![
                begin(11, true),
                Reset,
                Current(1),
                Current(2),
                End,
                begin(13, true),
                Expired(1),
                Expired(2),
                Reset,
                Current(3),
                Current(4),
                End,
            ]
        );
    }

    #[test]
    fn stream_current_emits_on_arrival_and_expires_at_the_nth() {
        let mut w = LengthBatchWindow::new(
            2,
            true,
            WindowNeeds {
                expired: true,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 10), (2, 11), (3, 12)]);
        assert_eq!(
            items,
            vec![
                begin(10, false),
                Current(1),
                End,
                begin(11, false),
                Current(2),
                Expired(1),
                Expired(2),
                Reset,
                End,
                begin(12, false),
                Current(3),
                End,
            ]
        );
    }

    #[test]
    fn a_batch_of_one_flushes_every_arrival() {
        let mut w = LengthBatchWindow::new(
            1,
            false,
            WindowNeeds {
                expired: false,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 10), (2, 11)]);
        assert_eq!(
            items,
            vec![
                begin(10, true),
                Reset,
                Current(1),
                End,
                begin(11, true),
                Reset,
                Current(2),
                End,
            ]
        );
    }
}
