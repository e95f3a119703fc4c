//! Output rate limiting: `OUTPUT [ALL|FIRST|LAST|SNAPSHOT] EVERY …` (LANGUAGE.md §2.4.7).
//!
//! The limiter runs on the rows the selector emits for each chunk, after HAVING,
//! ORDER BY/LIMIT/OFFSET and the output-kind filter, in the query operator
//! ([`super::window_query`]). Semantics ("ours" column and the decisions):
//! * `ALL EVERY n EVENTS`: rows are buffered; the n-th row releases all n, stamped with
//!   its time (count-triggered emissions carry the trigger's time).
//! * `FIRST EVERY n EVENTS`: the 1st row of every n is emitted at once, rows 2..n are
//!   dropped. `LAST EVERY n EVENTS`: the n-th row is emitted when it arrives.
//! * With GROUP BY, FIRST/LAST count rows over all groups; at every n-th row the
//!   first/last row of each group seen in that period is emitted, stamped with the
//!   n-th row's time, groups in order of first appearance in the period.
//! * `ALL|LAST EVERY d`: ticks at event times `k·d` (§3.6). A row of time `t` belongs to
//!   the period ending at the first tick after `t` (a row at exactly `k·d` waits for
//!   the next tick); at the tick, ALL emits the period's rows and LAST the last row (per
//!   group), stamped with the tick. Periods without rows emit nothing.
//! * `FIRST EVERY d`: the first row (per group) of each aligned period `[kd, (k+1)d)` is
//!   emitted at once.
//! * `SNAPSHOT EVERY d`: at each tick at which the query holds state, without a window
//!   the last CURRENT row of each group (groups in first-appearance order), with a
//!   window one row per held event evaluated with the current aggregates (computed by
//!   the caller, see [`SnapshotRow`]); HAVING applies to these rows, ORDER BY/LIMIT do
//!   not. CURRENT rows stamped with the tick. Ticks follow while state is held (an
//!   arrival re-arms them after an empty tick). A tick that fires once the input has
//!   ended and no record of the query is left is the final one; the query runs on one
//!   worker (see `placement` in the planner), so that is the first tick after the
//!   query's last input event for any `-w`. (Ticks that event time passes before the
//!   end, e.g. because another source runs further, fire as in live operation.)
//! * End of input (§3.7): a partial `EVERY n EVENTS` buffer is emitted stamped with the
//!   time of its last row (through an end hold of the operator, which keeps the
//!   operator able to emit at that time); time-based buffers flush at their next tick.
//!
//! Counting is of rows (what reaches the limiter), which is one per event unless
//! HAVING, the kind filter or a batch flush says otherwise.
//!
//! Ordering keys (§3.3): a row emitted while it is produced keeps its key. A row
//! emitted later (at a tick, a count flush or the end) gets `[0, op, t, k…]`, where
//! `(t, k)` are the time and key of the row itself, or for a per-group row those of
//! the group's first row in the period (its first row ever for SNAPSHOT), or for a
//! windowed snapshot those of the held event. These orders do not depend on how key
//! groups are spread over workers, so the sink's merge gives the same output for any
//! `-w`, and rows released together keep their original relative order.
//!
//! State ([`RateState`], one per key group, serialisable): the buffered rows, the
//! per-group slots, the count, the armed tick and the end hold. Time-based limiters
//! only hold rows of periods whose tick has not fired; FIRST keeps the groups seen in
//! the current period; SNAPSHOT without a window keeps the last row of every group.

use serde::{Deserialize, Serialize};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::plan::{RateEvery, RateMode};
use crate::runtime::record::{OrdKey, Rec};
use crate::value::{Row, Value};

/// Timer tag of rate-limit ticks (window timers use small tags).
pub const TICK_TAG: u64 = u64::MAX;
/// Tag of the end hold that flushes a partial `EVERY n EVENTS` buffer.
pub const END_TAG: u64 = u64::MAX - 1;

