//! `lossyFrequent(support [, error] [, attr…])` (§2.5): events of the keys whose
//! estimated frequency reaches `(support − error)·N`, by Lossy Counting (Manku and
//! Motwani). The key is the listed attributes, or the whole row when none are
//! listed; `error` defaults to `support / 10`. Deprecated in Siddhi; kept for
//! compatibility.
//!
//! The stream is cut into buckets of `w = ⌈1/error⌉` events; N counts the events so
//! far and `b = ⌈N/w⌉` is the current bucket. Per arrival with key k (Siddhi
//! `LossyFrequentWindowProcessor`):
//! * k's counter grows; a new key starts with count 1 and `Δ = b − 1` (the most it
//!   may have been undercounted by earlier pruning);
//! * the arrival is emitted CURRENT iff `count(k) ≥ (support − error)·N`, ties
//!   included, and becomes k's stored event;
//! * when N is a multiple of w (a bucket boundary) every key with `count + Δ ≤ b` is
//!   pruned: its stored event expires, stamped with the arrival's time.
//!
//! The chunk is `[EXPIRED pruned…, CURRENT e]`, with the arrival's own key, if it is
//! pruned too, expired after its CURRENT (the rule of the sort window's
//! self-eviction). Pruned keys expire in the order they became tracked.
//!
//! Ours, not Siddhi's: Siddhi stores every arrival, emitted or not, and expires the
//! latest one; ours stores only emitted arrivals, so an EXPIRED row always removes an
//! event its aggregates hold, and a pruned key that never emitted expires nothing.
//! Siddhi emits the pruned events after the arrival; ours puts them first, as every
//! window does with events an arrival pushes out (§2.5). As in Siddhi, a stored event
//! replaced by a later emitted arrival of its key is not expired.
//!
//! State: one counter per key seen since it was last pruned (about `(1/error)·log(error·N)`
//! keys), each with its last emitted event. No timers.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::value::Value;

