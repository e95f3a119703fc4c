//! `externalTimeBatch(tsAttr, t [, start [, timeout [, replaceTs]]])` (§2.5): batches
//! `[start + k·t, start + (k+1)·t)` in the space of the attribute `tsAttr` (the
//! clock), where `start` defaults to the first clock value seen.
//!
//! * **Count of clock, not of time.** Events collect silently. An arrival whose
//!   clock is ≥ the open batch's end flushes it, stamped with the arrival's time
//!   (count-triggered emission, "Decisions"): the batch-flush chunk
//!   `EXPIRED(previous batch) …, RESET, CURRENT(batch) …`, the EXPIRED part only when
//!   expired rows are needed. The arrival then opens the grid batch that contains its
//!   clock value (batches skipped in between are empty and silent).
//! * **timeout.** Ours flushes the open batch when the event-time frontier passes
//!   `batch end + timeout` (§2.5): a timer at that event time, before the events
//!   stamped then, emitting the same chunk shape stamped with the timer's time. When
//!   that time is not after the arrival that opens the batch (the clock lags event
//!   time by more than `t + timeout`), the timer is at the next millisecond, since an
//!   operator cannot emit in the past. After a timeout flush the batch's end is kept:
//!   later arrivals with a smaller clock form a new batch with the same end, flushed
//!   by the next trigger or timeout. A trigger that finds that batch empty emits only
//!   the previous batch's EXPIRED rows (if needed).
//! * **replaceTs.** Each event's `tsAttr` is replaced by the end of the batch it joins
//!   (Siddhi `replaceTimestampWithBatchEndTime`); output times stay event times.
//! * The clock is assumed not to decrease; a smaller value joins the open batch. A
//!   NULL clock joins the open batch and triggers nothing.
//!
//! State: the open batch, its end, the pending timeout, and (when expired rows are
//! needed) the previous batch. Without a timeout a partial batch is never emitted,
//! not even at end of input (§3.7 item 3); with one, its timer flushes it.

use serde::{Deserialize, Serialize};

use crate::value::Value;

