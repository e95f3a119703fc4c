//! `unique(k)` and `firstUnique(k)` (§2.5): one event per value of the key attribute.
//!
//! * `unique` keeps the **latest** event per key. An arrival whose key is held
//!   replaces the held event, which leaves in the same chunk, before the arrival:
//!   `[EXPIRED old, CURRENT new]`, both stamped with the arrival's time (§3.2).
//!   Otherwise the chunk is `[CURRENT new]`.
//! * `firstUnique` keeps the **first** event per key: it is emitted `[CURRENT e]`;
//!   later events with that key are dropped without a chunk. Nothing ever expires.
//!
//! Keys compare like GROUP BY keys (NULL equals NULL, `1` equals `1.0`, §1.7). The
//! query is keyed by the attribute when it can be (§3.8), so an instance holds the
//! keys of its key group only. State: one event per key seen, unbounded (the planner
//! warns). No timers: nothing leaves without an arrival, not even at end of input.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::value::Value;

use super::{arrival_chunk, Cause, Chunk, ChunkSink, Ev, Timers, WindowOp};

fn key_of(ev: &Ev, attr: usize) -> Value {
    ev.row.get(attr).cloned().unwrap_or(Value::Null)
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UniqueWindow {
    attr: usize,
    /// Key → id of the held event.
    by_key: FxHashMap<Value, u64>,
    /// Held events by id, i.e. in arrival order (snapshots list them oldest first).
    held: BTreeMap<u64, Ev>,
}

impl UniqueWindow {
    pub fn new(attr: usize) -> UniqueWindow {
        UniqueWindow {
            attr,
            by_key: FxHashMap::default(),
            held: BTreeMap::new(),
        }
    }
}

impl WindowOp for UniqueWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, _timers: &mut dyn Timers, out: &mut S) {
        let replaced = self
            .by_key
            .insert(key_of(&ev, self.attr), ev.id)
            .and_then(|old| self.held.remove(&old));
        out.begin(Chunk {
            time: ev.time,
            batch: false,
            cause: Cause::Arrival(ev.key.clone()),
        });
        if let Some(old) = &replaced {
            out.expired(old);
        }
        out.current(&ev);
        out.end();
        self.held.insert(ev.id, ev);
    }

    fn on_timer<S: ChunkSink>(&mut self, _: i64, _: u64, _: &mut dyn Timers, _: &mut S) {}

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.held.values().for_each(f);
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FirstUniqueWindow {
    attr: usize,
    seen: FxHashSet<Value>,
    /// The first event of each key, in arrival order (they never leave).
    held: Vec<Ev>,
}

impl FirstUniqueWindow {
    pub fn new(attr: usize) -> FirstUniqueWindow {
        FirstUniqueWindow {
            attr,
            seen: FxHashSet::default(),
            held: Vec::new(),
        }
    }
}

impl WindowOp for FirstUniqueWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, _timers: &mut dyn Timers, out: &mut S) {
        let key = key_of(&ev, self.attr);
        if !self.seen.insert(key) {
            return;
        }
        arrival_chunk(&ev, out);
        self.held.push(ev);
    }

    fn on_timer<S: ChunkSink>(&mut self, _: i64, _: u64, _: &mut dyn Timers, _: &mut S) {}

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.held.iter().for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ev, Item::*, Recorder, TimerList};
    use super::*;

    fn keyed(id: u64, time: i64, key: Value) -> Ev {
        let mut e = ev(id, time);
        e.row = vec![key].into_boxed_slice();
        e
    }

    fn feed<W: WindowOp>(w: &mut W, events: Vec<Ev>) -> Vec<super::super::testing::Item> {
        let mut out = Recorder::default();
        let mut timers = TimerList::default();
        for e in events {
            w.on_arrival(e, &mut timers, &mut out);
        }
        assert!(timers.due.is_empty());
        out.items
    }

    #[test]
    fn unique_expires_the_held_event_of_a_repeated_key_first() {
        let mut w = UniqueWindow::new(0);
        let items = feed(
            &mut w,
            vec![
                keyed(0, 0, Value::str("a")),
                keyed(1, 10, Value::Null),
                keyed(2, 20, Value::str("a")),
                keyed(3, 30, Value::Null),
            ],
        );
        let begin = |time| Begin { time, batch: false };
        assert_eq!(
            items,
            vec![
                begin(0),
                Current(0),
                End,
                begin(10),
                Current(1),
                End,
                begin(20),
                Expired(0),
                Current(2),
                End,
                begin(30),
                Expired(1),
                Current(3),
                End,
            ]
        );
        let mut ids = Vec::new();
        w.for_each_held(&mut |e| ids.push(e.id));
        assert_eq!(ids, vec![2, 3]);
    }

    #[test]
    fn unique_keys_compare_like_group_keys() {
        let mut w = UniqueWindow::new(0);
        let items = feed(
            &mut w,
            vec![keyed(0, 0, Value::Int(1)), keyed(1, 5, Value::Long(1))],
        );
        assert!(items.contains(&Expired(0)));
    }

    #[test]
    fn first_unique_passes_only_the_first_event_per_key() {
        let mut w = FirstUniqueWindow::new(0);
        let items = feed(
            &mut w,
            vec![
                keyed(0, 0, Value::str("a")),
                keyed(1, 10, Value::str("a")),
                keyed(2, 20, Value::str("b")),
                keyed(3, 20, Value::str("a")),
            ],
        );
        let begin = |time| Begin { time, batch: false };
        assert_eq!(
            items,
            vec![begin(0), Current(0), End, begin(20), Current(2), End]
        );
    }
}
