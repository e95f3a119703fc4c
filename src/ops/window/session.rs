//! `session(gap [, key] [, allowedLatency])` (§2.5): sessions of events per key value.
//!
//! Membership: an event of key k joins k's open session when `e.time < last + gap`
//! (`last` = the session's latest event time); otherwise that session has ended and
//! the event opens a new one. Without a key attribute every event has the same key,
//! so there is one session at a time. Every event is emitted `[CURRENT e]` on arrival.
//!
//! Close: at `last + gap + allowedLatency` a timer emits the session's events, in
//! arrival order, as one batch-flush chunk of EXPIRED events (§2.4.8) stamped with
//! the close time, before the events stamped with that time (§3.3). No RESET: other
//! sessions of the same instance keep their aggregates. With a latency, a key's new
//! session may already be open while its previous one waits for its close.
//! Several sessions closing at the same time close in the order of their first
//! events `(time, key)`, and each close chunk is identified by its first event
//! (`Cause::Timer { chunk: [time, |key|, key…] }`), so rows of sessions closed in
//! different key groups merge in that same order.
//!
//! State: the events of every session not yet closed, and a due list ordered by
//! `(check time, first event)`. A session's due entry is not moved when it is
//! extended; when the entry comes due early it is re-filed at the session's current
//! close time. One timer is pending, at the earliest due entry. At end of input the
//! pending closes fire in time order (§3.7).

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::runtime::record::OrdKey;
use crate::value::Value;

use super::{arrival_chunk, Cause, Chunk, ChunkSink, Ev, Timers, WindowOp};

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Session {
    key: Value,
    /// Time of the latest event.
    last: i64,
    /// In arrival order; never empty.
    events: Vec<Ev>,
}

/// `(check time, first event time, first event key, session id)`.
type Due = (i64, i64, OrdKey, u64);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionWindow {
    gap: i64,
    key: Option<usize>,
    latency: i64,
    next_sid: u64,
    /// Sessions not yet closed, by id (creation order).
    sessions: BTreeMap<u64, Session>,
    /// The open session of each key (a closed-but-waiting one is not here).
    open: FxHashMap<Value, u64>,
    due: BTreeSet<Due>,
    /// Time of the earliest pending timer.
    armed: Option<i64>,
}

impl SessionWindow {
    pub fn new(gap: i64, key: Option<usize>, latency: i64) -> SessionWindow {
        SessionWindow {
            gap: gap.max(1),
            key,
            latency: latency.max(0),
            next_sid: 0,
            sessions: BTreeMap::new(),
            open: FxHashMap::default(),
            due: BTreeSet::new(),
            armed: None,
        }
    }

    fn key_of(&self, ev: &Ev) -> Value {
        self.key
            .and_then(|c| ev.row.get(c).cloned())
            .unwrap_or(Value::Null)
    }

    fn close_at(&self, s: &Session) -> i64 {
        s.last.saturating_add(self.gap).saturating_add(self.latency)
    }

    fn arm(&mut self, timers: &mut dyn Timers) {
        if let Some(&(at, ..)) = self.due.first() {
            if self.armed.is_none_or(|a| at < a) {
                timers.set(at, 0);
                self.armed = Some(at);
            }
        }
    }
}

/// The chunk id of a session's close: its first event's `(time, |key|, key)`.
fn chunk_id(first: &Ev) -> OrdKey {
    let mut id = OrdKey::new();
    id.push(first.time.max(0) as u64);
    id.push(first.key.len() as u64);
    id.extend_from_slice(&first.key);
    id
}

