//! `frequent(n [, attr…])` (§2.5): the latest event of each of the (about) n most
//! frequent keys, by Misra-Gries counting. The key is the listed attributes, or the
//! whole row when none are listed. Deprecated in Siddhi; kept for compatibility.
//!
//! Per arrival with key k (Siddhi `FrequentWindowProcessor`):
//! * k is tracked: its counter grows and the arrival replaces k's stored event
//!   (silently: the replaced event is not expired); `[CURRENT e]`.
//! * k is new and fewer than n keys are tracked: k is tracked with count 1;
//!   `[CURRENT e]`.
//! * otherwise every counter is decremented; each key reaching 0 is dropped and its
//!   stored event expires. If some key was dropped, k takes a counter:
//!   `[EXPIRED dropped…, CURRENT e]`, all stamped with the arrival's time; if none
//!   was, the arrival is dropped and nothing is emitted.
//!
//! Ours: keys reaching 0 together expire in the order they became tracked (Siddhi
//! uses hash order). As in Siddhi, aggregates over this window see every emitted
//! arrival and lose only the evicted stored events, because replacement emits no
//! EXPIRED row.
//!
//! State: at most n keys with a counter and a stored event each. No timers.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::value::Value;

use super::{arrival_chunk, Cause, Chunk, ChunkSink, Ev, Timers, WindowOp};

/// The key of `row`: the values of `attrs`, or the whole row when `attrs` is empty.
pub(super) fn key_of(row: &[Value], attrs: &[usize]) -> Box<[Value]> {
    if attrs.is_empty() {
        return row.to_vec().into_boxed_slice();
    }
    attrs
        .iter()
        .map(|&a| row.get(a).cloned().unwrap_or(Value::Null))
        .collect()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Counter {
    key: Box<[Value]>,
    count: u64,
    stored: Ev,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FrequentWindow {
    n: usize,
    attrs: Vec<usize>,
    /// Tracked keys by the order in which they became tracked.
    counters: BTreeMap<u64, Counter>,
    /// Key → its entry in `counters`.
    index: FxHashMap<Box<[Value]>, u64>,
    next_seq: u64,
}

impl FrequentWindow {
    pub fn new(n: u64, attrs: Vec<usize>) -> FrequentWindow {
        FrequentWindow {
            n: usize::try_from(n).unwrap_or(usize::MAX).max(1),
            attrs,
            counters: BTreeMap::new(),
            index: FxHashMap::default(),
            next_seq: 0,
        }
    }

    fn track(&mut self, key: Box<[Value]>, ev: Ev) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.index.insert(key.clone(), seq);
        self.counters.insert(
            seq,
            Counter {
                key,
                count: 1,
                stored: ev,
            },
        );
    }
}

impl WindowOp for FrequentWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, _timers: &mut dyn Timers, out: &mut S) {
        let key = key_of(&ev.row, &self.attrs);
        if let Some(c) = self
            .index
            .get(&key)
            .and_then(|seq| self.counters.get_mut(seq))
        {
            c.count += 1;
            arrival_chunk(&ev, out);
            c.stored = ev;
            return;
        }
        if self.counters.len() < self.n {
            arrival_chunk(&ev, out);
            self.track(key, ev);
            return;
        }
        let mut dropped = Vec::new();
        self.counters.retain(|_, c| {
            c.count -= 1;
            if c.count == 0 {
                dropped.push((c.key.clone(), c.stored.clone()));
                false
            } else {
                true
            }
        });
        if dropped.is_empty() {
            return;
        }
        out.begin(Chunk {
            time: ev.time,
            batch: false,
            cause: Cause::Arrival(ev.key.clone()),
        });
        for (k, stored) in &dropped {
            self.index.remove(k);
            out.expired(stored);
        }
        out.current(&ev);
        out.end();
        self.track(key, ev);
    }

    fn on_timer<S: ChunkSink>(&mut self, _: i64, _: u64, _: &mut dyn Timers, _: &mut S) {}

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.counters.values().for_each(|c| f(&c.stored));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ev, Item::*, Recorder, TimerList};
    use super::*;

    fn keyed(id: u64, time: i64, key: &str) -> Ev {
        let mut e = ev(id, time);
        e.row = vec![Value::Str(key.into())].into_boxed_slice();
        e
    }

    #[test]
    fn misra_gries_expires_keys_at_zero_in_tracking_order() {
        let mut w = FrequentWindow::new(2, vec![0]);
        let mut out = Recorder::default();
        let mut timers = TimerList::default();
        let arrive = |w: &mut FrequentWindow, out: &mut Recorder, timers: &mut TimerList, id, k| {
            w.on_arrival(keyed(id, id as i64, k), timers, out)
        };
        // a a b: a=2, b=1 | c: a=1, b=0 expires, c=1 | a: a=2 | d: a=1, c=0 expires, d=1
        for (id, k) in [(1, "a"), (2, "a"), (3, "b"), (4, "c"), (5, "a"), (6, "d")] {
            arrive(&mut w, &mut out, &mut timers, id, k);
        }
        assert!(out.items.contains(&Expired(3)) && out.items.contains(&Expired(4)));
        out.items.clear();
        // e: a and d both reach 0 (a first: tracked earlier) | f: a free counter | g: e, f reach 0
        for (id, k) in [(7, "e"), (8, "f"), (9, "g")] {
            arrive(&mut w, &mut out, &mut timers, id, k);
        }
        let begin = |time| Begin { time, batch: false };
        assert_eq!(
            out.items,
            vec![
                begin(7),
                Expired(5),
                Expired(6),
                Current(7),
                End,
                begin(8),
                Current(8),
                End,
                begin(9),
                Expired(7),
                Expired(8),
                Current(9),
                End,
            ]
        );
        // g is replaced silently by its next event; h takes the free counter.
        out.items.clear();
        arrive(&mut w, &mut out, &mut timers, 10, "g");
        arrive(&mut w, &mut out, &mut timers, 11, "h");
        assert!(!out.items.iter().any(|i| matches!(i, Expired(_))));
        let mut held = Vec::new();
        w.for_each_held(&mut |e| held.push(e.id));
        assert_eq!(held, vec![10, 11]);
    }

    #[test]
    fn an_arrival_that_frees_no_counter_is_dropped() {
        let mut w = FrequentWindow::new(1, vec![0]);
        let mut out = Recorder::default();
        let mut timers = TimerList::default();
        for (id, k) in [(1, "a"), (2, "a"), (3, "b")] {
            w.on_arrival(keyed(id, id as i64, k), &mut timers, &mut out);
        }
        assert!(!out.items.contains(&Current(3)));
        let mut held = Vec::new();
        w.for_each_held(&mut |e| held.push(e.id));
        assert_eq!(held, vec![2]);
    }
}
