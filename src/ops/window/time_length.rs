//! `timeLength(t, n)` (§2.5): the events of the last t, at most the n newest of them.
//!
//! An event e leaves at `e.time + t` like in `time(t)`: a timer emits the events
//! expiring then as one chunk of EXPIRED events stamped `e.time + t`, before the
//! events stamped with that time (§3.3). It also leaves, like in `length(n)`, when it
//! is the oldest of n held events and another arrives: `[EXPIRED oldest, CURRENT
//! new]`, stamped with the arrival's time. An event evicted by count does not expire
//! again.
//!
//! State: a `time(t)` window ([`TimeWindow`]) holding up to n events, oldest first
//! (both rules remove from the front, since arrivals come in time order). One timer is pending, for the oldest held event;
//! when it fires after that event was evicted by count it just re-arms for the new
//! oldest. At end of input every held event expires at its own time (§3.7).

use serde::{Deserialize, Serialize};

use super::time::TimeWindow;
use super::{ChunkSink, Ev, Timers, WindowNeeds, WindowOp};

/// A `time(t)` window whose arrivals also push out the oldest of n held events.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TimeLengthWindow {
    time: TimeWindow,
    n: usize,
}

impl TimeLengthWindow {
    pub fn new(t: i64, n: u64) -> TimeLengthWindow {
        TimeLengthWindow {
            time: TimeWindow::new(
                t,
                WindowNeeds {
                    expired: true,
                    accumulate: false,
                },
            ),
            n: usize::try_from(n).unwrap_or(usize::MAX).max(1),
        }
    }
}

impl WindowOp for TimeLengthWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, out: &mut S) {
        self.time.arrive(ev, Some(self.n), timers, out);
    }

    fn on_timer<S: ChunkSink>(
        &mut self,
        time: i64,
        tag: u64,
        timers: &mut dyn Timers,
        out: &mut S,
    ) {
        self.time.on_timer(time, tag, timers, out);
    }

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.time.for_each_held(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{drive, Item::*};
    use super::*;

    #[test]
    fn events_leave_by_count_or_by_age_but_only_once() {
        let mut w = TimeLengthWindow::new(1000, 3);
        let items = drive(
            &mut w,
            &[(1, 0), (2, 100), (3, 200), (4, 300), (5, 1100), (6, 1400)],
        );
        let begin = |time| Begin { time, batch: false };
        assert_eq!(
            items,
            vec![
                begin(0),
                Current(1),
                End,
                begin(100),
                Current(2),
                End,
                begin(200),
                Current(3),
                End,
                // Count: the 4th event pushes out the 1st.
                begin(300),
                Expired(1),
                Current(4),
                End,
                // Age: 2 expires at 1100, before the arrival at 1100.
                begin(1100),
                Expired(2),
                End,
                begin(1100),
                Current(5),
                End,
                begin(1200),
                Expired(3),
                End,
                begin(1300),
                Expired(4),
                End,
                begin(1400),
                Current(6),
                End,
                begin(2100),
                Expired(5),
                End,
                begin(2400),
                Expired(6),
                End,
            ]
        );
    }
}
