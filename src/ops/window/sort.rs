//! `sort(n, a1 [, ord1], …)` (§2.5): the n best-ranked events.
//!
//! Ranking: by the keys, most significant first, each ascending unless `'desc'`;
//! NULLs rank last in either direction; strings compare case-insensitively; events
//! equal on every key rank by arrival, the earlier first (so of equal events the
//! newest is evicted first).
//!
//! On arrival the event joins the window. If that makes n + 1 events, the
//! last-ranked one leaves in the same chunk, stamped with the arrival's time (§3.2):
//! `[EXPIRED evicted, CURRENT new]`, or, when the arrival itself ranks last,
//! `[CURRENT new, EXPIRED new]` (LANGUAGE.md Decisions, "Sort window").
//!
//! State: up to n events, kept in rank order (eviction pops the last). No timers;
//! nothing leaves without an arrival, not even at end of input.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::value::Value;

use super::{Cause, Chunk, ChunkSink, Ev, Timers, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SortWindow {
    n: usize,
    /// `(attribute, descending)`, most significant first.
    keys: Vec<(usize, bool)>,
    /// Held events, best-ranked first.
    ranked: Vec<Ev>,
}

/// Case-insensitive string order (Unicode lower case, char by char).
fn cmp_ci(a: &str, b: &str) -> Ordering {
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

/// Order of one key's values, NULLs last whatever the direction.
fn cmp_key(a: &Value, b: &Value, desc: bool) -> Ordering {
    let o = match (a, b) {
        (Value::Null, Value::Null) => return Ordering::Equal,
        (Value::Null, _) => return Ordering::Greater,
        (_, Value::Null) => return Ordering::Less,
        (Value::Str(x), Value::Str(y)) => cmp_ci(x, y),
        (x, y) => x.total_cmp(y),
    };
    if desc {
        o.reverse()
    } else {
        o
    }
}

impl SortWindow {
    pub fn new(n: u64, keys: Vec<(usize, bool)>) -> SortWindow {
        SortWindow {
            n: usize::try_from(n).unwrap_or(usize::MAX).max(1),
            keys,
            ranked: Vec::new(),
        }
    }

    /// Rank order on the keys only (ties are left to arrival order).
    fn cmp(&self, a: &Ev, b: &Ev) -> Ordering {
        for &(c, desc) in &self.keys {
            let null = Value::Null;
            let (x, y) = (a.row.get(c).unwrap_or(&null), b.row.get(c).unwrap_or(&null));
            match cmp_key(x, y, desc) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        Ordering::Equal
    }
}

impl WindowOp for SortWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, _timers: &mut dyn Timers, out: &mut S) {
        out.begin(Chunk {
            time: ev.time,
            batch: false,
            cause: Cause::Arrival(ev.key.clone()),
        });
        // The arrival is the newest, so it goes after every event it ties with.
        let at = self
            .ranked
            .partition_point(|e| self.cmp(e, &ev) != Ordering::Greater);
        if self.ranked.len() < self.n {
            out.current(&ev);
            self.ranked.insert(at, ev);
        } else if at == self.ranked.len() {
            // The arrival ranks last: it enters and leaves at once.
            out.current(&ev);
            out.expired(&ev);
        } else {
            if let Some(evicted) = self.ranked.pop() {
                out.expired(&evicted);
            }
            out.current(&ev);
            self.ranked.insert(at, ev);
        }
        out.end();
    }

    fn on_timer<S: ChunkSink>(&mut self, _: i64, _: u64, _: &mut dyn Timers, _: &mut S) {}

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        // Oldest first, as every window lists its contents.
        let mut by_age: Vec<&Ev> = self.ranked.iter().collect();
        by_age.sort_by_key(|e| e.id);
        by_age.into_iter().for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ev, Item, Item::*, Recorder, TimerList};
    use super::*;

    fn row(id: u64, time: i64, vals: Vec<Value>) -> Ev {
        let mut e = ev(id, time);
        e.row = vals.into_boxed_slice();
        e
    }

    fn feed(w: &mut SortWindow, events: Vec<Ev>) -> Vec<Item> {
        let mut out = Recorder::default();
        let mut timers = TimerList::default();
        for e in events {
            w.on_arrival(e, &mut timers, &mut out);
        }
        // Only the event items; chunk boundaries are one per arrival.
        out.items
            .into_iter()
            .filter(|i| matches!(i, Current(_) | Expired(_)))
            .collect()
    }

    #[test]
    fn descending_evicts_the_lowest_and_ties_evict_the_newest() {
        let mut w = SortWindow::new(3, vec![(0, true)]);
        let items = feed(
            &mut w,
            [5, 3, 8, 1, 6, 5]
                .iter()
                .enumerate()
                .map(|(i, v)| row(i as u64, i as i64, vec![Value::Int(*v)]))
                .collect(),
        );
        assert_eq!(
            items,
            vec![
                Current(0),
                Current(1),
                Current(2),
                // 1 ranks last: CURRENT then EXPIRED.
                Current(3),
                Expired(3),
                Expired(1),
                Current(4),
                // 5 ties with the held 5 and arrived later: it ranks last.
                Current(5),
                Expired(5),
            ]
        );
    }

    #[test]
    fn nulls_rank_last_and_strings_ignore_case() {
        let mut w = SortWindow::new(2, vec![(0, false)]);
        let items = feed(
            &mut w,
            vec![
                row(0, 0, vec![Value::Null]),
                row(1, 1, vec![Value::str("banana")]),
                row(2, 2, vec![Value::str("Apple")]),
                row(3, 3, vec![Value::str("APPLE")]),
            ],
        );
        assert_eq!(
            items,
            vec![
                Current(0),
                Current(1),
                Expired(0),
                Current(2),
                Expired(1),
                Current(3),
            ]
        );
        assert_eq!(
            cmp_key(&Value::Null, &Value::Int(1), true),
            Ordering::Greater
        );
    }

    #[test]
    fn later_keys_break_ties_of_earlier_ones() {
        let mut w = SortWindow::new(1, vec![(0, false), (1, true)]);
        let items = feed(
            &mut w,
            vec![
                row(0, 0, vec![Value::str("a"), Value::Int(1)]),
                row(1, 1, vec![Value::str("a"), Value::Int(5)]),
                row(2, 2, vec![Value::str("b"), Value::Int(9)]),
            ],
        );
        assert_eq!(
            items,
            vec![Current(0), Expired(0), Current(1), Current(2), Expired(2)]
        );
    }

    use proptest::prelude::*;

    proptest! {
        /// Against a brute force that ranks the whole window at every arrival.
        #[test]
        fn evicts_what_a_full_ranking_puts_last(
            vals in proptest::collection::vec(proptest::option::of(0i32..5), 0..40),
            n in 1u64..5,
            desc in any::<bool>(),
        ) {
            let mut w = SortWindow::new(n, vec![(0, desc)]);
            let events = vals
                .iter()
                .enumerate()
                .map(|(i, v)| row(i as u64, i as i64, vec![v.map_or(Value::Null, Value::Int)]))
                .collect();
            let got = feed(&mut w, events);
            let mut held: Vec<(Option<i32>, u64)> = Vec::new();
            let mut want = Vec::new();
            for (i, v) in vals.iter().enumerate() {
                let id = i as u64;
                held.push((*v, id));
                if held.len() as u64 <= n {
                    want.push(Current(id));
                    continue;
                }
                let rank = |&(v, id): &(Option<i32>, u64)| {
                    let k = match v {
                        None => (1, 0),
                        Some(x) if desc => (0, -i64::from(x)),
                        Some(x) => (0, i64::from(x)),
                    };
                    (k, id)
                };
                let worst = held.iter().copied().max_by_key(rank);
                let Some(worst) = worst else { continue };
                held.retain(|e| e.1 != worst.1);
                if worst.1 == id {
                    want.extend([Current(id), Expired(id)]);
                } else {
                    want.extend([Expired(worst.1), Current(id)]);
                }
            }
            prop_assert_eq!(got, want);
        }
    }
}