impl WindowOp for SessionWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, out: &mut S) {
        arrival_chunk(&ev, out);
        let key = self.key_of(&ev);
        if let Some(&sid) = self.open.get(&key) {
            let gap = self.gap;
            if let Some(s) = self.sessions.get_mut(&sid) {
                if ev.time < s.last.saturating_add(gap) {
                    s.last = s.last.max(ev.time);
                    s.events.push(ev);
                    return;
                }
            }
            // The session has ended; it stays held until its close fires.
            self.open.remove(&key);
        }
        let sid = self.next_sid;
        self.next_sid += 1;
        let at = ev
            .time
            .saturating_add(self.gap)
            .saturating_add(self.latency);
        self.due.insert((at, ev.time, ev.key.clone(), sid));
        self.open.insert(key.clone(), sid);
        self.sessions.insert(
            sid,
            Session {
                key,
                last: ev.time,
                events: vec![ev],
            },
        );
        self.arm(timers);
    }

    fn on_timer<S: ChunkSink>(
        &mut self,
        time: i64,
        _tag: u64,
        timers: &mut dyn Timers,
        out: &mut S,
    ) {
        if self.armed.is_some_and(|a| a <= time) {
            self.armed = None;
        }
        let mut closing: Vec<(i64, OrdKey, u64)> = Vec::new();
        while self.due.first().is_some_and(|d| d.0 <= time) {
            let Some((_, first_time, first_key, sid)) = self.due.pop_first() else {
                break;
            };
            let Some(s) = self.sessions.get(&sid) else {
                continue;
            };
            let at = self.close_at(s);
            if at > time {
                // Extended since the entry was filed.
                self.due.insert((at, first_time, first_key, sid));
            } else {
                closing.push((first_time, first_key, sid));
            }
        }
        closing.sort();
        for (_, _, sid) in closing {
            let Some(s) = self.sessions.remove(&sid) else {
                continue;
            };
            if self.open.get(&s.key) == Some(&sid) {
                self.open.remove(&s.key);
            }
            let Some(first) = s.events.first() else {
                continue;
            };
            out.begin(Chunk {
                time,
                batch: true,
                cause: Cause::Timer {
                    chunk: chunk_id(first),
                },
            });
            s.events.iter().for_each(|e| out.expired(e));
            out.end();
        }
        self.arm(timers);
    }

    fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
        let mut all: Vec<&Ev> = self.sessions.values().flat_map(|s| &s.events).collect();
        all.sort_by_key(|e| e.id);
        all.into_iter().for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ev, Item, Item::*, Recorder, TimerList};
    use super::*;

    /// `(id, time, key)`; timers first at each time, the rest at the end.
    fn drive(w: &mut SessionWindow, events: &[(u64, i64, &str)]) -> Vec<Item> {
        let mut out = Recorder::default();
        let mut timers = TimerList::default();
        for &(id, t, k) in events {
            while let Some((tt, tag)) = timers.pop_due(t) {
                w.on_timer(tt, tag, &mut timers, &mut out);
            }
            let mut e = ev(id, t);
            e.row = vec![Value::str(k)].into_boxed_slice();
            w.on_arrival(e, &mut timers, &mut out);
        }
        while let Some((tt, tag)) = timers.pop_due(i64::MAX) {
            w.on_timer(tt, tag, &mut timers, &mut out);
        }
        out.items
    }

    fn cur(id: u64, time: i64) -> Vec<Item> {
        vec![Begin { time, batch: false }, Current(id), End]
    }

    fn close(time: i64, ids: &[u64]) -> Vec<Item> {
        let mut v = vec![Begin { time, batch: true }];
        v.extend(ids.iter().map(|&i| Expired(i)));
        v.push(End);
        v
    }

    #[test]
    fn an_event_at_last_plus_gap_opens_a_new_session_after_the_close() {
        let mut w = SessionWindow::new(100, None, 0);
        let items = drive(&mut w, &[(0, 0, "a"), (1, 50, "b"), (2, 150, "a")]);
        let want: Vec<Item> = [cur(0, 0), cur(1, 50), close(150, &[0, 1]), cur(2, 150)]
            .concat()
            .into_iter()
            .chain(close(250, &[2]))
            .collect();
        assert_eq!(items, want);
    }

    #[test]
    fn keyed_sessions_close_at_the_same_time_in_first_event_order() {
        let mut w = SessionWindow::new(100, Some(0), 0);
        // b starts first; a is extended first, so its entry is re-filed first.
        let items = drive(
            &mut w,
            &[(0, 10, "b"), (1, 20, "a"), (2, 40, "a"), (3, 40, "b")],
        );
        let want = [
            cur(0, 10),
            cur(1, 20),
            cur(2, 40),
            cur(3, 40),
            close(140, &[0, 3]),
            close(140, &[1, 2]),
        ]
        .concat();
        assert_eq!(items, want);
    }

    #[test]
    fn latency_delays_the_close_but_not_the_end_of_membership() {
        let mut w = SessionWindow::new(100, Some(0), 30);
        let items = drive(&mut w, &[(0, 0, "a"), (1, 50, "a"), (2, 150, "a")]);
        let want = [
            cur(0, 0),
            cur(1, 50),
            cur(2, 150),
            close(180, &[0, 1]),
            close(280, &[2]),
        ]
        .concat();
        assert_eq!(items, want);
    }

    #[test]
    fn chunk_ids_order_by_first_event() {
        let a = ev(0, 10);
        let b = ev(1, 10);
        let c = ev(2, 9);
        assert!(chunk_id(&a) < chunk_id(&b));
        assert!(chunk_id(&c) < chunk_id(&a));
    }

    use proptest::prelude::*;

    /// An expected chunk: (time, 0 for a close / 1 for an arrival, order within
    /// the time, items).
    type Expected = (i64, u8, (i64, u64), Vec<Item>);

    proptest! {
        /// Against a brute force that cuts each key's events into sessions and
        /// orders closes before arrivals at a time, closes by first event.
        #[test]
        fn matches_a_brute_force_split_into_sessions(
            steps in proptest::collection::vec((0i64..60, 0usize..3), 0..40),
            gap in 1i64..100,
            latency_frac in 0i64..100,
            keyed in any::<bool>(),
        ) {
            let latency = latency_frac * gap / 100;
            let names = ["a", "b", "c"];
            let mut t = 0;
            let events: Vec<(u64, i64, &str)> = steps
                .iter()
                .enumerate()
                .map(|(i, &(dt, k))| {
                    t += dt;
                    (i as u64, t, names[k])
                })
                .collect();
            let mut w = SessionWindow::new(gap, keyed.then_some(0), latency);
            let got = drive(&mut w, &events);

            // (key, first time, first id, last time, ids)
            let mut sessions: Vec<(&str, i64, u64, i64, Vec<u64>)> = Vec::new();
            for &(id, t, k) in &events {
                let k = if keyed { k } else { "" };
                let open = sessions.iter_mut().rev().find(|s| s.0 == k);
                match open {
                    Some(s) if t < s.3 + gap => {
                        s.3 = t;
                        s.4.push(id);
                    }
                    _ => sessions.push((k, t, id, t, vec![id])),
                }
            }
            let mut chunks: Vec<Expected> = events
                .iter()
                .map(|&(id, t, _)| (t, 1, (0, id), cur(id, t)))
                .collect();
            for s in &sessions {
                let at = s.3 + gap + latency;
                chunks.push((at, 0, (s.1, s.2), close(at, &s.4)));
            }
            chunks.sort_by_key(|c| (c.0, c.1, c.2));
            let want: Vec<Item> = chunks.into_iter().flat_map(|c| c.3).collect();
            prop_assert_eq!(got, want);
        }
    }
}
