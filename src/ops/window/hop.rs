//! `hop(size, slide)` / `sliding(size, slide)` (§2.5 "Hop windows"): windows
//! `[k·slide, k·slide + size)` for every integer k, so an event belongs to about
//! ⌈size/slide⌉ of them.
//!
//! Nothing is emitted on arrival. Each window closes at its end τ, before the events
//! stamped τ (a timer, §3.3), with one batch-flush chunk stamped τ:
//! `EXPIRED(window closed at τ − slide) …, RESET, CURRENT(this window's events) …` in
//! arrival order. The RESET makes every window its own set of aggregates. A window
//! holding no events emits no CURRENT part.
//!
//! EXPIRED rows (only when needed): events never expire one by one, but a closed
//! window's contents are replaced when the next window closes, `slide` later, just as
//! a `tumbling(t)` batch expires at the next boundary. So `hop(t, t)` behaves exactly
//! like `tumbling(t)`, also for EXPIRED rows, which are emitted at the next close even
//! when that window is empty.
//!
//! Timers: one pending at a time, at the next window end that has something to show;
//! a firing re-arms `slide` later only while held events or unexpired rows remain.
//! At end of input every open window holding events therefore flushes at its own end,
//! in time order (§3.7). State: the events of the last `size` of event time and,
//! when needed, the contents of the last closed window.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::{Cause, Chunk, ChunkSink, Ev, Timers, WindowNeeds, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HopWindow {
    size: i64,
    slide: i64,
    keep_expired: bool,
    /// Events of the windows not yet closed, in arrival (time) order.
    held: VecDeque<Ev>,
    /// The last closed window's events, until the next close expires them.
    previous: Vec<Ev>,
    /// Time of the pending timer.
    armed: Option<i64>,
}

impl HopWindow {
    pub fn new(size: i64, slide: i64, needs: WindowNeeds) -> HopWindow {
        let slide = slide.max(1);
        HopWindow {
            size: size.max(slide),
            slide,
            keep_expired: needs.expired,
            held: VecDeque::new(),
            previous: Vec::new(),
            armed: None,
        }
    }

    /// The first window end after `time`: the end of the earliest window holding it.
    fn first_end_after(&self, time: i64) -> i64 {
        // Ends are `k·slide + size`; the least one > time.
        let k = time.saturating_sub(self.size).div_euclid(self.slide) + 1;
        k.saturating_mul(self.slide).saturating_add(self.size)
    }
}

impl WindowOp for HopWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, _out: &mut S) {
        // A pending timer is at the earliest unclosed window end that holds an earlier
        // event; every window ending there or later up to this event's first one
        // contains this event too, so the chain of re-arms reaches it.
        if self.armed.is_none() {
            let at = self.first_end_after(ev.time);
            timers.set(at, 0);
            self.armed = Some(at);
        }
        self.held.push_back(ev);
    }

    fn on_timer<S: ChunkSink>(
        &mut self,
        time: i64,
        _tag: u64,
        timers: &mut dyn Timers,
        out: &mut S,
    ) {
        if self.armed != Some(time) {
            return;
        }
        self.armed = None;
        let start = time.saturating_sub(self.size);
        // Held events are all earlier than `time` (timers precede same-time arrivals)
        // and none is earlier than `start` (older ones were dropped at earlier closes).
        let count = self
            .held
            .iter()
            .filter(|e| e.time >= start && e.time < time)
            .count();
        let show_expired = self.keep_expired && !self.previous.is_empty();
        if count > 0 || show_expired {
            out.begin(Chunk {
                time,
                batch: true,
                cause: Cause::Timer {
                    chunk: Default::default(),
                },
            });
            if show_expired {
                self.previous.iter().for_each(|e| out.expired(e));
            }
            out.reset();
            self.held
                .iter()
                .filter(|e| e.time >= start && e.time < time)
                .for_each(|e| out.current(e));
            out.end();
        }
        if self.keep_expired {
            self.previous = self
                .held
                .iter()
                .filter(|e| e.time >= start && e.time < time)
                .cloned()
                .collect();
        }
        // The next window starts `slide` later; older events belong to no open window.
        let next_start = start + self.slide;
        while self.held.front().is_some_and(|e| e.time < next_start) {
            self.held.pop_front();
        }
        if !self.held.is_empty() || !self.previous.is_empty() {
            let at = time.saturating_add(self.slide);
            timers.set(at, 0);
            self.armed = Some(at);
        }
    }

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.held.iter().for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{drive, Item, Item::*};
    use super::*;

    fn begin(time: i64) -> Item {
        Begin { time, batch: true }
    }

    #[test]
    fn each_window_closes_at_its_end_with_its_events() {
        // hop(100, 50): the events of w_hop_basic.
        let mut w = HopWindow::new(
            100,
            50,
            WindowNeeds {
                expired: false,
                accumulate: false,
            },
        );
        let items = drive(
            &mut w,
            &[
                (1, 1010),
                (2, 1050),
                (3, 1099),
                (4, 1100),
                (5, 1160),
                (6, 1420),
            ],
        );
        assert_eq!(
            items,
            vec![
                begin(1050),
                Reset,
                Current(1),
                End,
                begin(1100),
                Reset,
                Current(1),
                Current(2),
                Current(3),
                End,
                begin(1150),
                Reset,
                Current(2),
                Current(3),
                Current(4),
                End,
                begin(1200),
                Reset,
                Current(4),
                Current(5),
                End,
                begin(1250),
                Reset,
                Current(5),
                End,
                begin(1450),
                Reset,
                Current(6),
                End,
                begin(1500),
                Reset,
                Current(6),
                End,
            ]
        );
    }

    #[test]
    fn slide_equal_to_size_is_tumbling_also_for_expired_rows() {
        let mut w = HopWindow::new(
            10,
            10,
            WindowNeeds {
                expired: true,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 3), (2, 25)]);
        assert_eq!(
            items,
            vec![
                begin(10),
                Reset,
                Current(1),
                End,
                begin(20),
                Expired(1),
                Reset,
                End,
                begin(30),
                Reset,
                Current(2),
                End,
                begin(40),
                Expired(2),
                Reset,
                End,
            ]
        );
    }

    #[test]
    fn a_slide_that_does_not_divide_the_size() {
        // hop(25, 10): windows [0,25), [10,35), [20,45), ... An event at 22 is in the
        // windows ending 25, 35 and 45; one at 50 in those ending 55, 65 and 75.
        let mut w = HopWindow::new(
            25,
            10,
            WindowNeeds {
                expired: false,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 22), (2, 50)]);
        let closes: Vec<i64> = items
            .iter()
            .filter_map(|i| match i {
                Begin { time, .. } => Some(*time),
                _ => None,
            })
            .collect();
        assert_eq!(closes, vec![25, 35, 45, 55, 65, 75]);
    }

    #[test]
    fn windows_before_zero_are_ordinary_windows() {
        let mut w = HopWindow::new(
            100,
            50,
            WindowNeeds {
                expired: false,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 10)]);
        assert_eq!(
            items,
            vec![
                begin(50),
                Reset,
                Current(1),
                End,
                begin(100),
                Reset,
                Current(1),
                End
            ]
        );
    }
}
