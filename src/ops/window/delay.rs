//! `delay(t)` (§2.5): every event is held for t and then released as CURRENT.
//!
//! Arrival: nothing is emitted; the event is held. Release: a timer at `e.time + t`
//! emits, before the events stamped with that time (§3.3), one chunk of CURRENT
//! events stamped `e.time + t` (§3.2) holding every event due then, in arrival order.
//! It is not a batch flush: each released event gives its own row. Released events
//! never expire, so aggregates over a delay window keep running (like no window).
//!
//! State: the events of the last t (the window's contents for a snapshot). Release times never decrease (arrivals come in
//! time order), so the held events are a queue and one timer per distinct release
//! time suffices. At end of input the pending releases fire in time order (§3.7).
//!
//! Rows of a release chunk are keyed by their events' positions (see the selector),
//! so releases from several key groups at the same time merge in arrival order.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::{Cause, Chunk, ChunkSink, Ev, Timers, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DelayWindow {
    t: i64,
    held: VecDeque<Ev>,
    /// Release time of the latest timer set and not yet fired.
    armed: Option<i64>,
}

impl DelayWindow {
    pub fn new(t: i64) -> DelayWindow {
        DelayWindow {
            t: t.max(0),
            held: VecDeque::new(),
            armed: None,
        }
    }

    fn release_time(&self, ev: &Ev) -> i64 {
        ev.time.saturating_add(self.t)
    }
}

impl WindowOp for DelayWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, _out: &mut S) {
        let at = self.release_time(&ev);
        // Release times never decrease, so a timer already set for this time covers
        // the event; a later one is needed only for a new time.
        if self.armed != Some(at) {
            timers.set(at, 0);
            self.armed = Some(at);
        }
        self.held.push_back(ev);
    }

    fn on_timer<S: ChunkSink>(
        &mut self,
        time: i64,
        _tag: u64,
        _timers: &mut dyn Timers,
        out: &mut S,
    ) {
        if self.armed == Some(time) {
            self.armed = None;
        }
        let mut begun = false;
        while self
            .held
            .front()
            .is_some_and(|e| self.release_time(e) <= time)
        {
            let Some(e) = self.held.pop_front() else {
                break;
            };
            if !begun {
                out.begin(Chunk {
                    time,
                    batch: false,
                    cause: Cause::Timer {
                        chunk: Default::default(),
                    },
                });
                begun = true;
            }
            out.current(&e);
        }
        if begun {
            out.end();
        }
    }

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        // The window's contents are the events being delayed (what Siddhi's delay
        // window offers to joins); released events are no longer kept.
        self.held.iter().for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{drive, Item::*};
    use super::*;

    #[test]
    fn events_are_released_as_current_after_the_delay() {
        let mut w = DelayWindow::new(50);
        let items = drive(&mut w, &[(1, 0), (2, 20), (3, 50), (4, 50), (5, 130)]);
        assert_eq!(
            items,
            vec![
                Begin {
                    time: 50,
                    batch: false
                },
                Current(1),
                End,
                Begin {
                    time: 70,
                    batch: false
                },
                Current(2),
                End,
                Begin {
                    time: 100,
                    batch: false
                },
                Current(3),
                Current(4),
                End,
                Begin {
                    time: 180,
                    batch: false
                },
                Current(5),
                End,
            ]
        );
    }

    #[test]
    fn zero_delay_releases_each_event_right_after_its_arrival() {
        let mut w = DelayWindow::new(0);
        let items = drive(&mut w, &[(1, 10), (2, 10), (3, 11)]);
        let begins = items.iter().filter(|i| matches!(i, Begin { .. })).count();
        assert_eq!(begins, 3);
        assert_eq!(
            items
                .iter()
                .filter_map(|i| match i {
                    Current(id) => Some(*id),
                    _ => None,
                })
                .collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }
}
