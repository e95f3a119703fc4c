//! `time(t)` (§2.5, §3.3): an event e is in the window at τ iff `e.time ≤ τ < e.time + t`.
//!
//! Arrival: `[CURRENT e]`. Expiry: a timer at `e.time + t` emits the events expiring
//! then as one chunk of EXPIRED events stamped `e.time + t`, before any event stamped
//! with that time is processed. Only one timer is pending per key group (for the
//! oldest held event); firing it re-arms it for the next one. State: the events of
//! the last t. At end of input every held event expires at its own time (§3.7).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::{arrival_chunk, Cause, Chunk, ChunkSink, Ev, Timers, WindowNeeds, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TimeWindow {
    t: i64,
    held: VecDeque<Ev>,
    /// Time of the pending timer, if one is set.
    armed: Option<i64>,
}

impl TimeWindow {
    pub fn new(t: i64, _needs: WindowNeeds) -> TimeWindow {
        TimeWindow {
            t,
            held: VecDeque::new(),
            armed: None,
        }
    }

    /// An arrival; with `cap = Some(n)` the oldest of n held events leaves first, in
    /// the arrival's chunk (`timeLength`).
    pub(super) fn arrive<S: ChunkSink>(
        &mut self,
        ev: Ev,
        cap: Option<usize>,
        timers: &mut dyn Timers,
        out: &mut S,
    ) {
        match cap {
            Some(n) if self.held.len() >= n => {
                out.begin(Chunk {
                    time: ev.time,
                    batch: false,
                    cause: Cause::Arrival(ev.key.clone()),
                });
                if let Some(old) = self.held.pop_front() {
                    out.expired(&old);
                }
                out.current(&ev);
                out.end();
            }
            _ => arrival_chunk(&ev, out),
        }
        self.held.push_back(ev);
        self.arm(timers);
    }

    fn arm(&mut self, timers: &mut dyn Timers) {
        if self.armed.is_none() {
            if let Some(first) = self.held.front() {
                let at = first.time.saturating_add(self.t);
                timers.set(at, 0);
                self.armed = Some(at);
            }
        }
    }
}

impl WindowOp for TimeWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, out: &mut S) {
        self.arrive(ev, None, timers, out);
    }

    fn on_timer<S: ChunkSink>(
        &mut self,
        time: i64,
        _tag: u64,
        timers: &mut dyn Timers,
        out: &mut S,
    ) {
        self.armed = None;
        let mut begun = false;
        while self
            .held
            .front()
            .is_some_and(|e| e.time.saturating_add(self.t) <= time)
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
            out.expired(&e);
        }
        if begun {
            out.end();
        }
        self.arm(timers);
    }

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.held.iter().for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{drive, Item::*};
    use super::*;

    #[test]
    fn expiry_fires_before_an_arrival_at_the_same_time() {
        let mut w = TimeWindow::new(
            10,
            WindowNeeds {
                expired: true,
                accumulate: false,
            },
        );
        let items = drive(&mut w, &[(1, 0), (2, 0), (3, 10), (4, 15)]);
        assert_eq!(
            items,
            vec![
                Begin {
                    time: 0,
                    batch: false
                },
                Current(1),
                End,
                Begin {
                    time: 0,
                    batch: false
                },
                Current(2),
                End,
                Begin {
                    time: 10,
                    batch: false
                },
                Expired(1),
                Expired(2),
                End,
                Begin {
                    time: 10,
                    batch: false
                },
                Current(3),
                End,
                Begin {
                    time: 15,
                    batch: false
                },
                Current(4),
                End,
                Begin {
                    time: 20,
                    batch: false
                },
                Expired(3),
                End,
                Begin {
                    time: 25,
                    batch: false
                },
                Expired(4),
                End,
            ]
        );
    }
}
