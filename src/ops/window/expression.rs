//! `expression(e)` and `expressionBatch(e [, includeTrigger [, streamCurrent]])`
//! (§2.5), in the count forms of v1: `'count() <= N'` and `'count() < N'` (the plan
//! turns the latter into `<= N − 1`, so both hold at most `max` events).
//!
//! * **expression** holds the longest suffix of recent events for which the
//!   expression holds: on arrival the event joins and the oldest events expire until
//!   at most `max` are held. For the count forms that is exactly `length(max)`:
//!   `[EXPIRED oldest, CURRENT new]`, both stamped with the arrival's time
//!   ("Decisions": EXPIRED rows of expression windows are stamped with the arrival).
//! * **expressionBatch** collects events while the expression holds for the batch
//!   including the newcomer. An arrival that would make it false flushes the batch,
//!   stamped with the arrival's time (Siddhi `ExpressionBatchWindowProcessor`): the
//!   batch-flush chunk `EXPIRED(previous batch) …, RESET, CURRENT(batch) …` (EXPIRED
//!   part only when needed), and the arrival opens the next batch. With
//!   `includeTrigger` the arrival is the last event of the flushed batch instead, and
//!   the next batch starts empty. With `streamCurrent` every arrival is emitted
//!   CURRENT at once and a flush is `EXPIRED(batch) …, RESET` followed by the
//!   arrival's CURRENT (which opens the next batch); with both flags the arrival's
//!   CURRENT comes first and the chunk is not marked a batch flush, so that its row is
//!   not folded into the expired rows that follow (as for `lengthBatch`).
//!   The pending batch is never emitted at end of input, like the other count-based
//!   batches (§3.7 item 3).
//!
//! State: up to `max` (+1) events, and for expressionBatch the previous batch when
//! expired rows are needed. No timers.

use serde::{Deserialize, Serialize};

use super::length::LengthWindow;
use super::{arrival_chunk, Cause, Chunk, ChunkSink, Ev, Timers, WindowNeeds, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExpressionWindow {
    inner: LengthWindow,
}

impl ExpressionWindow {
    pub fn new(max: u64) -> ExpressionWindow {
        ExpressionWindow {
            inner: LengthWindow::new(max),
        }
    }
}

impl WindowOp for ExpressionWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, out: &mut S) {
        self.inner.on_arrival(ev, timers, out);
    }
    fn on_timer<S: ChunkSink>(&mut self, _: i64, _: u64, _: &mut dyn Timers, _: &mut S) {}
    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.inner.for_each_held(f);
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExpressionBatchWindow {
    max: usize,
    include_trigger: bool,
    stream_current: bool,
    keep_expired: bool,
    batch: Vec<Ev>,
    previous: Vec<Ev>,
}

impl ExpressionBatchWindow {
    pub fn new(
        max: u64,
        include_trigger: bool,
        stream_current: bool,
        needs: WindowNeeds,
    ) -> ExpressionBatchWindow {
        ExpressionBatchWindow {
            max: usize::try_from(max).unwrap_or(usize::MAX).max(1),
            include_trigger,
            stream_current,
            keep_expired: needs.expired,
            batch: Vec::new(),
            previous: Vec::new(),
        }
    }

    fn begin<S: ChunkSink>(ev: &Ev, batch: bool, out: &mut S) {
        out.begin(Chunk {
            time: ev.time,
            batch,
            cause: Cause::Arrival(ev.key.clone()),
        });
    }
}

impl WindowOp for ExpressionBatchWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, _timers: &mut dyn Timers, out: &mut S) {
        if self.batch.len() < self.max {
            if self.stream_current {
                arrival_chunk(&ev, out);
            }
            self.batch.push(ev);
            return;
        }
        match (self.stream_current, self.include_trigger) {
            (false, include) => {
                Self::begin(&ev, true, out);
                if self.keep_expired {
                    self.previous.iter().for_each(|e| out.expired(e));
                }
                out.reset();
                let opens_next = if include {
                    self.batch.push(ev);
                    None
                } else {
                    Some(ev)
                };
                self.batch.iter().for_each(|e| out.current(e));
                out.end();
                let flushed = std::mem::take(&mut self.batch);
                if self.keep_expired {
                    self.previous = flushed;
                }
                self.batch.extend(opens_next);
            }
            (true, false) => {
                Self::begin(&ev, true, out);
                if self.keep_expired {
                    self.batch.iter().for_each(|e| out.expired(e));
                }
                out.reset();
                out.current(&ev);
                out.end();
                self.batch.clear();
                self.batch.push(ev);
            }
            (true, true) => {
                Self::begin(&ev, false, out);
                out.current(&ev);
                if self.keep_expired {
                    self.batch.iter().for_each(|e| out.expired(e));
                    out.expired(&ev);
                }
                out.reset();
                out.end();
                self.batch.clear();
            }
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
    use super::super::testing::{drive, Item, Item::*};
    use super::*;

    fn begin(time: i64, batch: bool) -> Item {
        Begin { time, batch }
    }

    #[test]
    fn expression_expires_the_oldest_beyond_the_bound() {
        let mut w = ExpressionWindow::new(2);
        let items = drive(&mut w, &[(1, 10), (2, 11), (3, 11)]);
        assert_eq!(
            items,
            vec![
                begin(10, false),
                Current(1),
                End,
                begin(11, false),
                Current(2),
                End,
                begin(11, false),
                Expired(1),
                Current(3),
                End,
            ]
        );
    }

    #[test]
    fn the_arrival_that_breaks_the_bound_flushes_and_opens_the_next_batch() {
        let needs = WindowNeeds {
            expired: true,
            accumulate: false,
        };
        let mut w = ExpressionBatchWindow::new(2, false, false, needs);
        let items = drive(
            &mut w,
            &[(1, 10), (2, 11), (3, 12), (4, 13), (5, 14), (6, 15)],
        );
        assert_eq!(
            items,
            vec![
                begin(12, true),
                Reset,
                Current(1),
                Current(2),
                End,
                begin(14, true),
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
    fn include_trigger_puts_the_arrival_in_the_flushed_batch() {
        let mut w = ExpressionBatchWindow::new(
            2,
            true,
            false,
            WindowNeeds {
                expired: false,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 10), (2, 11), (3, 12), (4, 13)]);
        assert_eq!(
            items,
            vec![
                begin(12, true),
                Reset,
                Current(1),
                Current(2),
                Current(3),
                End
            ]
        );
    }

    #[test]
    fn stream_current_emits_on_arrival_and_expires_the_batch() {
        let needs = WindowNeeds {
            expired: true,
            accumulate: false,
        };
        let mut w = ExpressionBatchWindow::new(1, false, true, needs);
        let items = drive(&mut w, &[(1, 10), (2, 11)]);
        assert_eq!(
            items,
            vec![
                begin(10, false),
                Current(1),
                End,
                begin(11, true),
                Expired(1),
                Reset,
                Current(2),
                End,
            ]
        );
        let mut w = ExpressionBatchWindow::new(1, true, true, needs);
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
}