use super::frequent::key_of;
use super::{Cause, Chunk, ChunkSink, Ev, Timers, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Counter {
    key: Box<[Value]>,
    count: u64,
    delta: u64,
    stored: Option<Ev>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LossyFrequentWindow {
    /// `support − error`: the emission threshold as a fraction of N.
    threshold: f64,
    width: u64,
    attrs: Vec<usize>,
    seen: u64,
    /// Tracked keys by the order in which they became tracked.
    counters: BTreeMap<u64, Counter>,
    /// Key → its entry in `counters`.
    index: FxHashMap<Box<[Value]>, u64>,
    next_seq: u64,
}

impl LossyFrequentWindow {
    pub fn new(support: f64, error: f64, attrs: Vec<usize>) -> LossyFrequentWindow {
        // The planner guarantees 0 < error < support < 1; clamp anyway so a width
        // can never be 0 or overflow.
        let width = (1.0 / error).ceil();
        let width = if width.is_finite() && width >= 1.0 {
            width.min(u64::MAX as f64) as u64
        } else {
            1
        };
        LossyFrequentWindow {
            threshold: support - error,
            width,
            attrs,
            seen: 0,
            counters: BTreeMap::new(),
            index: FxHashMap::default(),
            next_seq: 0,
        }
    }
}

impl WindowOp for LossyFrequentWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, _timers: &mut dyn Timers, out: &mut S) {
        self.seen += 1;
        let bucket = self.seen.div_ceil(self.width);
        let key = key_of(&ev.row, &self.attrs);
        let seq = match self.index.get(&key) {
            Some(&seq) => seq,
            None => {
                let seq = self.next_seq;
                self.next_seq += 1;
                self.index.insert(key.clone(), seq);
                self.counters.insert(
                    seq,
                    Counter {
                        key,
                        count: 0,
                        delta: bucket - 1,
                        stored: None,
                    },
                );
                seq
            }
        };
        let mut emit = false;
        if let Some(c) = self.counters.get_mut(&seq) {
            c.count += 1;
            emit = c.count as f64 >= self.threshold * self.seen as f64;
        }
        let mut pruned = Vec::new();
        if self.seen % self.width == 0 {
            self.counters.retain(|&s, c| {
                if c.count + c.delta > bucket {
                    return true;
                }
                pruned.push((s, c.key.clone(), c.stored.take()));
                false
            });
            for (_, k, _) in &pruned {
                self.index.remove(k);
            }
        }
        let own_pruned = pruned.iter().any(|(s, _, _)| *s == seq);
        let expiring = pruned.iter().any(|(_, _, st)| st.is_some());
        if !emit && !expiring {
            return;
        }
        out.begin(Chunk {
            time: ev.time,
            batch: false,
            cause: Cause::Arrival(ev.key.clone()),
        });
        let mut own_stored = None;
        for (s, _, stored) in pruned {
            if s == seq {
                own_stored = stored;
            } else if let Some(e) = stored {
                out.expired(&e);
            }
        }
        if emit {
            out.current(&ev);
            if own_pruned {
                // The arrival leaves with its key; the key's older stored event was
                // replaced by it.
                own_stored = Some(ev);
            } else if let Some(c) = self.counters.get_mut(&seq) {
                c.stored = Some(ev);
            }
        }
        if let Some(e) = own_stored {
            out.expired(&e);
        }
        out.end();
    }

    fn on_timer<S: ChunkSink>(&mut self, _: i64, _: u64, _: &mut dyn Timers, _: &mut S) {}

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        self.counters
            .values()
            .filter_map(|c| c.stored.as_ref())
            .for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ev, Item, Item::*, Recorder, TimerList};
    use super::*;

    fn run(w: &mut LossyFrequentWindow, keys: &[&str]) -> Vec<Item> {
        let mut out = Recorder::default();
        let mut timers = TimerList::default();
        for (i, k) in keys.iter().enumerate() {
            let mut e = ev(i as u64, i as i64);
            e.row = vec![Value::Str((*k).into())].into_boxed_slice();
            w.on_arrival(e, &mut timers, &mut out);
        }
        out.items
    }

    fn currents(items: &[Item]) -> Vec<u64> {
        items
            .iter()
            .filter_map(|i| match i {
                Current(id) => Some(*id),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn emits_keys_at_or_above_the_threshold() {
        // threshold 0.25: a (1/1), b (1/2), c (1/3), d (1/4 tie), e (1/5 < 1.25) no,
        // a (2/6 ≥ 1.5) yes.
        let mut w = LossyFrequentWindow::new(0.3, 0.05, vec![0]);
        let items = run(&mut w, &["a", "b", "c", "d", "e", "a"]);
        assert_eq!(currents(&items), vec![0, 1, 2, 3, 5]);
        assert!(!items.iter().any(|i| matches!(i, Expired(_))));
    }

    #[test]
    fn bucket_boundaries_prune_rare_keys_and_expire_what_they_emitted() {
        // width 4 (error 0.25), threshold 0.25: a b a c | boundary at N=4, bucket 1:
        // b (1+0 ≤ 1) and c (1+0 ≤ 1) are pruned, a (2) stays. b emitted (1 ≥ 0.5)
        // and expires; c is the arrival: 1 ≥ 1.0 → CURRENT then EXPIRED.
        let mut w = LossyFrequentWindow::new(0.5, 0.25, vec![0]);
        let items = run(&mut w, &["a", "b", "a", "c"]);
        assert_eq!(
            &items[items.len() - 5..],
            &[
                Begin {
                    time: 3,
                    batch: false
                },
                Expired(1),
                Current(3),
                Expired(3),
                End,
            ]
        );
        let mut held = Vec::new();
        w.for_each_held(&mut |e| held.push(e.id));
        assert_eq!(held, vec![2]);
    }
}