use super::external_time::clock_of;
use super::{Cause, Chunk, ChunkSink, Ev, Timers, WindowNeeds, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExternalTimeBatchWindow {
    attr: usize,
    t: i64,
    start: Option<i64>,
    timeout: Option<i64>,
    replace: bool,
    keep_expired: bool,
    /// Origin of the batch grid, once known.
    origin: Option<i64>,
    /// End of the open batch (clock space), once known.
    end: Option<i64>,
    batch: Vec<Ev>,
    previous: Vec<Ev>,
    /// Event time of the pending timeout of the open batch.
    armed: Option<i64>,
}

impl ExternalTimeBatchWindow {
    pub fn new(
        attr: usize,
        t: i64,
        start: Option<i64>,
        timeout: Option<i64>,
        replace: bool,
        needs: WindowNeeds,
    ) -> ExternalTimeBatchWindow {
        ExternalTimeBatchWindow {
            attr,
            t: t.max(1),
            start,
            timeout,
            replace,
            keep_expired: needs.expired,
            origin: start,
            end: None,
            batch: Vec::new(),
            previous: Vec::new(),
            armed: None,
        }
    }

    /// End of the grid batch holding clock value `x`.
    fn grid_end(&self, origin: i64, x: i64) -> i64 {
        let k = x.saturating_sub(origin).div_euclid(self.t);
        origin.saturating_add(k.saturating_add(1).saturating_mul(self.t))
    }

    fn stamp(&self, ev: &mut Ev) {
        let Some(end) = self.end else { return };
        if !self.replace {
            return;
        }
        if let Some(slot) = ev.row.get_mut(self.attr) {
            match slot {
                Value::Long(v) => *v = end,
                Value::Int(v) => {
                    if let Ok(e) = i32::try_from(end) {
                        *v = e;
                    }
                }
                _ => {}
            }
        }
    }

    /// Adds `ev` to the open batch and arms the timeout if the batch was empty.
    fn join(&mut self, mut ev: Ev, timers: &mut dyn Timers) {
        self.stamp(&mut ev);
        let now = ev.time;
        self.batch.push(ev);
        self.arm(now, timers);
    }

    fn arm(&mut self, now: i64, timers: &mut dyn Timers) {
        let (Some(timeout), Some(end), None) = (self.timeout, self.end, self.armed) else {
            return;
        };
        if self.batch.is_empty() {
            return;
        }
        let at = end.saturating_add(timeout).max(now.saturating_add(1));
        timers.set(at, 0);
        self.armed = Some(at);
    }

    /// Emits the flush chunk of the open batch (if it shows anything) and empties it.
    fn flush<S: ChunkSink>(&mut self, time: i64, cause: Cause, out: &mut S) {
        self.armed = None;
        let batch = std::mem::take(&mut self.batch);
        let previous = std::mem::take(&mut self.previous);
        let show_expired = self.keep_expired && !previous.is_empty();
        if batch.is_empty() && !show_expired {
            return;
        }
        out.begin(Chunk {
            time,
            batch: true,
            cause,
        });
        if show_expired {
            previous.iter().for_each(|e| out.expired(e));
        }
        out.reset();
        batch.iter().for_each(|e| out.current(e));
        out.end();
        if self.keep_expired {
            self.previous = batch;
        }
    }
}

impl WindowOp for ExternalTimeBatchWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, out: &mut S) {
        let Some(x) = clock_of(&ev, self.attr) else {
            self.join(ev, timers);
            return;
        };
        match self.end {
            None => {
                // The first clock value anchors the grid (unless `start` did).
                let origin = *self.origin.get_or_insert(x);
                self.end = Some(self.grid_end(origin, x));
                if self.replace {
                    let mut batch = std::mem::take(&mut self.batch);
                    batch.iter_mut().for_each(|e| self.stamp(e));
                    self.batch = batch;
                }
                self.join(ev, timers);
            }
            Some(end) if x >= end => {
                let time = ev.time;
                self.flush(time, Cause::Arrival(ev.key.clone()), out);
                let origin = self.origin.unwrap_or(x);
                self.end = Some(self.grid_end(origin, x));
                self.join(ev, timers);
            }
            Some(_) => self.join(ev, timers),
        }
    }

    fn on_timer<S: ChunkSink>(
        &mut self,
        time: i64,
        _tag: u64,
        _timers: &mut dyn Timers,
        out: &mut S,
    ) {
        // A batch flushed by a trigger leaves its timeout behind; only the open
        // batch's own timeout counts.
        if self.armed != Some(time) {
            return;
        }
        self.flush(
            time,
            Cause::Timer {
                chunk: Default::default(),
            },
            out,
        );
    }

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.batch.iter().for_each(f);
    }

    fn for_each_joinable(&self, f: &mut dyn FnMut(&Ev)) {
        self.previous.iter().for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{Item, Item::*, Recorder, TimerList};
    use super::*;

    fn at(id: u64, time: i64, clock: Option<i64>) -> Ev {
        let mut e = super::super::testing::ev(id, time);
        e.row = vec![clock.map_or(Value::Null, Value::Long)].into_boxed_slice();
        e
    }

    /// Like `testing::drive`, with clock values.
    fn run(w: &mut ExternalTimeBatchWindow, evs: Vec<Ev>) -> Vec<Item> {
        let mut out = Recorder::default();
        let mut timers = TimerList::default();
        for e in evs {
            while let Some((tt, tag)) = timers.pop_due(e.time) {
                w.on_timer(tt, tag, &mut timers, &mut out);
            }
            w.on_arrival(e, &mut timers, &mut out);
        }
        while let Some((tt, tag)) = timers.pop_due(i64::MAX) {
            w.on_timer(tt, tag, &mut timers, &mut out);
        }
        out.items
    }

    fn begin(time: i64) -> Item {
        Begin { time, batch: true }
    }

    fn no_expired() -> WindowNeeds {
        WindowNeeds {
            expired: false,
            accumulate: false,
        }
    }

    #[test]
    fn a_clock_at_the_end_flushes_and_opens_the_next_batch() {
        let mut w = ExternalTimeBatchWindow::new(0, 100, None, None, false, no_expired());
        let items = run(
            &mut w,
            vec![
                at(1, 1, Some(1030)),
                at(2, 2, Some(1129)),
                at(3, 3, Some(1130)),
                at(4, 4, Some(1455)),
                at(5, 5, Some(1460)),
            ],
        );
        assert_eq!(
            items,
            vec![
                begin(3),
                Reset,
                Current(1),
                Current(2),
                End,
                begin(4),
                Reset,
                Current(3),
                End,
            ]
        );
    }

    #[test]
    fn start_aligns_the_grid() {
        let mut w = ExternalTimeBatchWindow::new(0, 100, Some(1000), None, false, no_expired());
        let items = run(
            &mut w,
            vec![
                at(1, 1, Some(1030)),
                at(2, 2, Some(1099)),
                at(3, 3, Some(1100)),
            ],
        );
        assert_eq!(items, vec![begin(3), Reset, Current(1), Current(2), End]);
    }

    #[test]
    fn expired_rows_of_the_previous_batch_come_first() {
        let needs = WindowNeeds {
            expired: true,
            accumulate: false,
        };
        let mut w = ExternalTimeBatchWindow::new(0, 50, None, None, false, needs);
        let items = run(
            &mut w,
            vec![at(1, 1, Some(0)), at(2, 2, Some(50)), at(3, 3, Some(100))],
        );
        assert_eq!(
            items,
            vec![
                begin(2),
                Reset,
                Current(1),
                End,
                begin(3),
                Expired(1),
                Reset,
                Current(2),
                End,
            ]
        );
    }

    #[test]
    fn timeout_flushes_at_end_plus_timeout_and_at_end_of_input() {
        let mut w = ExternalTimeBatchWindow::new(0, 100, None, Some(20), false, no_expired());
        let items = run(
            &mut w,
            vec![
                at(1, 0, Some(0)),
                at(2, 50, Some(50)),
                at(3, 120, Some(120)),
                at(4, 130, Some(130)),
                at(5, 300, Some(300)),
            ],
        );
        assert_eq!(
            items,
            vec![
                // batch [0, 100) times out at 120, before the event stamped 120
                begin(120),
                Reset,
                Current(1),
                Current(2),
                End,
                // [100, 200) times out at 220; the clock 300 then finds it empty
                begin(220),
                Reset,
                Current(3),
                Current(4),
                End,
                // the open batch [300, 400) times out at 420 at end of input
                begin(420),
                Reset,
                Current(5),
                End,
            ]
        );
    }

    #[test]
    fn a_trigger_after_a_timeout_shows_only_the_expired_batch() {
        let needs = WindowNeeds {
            expired: true,
            accumulate: false,
        };
        let mut w = ExternalTimeBatchWindow::new(0, 100, None, Some(10), false, needs);
        let items = run(&mut w, vec![at(1, 0, Some(0)), at(2, 150, Some(150))]);
        assert_eq!(
            items,
            vec![
                begin(110),
                Reset,
                Current(1),
                End,
                // the clock 150 ends the (emptied) batch [0, 100): only EXPIRED rows
                begin(150),
                Expired(1),
                Reset,
                End,
                // [100, 200) times out at 210 at end of input
                begin(210),
                Reset,
                Current(2),
                End,
            ]
        );
    }

    #[test]
    fn a_timeout_already_passed_fires_at_the_next_millisecond() {
        // The clock lags event time: batch [0, 100) opens at event time 500.
        let mut w = ExternalTimeBatchWindow::new(0, 100, None, Some(10), false, no_expired());
        let items = run(&mut w, vec![at(1, 500, Some(0)), at(2, 500, Some(5))]);
        assert_eq!(items, vec![begin(501), Reset, Current(1), Current(2), End]);
    }

    #[test]
    fn replace_sets_the_clock_attribute_to_the_batch_end() {
        struct Rows(Vec<Value>);
        impl super::super::ChunkSink for Rows {
            fn begin(&mut self, _: Chunk) {}
            fn current(&mut self, ev: &Ev) {
                self.0.push(ev.row[0].clone());
            }
            fn expired(&mut self, _: &Ev) {}
            fn reset(&mut self) {}
            fn end(&mut self) {}
            fn accumulate(&mut self, ev: Ev) {
                self.current(&ev);
            }
            fn flush_accumulated(&mut self) {}
        }
        let mut w = ExternalTimeBatchWindow::new(0, 100, None, None, true, no_expired());
        let mut out = Rows(Vec::new());
        let mut timers = TimerList::default();
        for e in [
            at(1, 1, None),
            at(2, 2, Some(10)),
            at(3, 3, Some(60)),
            at(4, 4, Some(110)),
        ] {
            w.on_arrival(e, &mut timers, &mut out);
        }
        // A NULL clock has no type to take the end in; it stays NULL.
        assert_eq!(out.0, vec![Value::Null, Value::Long(110), Value::Long(110)]);
    }
}