/// What the limiter may do to its operator.
pub trait RateEnv {
    fn emit(&mut self, rec: Rec);
    /// Arms a tick (a timer tagged [`TICK_TAG`]) at `time`.
    fn set_tick(&mut self, time: i64);
    /// Places, moves (`Some`) or releases (`None`) the end hold ([`END_TAG`]).
    fn hold_until_end(&mut self, time: Option<i64>);
    /// No record can follow the timer being handled (§3.7).
    fn input_ended(&self) -> bool;
}

/// One row of a windowed snapshot: the held event's time and key, and its row.
pub struct SnapshotRow {
    pub time: i64,
    pub key: OrdKey,
    pub row: Row,
}

/// The compiled limiter of one query (shared by its key groups).
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub op: u32,
    pub mode: RateMode,
    pub every: RateEvery,
    /// The query has GROUP BY: FIRST/LAST/SNAPSHOT work per group.
    pub grouped: bool,
    /// The query has a window: SNAPSHOT shows the window's events.
    pub windowed: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Slot {
    first_time: i64,
    first_key: OrdKey,
    row: Rec,
}

/// Rows kept per group, groups in first-appearance order.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Slots {
    order: Vec<Slot>,
    index: FxHashMap<Box<[Value]>, usize>,
}

impl Slots {
    /// Records `rec` for `group`: it replaces the group's row when `last`, and is kept
    /// only as the group's first row otherwise.
    fn put(&mut self, group: Box<[Value]>, rec: Rec, last: bool) {
        match self.index.get(&group) {
            Some(&i) => {
                if last {
                    self.order[i].row = rec;
                }
            }
            None => {
                self.index.insert(group, self.order.len());
                self.order.push(Slot {
                    first_time: rec.time,
                    first_key: rec.key.clone(),
                    row: rec,
                });
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn clear(&mut self) {
        self.order.clear();
        self.index.clear();
    }
}

/// The limiter's state in one key group.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RateState {
    /// Rows counted in the current `EVERY n EVENTS` period.
    count: u64,
    /// ALL: the buffered rows, in order.
    rows: Vec<Rec>,
    /// Grouped FIRST/LAST EVERY n EVENTS; ungrouped LAST's latest row; SNAPSHOT
    /// without a window (never cleared).
    slots: Slots,
    /// LAST EVERY d: the period's tick and its rows per group (a window timer at a
    /// tick's time may open the next period before the tick fires, hence a list).
    periods: Vec<(i64, Slots)>,
    /// FIRST EVERY d: the current period and the groups already emitted in it.
    period: Option<i64>,
    seen: FxHashSet<Box<[Value]>>,
    /// The armed tick (older ticks that fire are stale and ignored).
    armed: Option<i64>,
    /// The end hold's time, if placed.
    hold: Option<i64>,
}

impl RateState {
    /// True when nothing is buffered or armed (the key group may be dropped if its
    /// other state is empty too).
    pub fn is_idle(&self) -> bool {
        self.rows.is_empty()
            && self.slots.is_empty()
            && self.periods.is_empty()
            && self.armed.is_none()
            && self.hold.is_none()
    }
}

/// `[0, op, time, key…]`: the key of a row emitted after it was produced.
fn later_key(op: u32, time: i64, key: &OrdKey) -> OrdKey {
    let mut k = OrdKey::new();
    k.push(0);
    k.push(u64::from(op));
    k.push(time.max(0) as u64);
    k.extend_from_slice(key);
    k
}

/// The first tick strictly after `t` (the end of `t`'s aligned period).
fn next_tick(t: i64, d: i64) -> i64 {
    (t.div_euclid(d) + 1).saturating_mul(d)
}

impl RateLimit {
    fn later(&self, time: i64, rec: &Rec, at: i64) -> Rec {
        Rec {
            time: at,
            key: later_key(self.op, time, &rec.key),
            row: rec.row.clone(),
            expired: rec.expired,
        }
    }

    fn emit_slots(&self, slots: &Slots, at: i64, env: &mut dyn RateEnv) {
        for s in &slots.order {
            env.emit(Rec {
                time: at,
                key: later_key(self.op, s.first_time, &s.first_key),
                row: s.row.row.clone(),
                expired: s.row.expired,
            });
        }
    }

    fn arm(&self, st: &mut RateState, time: i64, env: &mut dyn RateEnv) {
        if st.armed.is_none_or(|a| time < a) {
            st.armed = Some(time);
            env.set_tick(time);
        }
    }

    fn set_hold(st: &mut RateState, time: Option<i64>, env: &mut dyn RateEnv) {
        if st.hold != time {
            st.hold = time;
            env.hold_until_end(time);
        }
    }

    /// A row the selector emitted (stamped with its chunk's time), with its group key
    /// (empty without GROUP BY).
    pub fn on_row(&self, st: &mut RateState, rec: Rec, group: Box<[Value]>, env: &mut dyn RateEnv) {
        let t = rec.time;
        let group = if self.grouped {
            group
        } else {
            Box::new([]) as Box<[Value]>
        };
        match (self.every, self.mode) {
            (RateEvery::Events(n), mode) => {
                st.count += 1;
                let full = st.count >= n;
                match mode {
                    RateMode::All => {
                        st.rows.push(rec);
                        if full {
                            for r in std::mem::take(&mut st.rows) {
                                env.emit(self.later(r.time, &r, t));
                            }
                        }
                    }
                    RateMode::First if !self.grouped => {
                        if st.count == 1 {
                            env.emit(rec);
                        }
                    }
                    RateMode::Last if !self.grouped => {
                        if full {
                            st.slots.clear();
                            env.emit(rec);
                        } else {
                            st.slots.clear();
                            st.slots.put(group, rec, true);
                        }
                    }
                    // Grouped FIRST/LAST (SNAPSHOT takes no event count).
                    _ => {
                        st.slots.put(group, rec, mode != RateMode::First);
                        if full {
                            self.emit_slots(&st.slots, t, env);
                            st.slots.clear();
                        }
                    }
                }
                if full {
                    st.count = 0;
                }
                let buffered = !st.rows.is_empty() || !st.slots.is_empty();
                Self::set_hold(st, buffered.then_some(t), env);
            }
            (RateEvery::Time(d), RateMode::All) => {
                st.rows.push(rec);
                self.arm(st, next_tick(t, d), env);
            }
            (RateEvery::Time(d), RateMode::Last) => {
                let due = next_tick(t, d);
                let i = match st.periods.iter().position(|(p, _)| *p == due) {
                    Some(i) => i,
                    None => {
                        st.periods.push((due, Slots::default()));
                        st.periods.len() - 1
                    }
                };
                st.periods[i].1.put(group, rec, true);
                self.arm(st, due, env);
            }
            (RateEvery::Time(d), RateMode::First) => {
                let period = t.div_euclid(d);
                if st.period != Some(period) {
                    st.period = Some(period);
                    st.seen.clear();
                }
                if !st.seen.contains(&group) {
                    st.seen.insert(group);
                    env.emit(rec);
                }
            }
            (RateEvery::Time(d), RateMode::Snapshot) => {
                if !self.windowed {
                    if !rec.expired {
                        st.slots.put(group, rec, true);
                    }
                    if !st.slots.is_empty() {
                        self.arm(st, next_tick(t, d), env);
                    }
                }
            }
        }
    }

    /// An event arrived at `time` (after its rows went through [`Self::on_row`]): a
    /// windowed snapshot now holds state and needs a tick.
    pub fn on_arrival(&self, st: &mut RateState, time: i64, env: &mut dyn RateEnv) {
        if let (RateMode::Snapshot, RateEvery::Time(d), true) =
            (self.mode, self.every, self.windowed)
        {
            self.arm(st, next_tick(time, d), env);
        }
    }

    /// The tick at `time` fired. `held` is the windowed snapshot's rows (one per held
    /// event, oldest first), computed by the caller only for a windowed SNAPSHOT.
    pub fn on_tick(
        &self,
        st: &mut RateState,
        time: i64,
        held: Option<Vec<SnapshotRow>>,
        env: &mut dyn RateEnv,
    ) {
        if st.armed != Some(time) {
            return; // superseded by an earlier tick that re-armed
        }
        st.armed = None;
        let RateEvery::Time(d) = self.every else {
            return;
        };
        match self.mode {
            RateMode::All => {
                // Rows are in time order: the due ones are a prefix.
                let due = st.rows.partition_point(|r| next_tick(r.time, d) <= time);
                for r in st.rows.drain(..due) {
                    env.emit(self.later(r.time, &r, time));
                }
                if let Some(r) = st.rows.first() {
                    let next = next_tick(r.time, d);
                    self.arm(st, next, env);
                }
            }
            RateMode::Last => {
                let periods = std::mem::take(&mut st.periods);
                for (due, slots) in periods {
                    if due <= time {
                        self.emit_slots(&slots, time, env);
                    } else {
                        st.periods.push((due, slots));
                    }
                }
                if let Some(next) = st.periods.iter().map(|(p, _)| *p).min() {
                    self.arm(st, next, env);
                }
            }
            RateMode::First => {}
            RateMode::Snapshot => {
                let holds_state = match held {
                    Some(rows) => {
                        let any = !rows.is_empty();
                        for r in rows {
                            env.emit(Rec {
                                time,
                                key: later_key(self.op, r.time, &r.key),
                                row: r.row,
                                expired: false,
                            });
                        }
                        any
                    }
                    None => {
                        for s in &st.slots.order {
                            env.emit(Rec {
                                time,
                                key: later_key(self.op, s.first_time, &s.first_key),
                                row: s.row.row.clone(),
                                expired: false,
                            });
                        }
                        !st.slots.is_empty()
                    }
                };
                // No tick while no state is held (an arrival re-arms); none after the
                // final one.
                if holds_state && !env.input_ended() {
                    self.arm(st, time.saturating_add(d), env);
                }
            }
        }
    }

    /// The end hold fired (the input has ended): flush a partial `EVERY n EVENTS`
    /// buffer, stamped with the time of its last row (`time`).
    pub fn on_end(&self, st: &mut RateState, time: i64, env: &mut dyn RateEnv) {
        st.hold = None;
        st.count = 0;
        for r in std::mem::take(&mut st.rows) {
            env.emit(self.later(r.time, &r, time));
        }
        if self.grouped {
            self.emit_slots(&st.slots, time, env);
        } else {
            // Ungrouped LAST: the last row, at its own time, as if emitted then.
            for s in std::mem::take(&mut st.slots.order) {
                env.emit(s.row);
            }
        }
        st.slots.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::record::source_key;

    /// Records emissions and timers; `ended` answers `input_ended`.
    #[derive(Default)]
    struct Env {
        out: Vec<Rec>,
        ticks: Vec<i64>,
        hold: Option<i64>,
        ended: bool,
    }

    impl RateEnv for Env {
        fn emit(&mut self, rec: Rec) {
            self.out.push(rec);
        }
        fn set_tick(&mut self, time: i64) {
            self.ticks.push(time);
        }
        fn hold_until_end(&mut self, time: Option<i64>) {
            self.hold = time;
        }
        fn input_ended(&self) -> bool {
            self.ended
        }
    }

    fn limit(mode: RateMode, every: RateEvery, grouped: bool) -> RateLimit {
        RateLimit {
            op: 9,
            mode,
            every,
            grouped,
            windowed: false,
        }
    }

    /// A row `v` at time `t` with source offset `v` (so keys follow `v`).
    fn row(v: i64, t: i64) -> Rec {
        Rec {
            time: t,
            key: source_key(1, v as u64),
            row: vec![Value::Long(v)].into_boxed_slice(),
            expired: false,
        }
    }

    fn g(s: &str) -> Box<[Value]> {
        vec![Value::str(s)].into_boxed_slice()
    }

    /// Drives rows `(group, v, t)` in order, firing armed ticks before rows at or after
    /// their time (ticks first at equal times, §3.3), then the rest and the end hold
    /// (end of input). Returns `(time, v)` of every emission in `(time, key)` order.
    fn drive(l: &RateLimit, rows: &[(&str, i64, i64)]) -> Vec<(i64, i64)> {
        let mut st = RateState::default();
        let mut env = Env::default();
        let fire = |st: &mut RateState, env: &mut Env, upto: i64| {
            while let Some(&tk) = env.ticks.iter().filter(|&&x| x <= upto).min() {
                if let Some(i) = env.ticks.iter().position(|&x| x == tk) {
                    env.ticks.remove(i);
                }
                l.on_tick(st, tk, None, env);
            }
        };
        for &(grp, v, t) in rows {
            fire(&mut st, &mut env, t);
            l.on_row(&mut st, row(v, t), g(grp), &mut env);
        }
        env.ended = true;
        fire(&mut st, &mut env, i64::MAX);
        if let Some(h) = env.hold {
            l.on_end(&mut st, h, &mut env);
        }
        let mut out = env.out;
        out.sort_by(Rec::order);
        out.iter()
            .map(|r| (r.time, r.row[0].as_i64().unwrap_or(-1)))
            .collect()
    }

    const EV: &[(&str, i64, i64)] = &[
        ("a", 1, 0),
        ("b", 2, 10),
        ("c", 3, 20),
        ("d", 4, 30),
        ("e", 5, 40),
        ("f", 6, 40),
        ("g", 7, 60),
        ("h", 8, 70),
    ];

    #[test]
    fn all_every_n_events_releases_at_the_nth_and_flushes_the_rest_at_the_end() {
        let l = limit(RateMode::All, RateEvery::Events(3), false);
        assert_eq!(
            drive(&l, EV),
            vec![
                (20, 1),
                (20, 2),
                (20, 3),
                (40, 4),
                (40, 5),
                (40, 6),
                (70, 7),
                (70, 8)
            ]
        );
    }

    #[test]
    fn first_and_last_every_n_events() {
        let f = limit(RateMode::First, RateEvery::Events(3), false);
        assert_eq!(drive(&f, EV), vec![(0, 1), (30, 4), (60, 7)]);
        let l = limit(RateMode::Last, RateEvery::Events(3), false);
        assert_eq!(drive(&l, EV), vec![(20, 3), (40, 6), (70, 8)]);
    }

    #[test]
    fn grouped_last_every_n_events_counts_globally() {
        let l = limit(RateMode::Last, RateEvery::Events(4), true);
        let rows = [
            ("a", 1, 0),
            ("a", 2, 10),
            ("b", 3, 20),
            ("b", 4, 30),
            ("c", 5, 40),
            ("c", 6, 50),
            ("a", 7, 60),
            ("a", 8, 70),
            ("b", 9, 80),
        ];
        // Groups in first-appearance order; the partial period flushes at its last row.
        assert_eq!(
            drive(&l, &rows),
            vec![(30, 2), (30, 4), (70, 6), (70, 8), (80, 9)]
        );
        let f = limit(RateMode::First, RateEvery::Events(4), true);
        assert_eq!(
            drive(&f, &rows),
            vec![(30, 1), (30, 3), (70, 5), (70, 7), (80, 9)]
        );
    }

    #[test]
    fn all_every_d_emits_at_the_next_multiple() {
        let l = limit(RateMode::All, RateEvery::Time(100), false);
        let rows = [
            ("", 1, 10),
            ("", 2, 50),
            ("", 3, 100),
            ("", 4, 150),
            ("", 5, 420),
            ("", 6, 499),
            ("", 7, 500),
        ];
        assert_eq!(
            drive(&l, &rows),
            vec![
                (100, 1),
                (100, 2),
                (200, 3),
                (200, 4),
                (500, 5),
                (500, 6),
                (600, 7)
            ]
        );
    }

    #[test]
    fn last_every_d_per_group() {
        let l = limit(RateMode::Last, RateEvery::Time(100), true);
        let rows = [
            ("a", 1, 10),
            ("b", 2, 20),
            ("a", 3, 90),
            ("b", 4, 150),
            ("b", 5, 320),
        ];
        assert_eq!(
            drive(&l, &rows),
            vec![(100, 3), (100, 2), (200, 4), (400, 5)]
        );
    }

    #[test]
    fn first_every_d_per_aligned_period() {
        let l = limit(RateMode::First, RateEvery::Time(100), false);
        let rows = [
            ("", 1, 10),
            ("", 2, 99),
            ("", 3, 100),
            ("", 4, 180),
            ("", 5, 400),
        ];
        assert_eq!(drive(&l, &rows), vec![(10, 1), (100, 3), (400, 5)]);
        let g = limit(RateMode::First, RateEvery::Time(100), true);
        let rows = [("a", 1, 10), ("b", 2, 50), ("a", 3, 99), ("a", 4, 100)];
        assert_eq!(drive(&g, &rows), vec![(10, 1), (50, 2), (100, 4)]);
    }

    #[test]
    fn snapshot_without_window_repeats_the_last_row_per_group_until_the_end() {
        let l = limit(RateMode::Snapshot, RateEvery::Time(100), true);
        let rows = [("a", 1, 20), ("b", 2, 60), ("a", 3, 100), ("b", 4, 230)];
        assert_eq!(
            drive(&l, &rows),
            vec![(100, 1), (100, 2), (200, 3), (200, 2), (300, 3), (300, 4)]
        );
    }

    #[test]
    fn windowed_snapshot_emits_held_rows_and_stops_when_empty() {
        let l = RateLimit {
            windowed: true,
            ..limit(RateMode::Snapshot, RateEvery::Time(100), false)
        };
        let mut st = RateState::default();
        let mut env = Env::default();
        l.on_arrival(&mut st, 30, &mut env);
        l.on_arrival(&mut st, 40, &mut env);
        assert_eq!(env.ticks, vec![100]);
        let held = vec![SnapshotRow {
            time: 30,
            key: source_key(1, 0),
            row: vec![Value::Long(7)].into_boxed_slice(),
        }];
        l.on_tick(&mut st, 100, Some(held), &mut env);
        assert_eq!(env.out.len(), 1);
        assert_eq!(env.out[0].time, 100);
        assert_eq!(env.ticks, vec![100, 200]);
        // An empty window: nothing emitted, no further tick.
        l.on_tick(&mut st, 200, Some(Vec::new()), &mut env);
        assert_eq!(env.out.len(), 1);
        assert_eq!(env.ticks, vec![100, 200]);
        assert!(st.is_idle());
    }

    #[test]
    fn stale_ticks_are_ignored() {
        let l = limit(RateMode::All, RateEvery::Time(100), false);
        let mut st = RateState::default();
        let mut env = Env::default();
        l.on_row(&mut st, row(1, 10), Box::new([]), &mut env);
        l.on_tick(&mut st, 100, None, &mut env);
        l.on_tick(&mut st, 100, None, &mut env);
        assert_eq!(env.out.len(), 1);
    }

    #[test]
    fn later_keys_keep_the_original_order() {
        let a = later_key(3, 10, &source_key(1, 5));
        let b = later_key(3, 10, &source_key(1, 6));
        let c = later_key(3, 11, &source_key(1, 0));
        assert!(a < b && b < c);
        assert!(a < source_key(1, 0));
    }
}
