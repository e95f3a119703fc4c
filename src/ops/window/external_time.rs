//! `externalTime(tsAttr, t)` (§2.5): a sliding window whose clock is the attribute
//! `tsAttr` of the arriving events, not the event time.
//!
//! An arrival with clock value x first expires, oldest first, every held event whose
//! clock value is ≤ x − t, then joins: `[EXPIRED …, CURRENT new]`, all stamped with
//! the arrival's time ("Decisions": EXPIRED rows of externalTime are stamped with the
//! arrival that pushed them out). No timer: nothing expires without an arrival, also
//! not at end of input (Siddhi `ExternalTimeWindowProcessor`, §3.4).
//!
//! The window assumes `tsAttr` never decreases; a smaller value is simply appended
//! (Siddhi), and expiry only ever looks at the oldest end. A NULL `tsAttr` cannot move
//! the clock: such an event takes the clock of the latest arrival (or the smallest
//! clock when there was none) and expires nothing.
//!
//! State: the held events with their clock values.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::value::Value;

use super::{Cause, Chunk, ChunkSink, Ev, Timers, WindowOp};

/// The clock value an event carries in attribute `attr` (INT or LONG).
pub(crate) fn clock_of(ev: &Ev, attr: usize) -> Option<i64> {
    match ev.row.get(attr) {
        Some(Value::Long(v)) => Some(*v),
        Some(Value::Int(v)) => Some(i64::from(*v)),
        _ => None,
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExternalTimeWindow {
    attr: usize,
    t: i64,
    /// Held events with their clock values, oldest first.
    held: VecDeque<(i64, Ev)>,
    /// Clock value of the latest arrival that had one.
    clock: Option<i64>,
}

impl ExternalTimeWindow {
    pub fn new(attr: usize, t: i64) -> ExternalTimeWindow {
        ExternalTimeWindow {
            attr,
            t,
            held: VecDeque::new(),
            clock: None,
        }
    }
}

impl WindowOp for ExternalTimeWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, _timers: &mut dyn Timers, out: &mut S) {
        out.begin(Chunk {
            time: ev.time,
            batch: false,
            cause: Cause::Arrival(ev.key.clone()),
        });
        let x = match clock_of(&ev, self.attr) {
            Some(x) => {
                self.clock = Some(x);
                let limit = x.saturating_sub(self.t);
                while self.held.front().is_some_and(|(c, _)| *c <= limit) {
                    if let Some((_, old)) = self.held.pop_front() {
                        out.expired(&old);
                    }
                }
                x
            }
            None => self.clock.unwrap_or(i64::MIN),
        };
        out.current(&ev);
        out.end();
        self.held.push_back((x, ev));
    }

    fn on_timer<S: ChunkSink>(&mut self, _: i64, _: u64, _: &mut dyn Timers, _: &mut S) {}

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.held.iter().for_each(|(_, e)| f(e));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{Item::*, Recorder, TimerList};
    use super::*;

    fn at(id: u64, time: i64, clock: Option<i64>) -> Ev {
        let mut e = super::super::testing::ev(id, time);
        e.row = vec![clock.map_or(Value::Null, Value::Long)].into_boxed_slice();
        e
    }

    fn run(w: &mut ExternalTimeWindow, evs: Vec<Ev>) -> Vec<super::super::testing::Item> {
        let mut out = Recorder::default();
        let mut timers = TimerList::default();
        for e in evs {
            w.on_arrival(e, &mut timers, &mut out);
        }
        assert!(timers.due.is_empty(), "externalTime never sets a timer");
        out.items
    }

    #[test]
    fn the_attribute_is_the_clock_and_exactly_t_expires() {
        let mut w = ExternalTimeWindow::new(0, 100);
        let items = run(
            &mut w,
            vec![
                at(1, 1, Some(1000)),
                at(2, 2, Some(1050)),
                at(3, 3, Some(1099)),
                at(4, 4, Some(1150)),
            ],
        );
        assert_eq!(
            items,
            vec![
                Begin {
                    time: 1,
                    batch: false
                },
                Current(1),
                End,
                Begin {
                    time: 2,
                    batch: false
                },
                Current(2),
                End,
                Begin {
                    time: 3,
                    batch: false
                },
                Current(3),
                End,
                Begin {
                    time: 4,
                    batch: false
                },
                Expired(1),
                Expired(2),
                Current(4),
                End,
            ]
        );
    }

    #[test]
    fn a_null_clock_expires_nothing_and_takes_the_latest_clock() {
        let mut w = ExternalTimeWindow::new(0, 100);
        let items = run(
            &mut w,
            vec![at(1, 1, Some(1000)), at(2, 2, None), at(3, 3, Some(1200))],
        );
        assert_eq!(
            items,
            vec![
                Begin {
                    time: 1,
                    batch: false
                },
                Current(1),
                End,
                Begin {
                    time: 2,
                    batch: false
                },
                Current(2),
                End,
                Begin {
                    time: 3,
                    batch: false
                },
                Expired(1),
                Expired(2),
                Current(3),
                End,
            ]
        );
    }
}
