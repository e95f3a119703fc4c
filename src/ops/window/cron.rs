//! `cron('sec min hour day month weekday')` (§2.5 table, §3.6): events are held from
//! their arrival until the next cron tick, which empties the window.
//!
//! Arrival: `[CURRENT e]`, stamped with `e.time`. Tick: at the first schedule time
//! strictly after the oldest held event's time (event time, UTC), a timer emits one
//! batch-flush chunk stamped with the tick: `EXPIRED(held events) …, RESET`. The
//! EXPIRED part is present only when expired rows are needed; RESET is always sent, so
//! aggregates restart at every tick. An event stamped exactly at a tick arrives after
//! the tick has fired (§3.3) and waits for the following one.
//!
//! Ours, not Siddhi's: Siddhi's cron window is batch-like (events are emitted at the
//! tick). We follow the §2.5 table: CURRENT on arrival, EXPIRED at the tick.
//!
//! State: the events since the last tick. One timer is pending while events are held
//! and none while the window is empty, so empty periods cost nothing and end of input
//! fires at most one more tick (§3.7). A schedule that never fires again (e.g. Feb 30)
//! holds its events forever.

use serde::{Deserialize, Serialize};

use crate::plan::cron::CronSchedule;

use super::{arrival_chunk, Cause, Chunk, ChunkSink, Ev, Timers, WindowNeeds, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CronWindow {
    schedule: CronSchedule,
    show_expired: bool,
    held: Vec<Ev>,
    /// The pending tick, if any.
    armed: Option<i64>,
}

impl CronWindow {
    pub fn new(schedule: CronSchedule, needs: WindowNeeds) -> CronWindow {
        CronWindow {
            schedule,
            show_expired: needs.expired,
            held: Vec::new(),
            armed: None,
        }
    }
}

impl WindowOp for CronWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, out: &mut S) {
        arrival_chunk(&ev, out);
        if self.armed.is_none() {
            // Every later held event shares this tick: none lies between its time and
            // the tick (timers at τ fire before arrivals at τ).
            if let Some(tick) = self.schedule.next_after(ev.time) {
                timers.set(tick, 0);
                self.armed = Some(tick);
            }
        }
        self.held.push(ev);
    }

    fn on_timer<S: ChunkSink>(&mut self, time: i64, _tag: u64, _: &mut dyn Timers, out: &mut S) {
        if self.armed != Some(time) {
            return;
        }
        self.armed = None;
        let held = std::mem::take(&mut self.held);
        if held.is_empty() {
            return;
        }
        out.begin(Chunk {
            time,
            batch: true,
            cause: Cause::Timer {
                chunk: Default::default(),
            },
        });
        if self.show_expired {
            held.iter().for_each(|e| out.expired(e));
        }
        out.reset();
        out.end();
    }

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.held.iter().for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{drive, Item::*};
    use super::*;

    fn every(secs: u32, expired: bool) -> CronWindow {
        let schedule = CronSchedule::parse(&format!("*/{secs} * * * * *")).unwrap();
        CronWindow::new(
            schedule,
            WindowNeeds {
                expired,
                accumulate: false,
            },
        )
    }

    #[test]
    fn held_events_expire_at_the_next_tick_with_a_reset() {
        let mut w = every(2, true);
        let items = drive(&mut w, &[(1, 500), (2, 1999), (3, 2000), (4, 6500)]);
        let arrival = |time| Begin { time, batch: false };
        let tick = |time| Begin { time, batch: true };
        assert_eq!(
            items,
            vec![
                arrival(500),
                Current(1),
                End,
                arrival(1999),
                Current(2),
                End,
                tick(2000),
                Expired(1),
                Expired(2),
                Reset,
                End,
                arrival(2000),
                Current(3),
                End,
                tick(4000),
                Expired(3),
                Reset,
                End,
                arrival(6500),
                Current(4),
                End,
                tick(8000),
                Expired(4),
                Reset,
                End,
            ]
        );
    }

    #[test]
    fn without_expired_rows_a_tick_only_resets() {
        let mut w = every(1, false);
        let items = drive(&mut w, &[(1, 200), (2, 3200)]);
        assert_eq!(
            items,
            vec![
                Begin {
                    time: 200,
                    batch: false
                },
                Current(1),
                End,
                Begin {
                    time: 1000,
                    batch: true
                },
                Reset,
                End,
                Begin {
                    time: 3200,
                    batch: false
                },
                Current(2),
                End,
                Begin {
                    time: 4000,
                    batch: true
                },
                Reset,
                End,
            ]
        );
    }
}
