//! `length(n)` (§2.5): the last n events.
//!
//! An arrival joins the window; when n events are already held, the oldest leaves
//! in the same chunk, before the arrival: `[EXPIRED oldest, CURRENT new]`, both
//! stamped with the arrival's time (§3.2). State: up to n events. No timers; the
//! window never empties at end of input (nothing expires without an arrival).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::{Cause, Chunk, ChunkSink, Ev, Timers, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LengthWindow {
    n: usize,
    held: VecDeque<Ev>,
}

impl LengthWindow {
    pub fn new(n: u64) -> LengthWindow {
        LengthWindow {
            n: usize::try_from(n).unwrap_or(usize::MAX).max(1),
            held: VecDeque::new(),
        }
    }
}

impl WindowOp for LengthWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, _timers: &mut dyn Timers, out: &mut S) {
        out.begin(Chunk {
            time: ev.time,
            batch: false,
            cause: Cause::Arrival(ev.key.clone()),
        });
        if self.held.len() >= self.n {
            if let Some(old) = self.held.pop_front() {
                out.expired(&old);
            }
        }
        out.current(&ev);
        out.end();
        self.held.push_back(ev);
    }
    fn on_timer<S: ChunkSink>(&mut self, _: i64, _: u64, _: &mut dyn Timers, _: &mut S) {}
    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.held.iter().for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{drive, Item::*};
    use super::*;

    #[test]
    fn oldest_expires_before_the_arrival() {
        let mut w = LengthWindow::new(2);
        let items = drive(&mut w, &[(1, 10), (2, 11), (3, 12)]);
        assert_eq!(
            items,
            vec![
                Begin {
                    time: 10,
                    batch: false
                },
                Current(1),
                End,
                Begin {
                    time: 11,
                    batch: false
                },
                Current(2),
                End,
                Begin {
                    time: 12,
                    batch: false
                },
                Expired(1),
                Current(3),
                End,
            ]
        );
    }
}
