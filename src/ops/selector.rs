//! The selector (LANGUAGE.md §2.4.3–2.4.8): turns a window's chunks into output rows.
//!
//! Semantics, per event of a chunk, in order:
//! * RESET clears every aggregate of every group (`minForever`/`maxForever` keep
//!   their value);
//! * CURRENT adds the event to its group's aggregates, then evaluates the row;
//! * EXPIRED removes it, then evaluates the row (non-aggregate columns come from the
//!   expired event);
//! * a row is kept if its kind is wanted (§2.4.6) and HAVING holds.
//!
//! Then the kept rows of the chunk are collected: a batch flush with aggregates keeps
//! the last kept row of each group, groups in first-appearance order; otherwise every
//! kept row. ORDER BY (stable; NULLs last ascending), OFFSET and LIMIT apply to these
//! rows, which are stamped with the chunk's time.
//!
//! Ordering keys (§3.3): rows of an arrival's chunk are its children
//! `k ++ (op, i)`. Rows of a timer's chunk get `(0, op) ++ chunk ++ position`, where
//! the position is `(section, time, |key|, key)` of the event the row stands for
//! (section 0 before the chunk's RESET, 1 after): a key group sees only part of a
//! timer chunk, and these positions merge the parts of all key groups back into the
//! chunk's order. With ORDER BY/LIMIT/OFFSET the query runs on one worker and the
//! position is simply the row's index.
//!
//! Rate limiting (§2.4.7) runs on the rows a chunk emits; it needs each row's group
//! key ([`SelectorRun::groups`], filled in step with `out` when asked for) and, for
//! `OUTPUT SNAPSHOT` over a window, the row of each held event evaluated with the
//! current aggregates ([`Selector::snapshot_row`]).
//!
//! State (per key group, [`SelectorState`]): one accumulator per aggregate call per
//! group. A group whose window contents become empty is dropped, so memory follows
//! what the window holds (unless `minForever`/`maxForever` must remember it).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use smallvec::SmallVec;

use crate::expr::aggregate::{Acc, AggKind};
use crate::expr::compile::{EvalCtx, PredFn, ValueFn};
use crate::runtime::record::{child_key, OrdKey, Rec};
use crate::value::{DataType, Row, Value};

use super::group_map::GroupMap;
use super::window::{Cause, Chunk, ChunkSink, Ev};

/// One aggregate call, compiled.
pub struct AggSpec {
    pub kind: AggKind,
    pub arg_type: DataType,
    /// Over the input row; `None` for `count()`.
    pub arg: Option<ValueFn>,
    /// Set when the argument is a plain input column: it is read in place, with no
    /// call and no clone.
    pub arg_col: Option<usize>,
    /// The window removes events only in arrival order (deque-based min/max/first/last).
    pub fifo: bool,
}

impl AggSpec {
    /// Applies `f` to the argument's value for `row` (NULL for `count()`).
    #[inline]
    fn with_arg<R>(&self, row: &[Value], time: i64, f: impl FnOnce(&Value) -> R) -> R {
        if let Some(c) = self.arg_col {
            return f(row.get(c).unwrap_or(&Value::Null));
        }
        match &self.arg {
            Some(g) => f(&g(&EvalCtx::new(row, time))),
            None => f(&Value::Null),
        }
    }

    fn new_acc(&self) -> Acc {
        if self.fifo {
            Acc::new_fifo(self.kind, self.arg_type)
        } else {
            Acc::new(self.kind, self.arg_type)
        }
    }
}

/// The compiled selector of one query (shared by all key groups on a worker).
pub struct Selector {
    pub op: u32,
    pub aggs: Vec<AggSpec>,
    pub group_by: Vec<ValueFn>,
    /// Over the extended row: input columns, then aggregate values.
    pub project: Vec<ValueFn>,
    pub having: Option<PredFn>,
    pub order_by: Vec<(usize, bool)>,
    pub limit: Option<u64>,
    pub offset: u64,
    pub wants_current: bool,
    pub wants_expired: bool,
    /// Set when every GROUP BY expression is a plain input column: lookups borrow the
    /// row's values, and a key is cloned only for a new group.
    pub group_cols: Option<SmallVec<[usize; 2]>>,
    /// Set when every output column is an input column or an aggregate and there is
    /// no HAVING (which reads the extended row): rows are built without it.
    pub direct: Option<Vec<OutSlot>>,
}

/// An output column that needs no expression (see [`Selector::direct`]).
#[derive(Clone, Copy, Debug)]
pub enum OutSlot {
    Column(usize),
    Aggregate(usize),
}

impl Selector {
    fn forever(&self) -> bool {
        self.aggs
            .iter()
            .any(|a| matches!(a.kind, AggKind::MinForever | AggKind::MaxForever))
    }
    fn indexed_keys(&self) -> bool {
        !self.order_by.is_empty() || self.limit.is_some() || self.offset > 0
    }
    /// A batch flush's rows can be evaluated once per group at the end of the chunk:
    /// only CURRENT rows are wanted, so a group's last kept row is its last CURRENT
    /// event's, and batch windows put CURRENT events last in a flush.
    fn deferred(&self) -> bool {
        !self.aggs.is_empty() && self.having.is_none() && !self.wants_expired
    }
    /// Batch flushes may be folded as events arrive ([`ChunkSink::accumulate`]):
    /// deferred rows, and no aggregate that outlives a RESET.
    pub fn can_accumulate(&self) -> bool {
        self.deferred() && self.wants_current && !self.forever()
    }
}

pub use super::group_map::{GroupKey, KeyRef};

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Group {
    accs: Vec<Acc>,
    /// Events of this group the window holds (adds minus removals since the last reset).
    held: i64,
    /// In a batch flush with deferred rows: the index of this group's row in the
    /// chunk, valid when `slot_chunk` is the current chunk's number (deferred rows
    /// come after the chunk's RESET, which drops groups, so the slot stays valid).
    #[serde(skip)]
    slot: usize,
    #[serde(skip)]
    slot_chunk: u64,
}

/// A group of the open batch in accumulate mode ([`ChunkSink::accumulate`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Folded {
    accs: Vec<Acc>,
    /// Number of the batch the group last saw an event in (`accs` are stale otherwise).
    batch: u64,
    /// The group's first event of the batch (its row's position) and last row.
    first_time: i64,
    first_key: OrdKey,
    last_row: Row,
}

/// The selector's state in one key group.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SelectorState {
    groups: GroupMap<Group>,
    /// Accumulate mode: groups by key, their indexes in first-appearance order for the
    /// open batch, and the batch number.
    folded: GroupMap<Folded>,
    folded_order: Vec<GroupKey>,
    folded_batch: u64,
}

impl SelectorState {
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }
}

struct Pending {
    position: OrdKey,
    row: Row,
    expired: bool,
    /// The row's group key, kept only when [`SelectorRun::groups`] asks for it.
    group: Box<[Value]>,
}

/// Per-chunk scratch space, reused across chunks.
#[derive(Default)]
pub struct Scratch {
    chunk: Option<Chunk>,
    section: u64,
    rows: Vec<Pending>,
    /// Number of the current chunk (1-based), for [`Group::slot_chunk`].
    chunk_no: u64,
    /// Batch flush with aggregates and eager rows: group key → index in `rows`.
    slots: GroupMap<usize>,
    /// Deferred batch rows: the group key and its last CURRENT event's row, per slot.
    deferred: Vec<(GroupKey, Row)>,
    ext: Vec<Value>,
}

impl Scratch {
    /// Scratch space for [`Selector::snapshot_row`].
    pub fn ext(&mut self) -> &mut Vec<Value> {
        &mut self.ext
    }
}

/// A selector at work on one key group's state; the [`ChunkSink`] windows feed.
pub struct SelectorRun<'a> {
    pub sel: &'a Selector,
    pub state: &'a mut SelectorState,
    pub scratch: &'a mut Scratch,
    pub out: &'a mut Vec<Rec>,
    /// When set, receives the group key of every row pushed to `out`, in step (the
    /// rate limiter's FIRST/LAST/SNAPSHOT work per group).
    pub groups: Option<&'a mut Vec<Box<[Value]>>>,
}

fn position(section: u64, ev: &Ev) -> OrdKey {
    let mut k = OrdKey::new();
    k.push(section);
    k.push(ev.time.max(0) as u64);
    k.push(ev.key.len() as u64);
    k.extend_from_slice(&ev.key);
    k
}

impl SelectorRun<'_> {
    /// Handles one CURRENT or EXPIRED event. Returns the deferred slot that must
    /// receive the event's row (the caller moves it there when the window gives the
    /// event up, and clones it otherwise).
    fn event(&mut self, ev: &Ev, expired: bool) -> Option<usize> {
        let sel = self.sel;
        let key = sel.key_of(ev);
        // One hash and probe per event; the key is cloned only for a new group.
        let group = self.state.groups.get_or_insert_with(&key, || Group {
            accs: sel.aggs.iter().map(|a| a.new_acc()).collect(),
            held: 0,
            slot: 0,
            slot_chunk: 0,
        });
        for (acc, spec) in group.accs.iter_mut().zip(&sel.aggs) {
            spec.with_arg(&ev.row, ev.time, |v| {
                if expired {
                    acc.remove(ev.id, v);
                } else {
                    acc.add(ev.id, v);
                }
            });
        }
        group.held += if expired { -1 } else { 1 };
        let wanted = if expired {
            sel.wants_expired
        } else {
            sel.wants_current
        };
        let chunk = self.scratch.chunk.as_ref()?;
        let batch_aggs = chunk.batch && !sel.aggs.is_empty();
        let deferred = batch_aggs && sel.deferred();
        let chunk_time = chunk.time;
        // Positions only order the rows of timer chunks (see the module docs).
        let positioned = matches!(chunk.cause, Cause::Timer { .. }) && !sel.indexed_keys();
        let section = self.scratch.section;
        let want_groups = self.groups.is_some();
        let group_of = |key: &KeyRef| -> Box<[Value]> {
            if want_groups {
                key.to_box()
            } else {
                Box::new([])
            }
        };
        let pos = || {
            if positioned {
                position(section, ev)
            } else {
                OrdKey::new()
            }
        };
        let scratch = &mut *self.scratch;
        let has_slot = group.slot_chunk == scratch.chunk_no;
        let mut slot = None;
        if wanted {
            if deferred {
                if !has_slot {
                    group.slot = scratch.deferred.len();
                    group.slot_chunk = scratch.chunk_no;
                    scratch.rows.push(Pending {
                        position: pos(),
                        row: Box::new([]),
                        expired: false,
                        group: group_of(&key),
                    });
                    scratch.deferred.push((key.owned(), Box::new([])));
                }
                slot = Some(group.slot);
            } else {
                let row = evaluate(sel, &mut scratch.ext, &ev.row, &group.accs, chunk_time);
                let keep = match &sel.having {
                    Some(h) => h(&EvalCtx::new(&scratch.ext, chunk_time)),
                    None => true,
                };
                if keep {
                    // A RESET inside the chunk drops the groups, so slots of this path
                    // are kept per chunk in the scratch space, not in the group.
                    let slot = if batch_aggs {
                        scratch.slots.get_ref(&key).copied()
                    } else {
                        None
                    };
                    if let Some(i) = slot {
                        scratch.rows[i].row = row;
                        scratch.rows[i].expired = expired;
                    } else {
                        if batch_aggs {
                            let at = scratch.rows.len();
                            *scratch.slots.get_or_insert_with(&key, || at) = at;
                        }
                        scratch.rows.push(Pending {
                            position: pos(),
                            row,
                            expired,
                            group: group_of(&key),
                        });
                    }
                }
            }
        }
        if group.held <= 0 && !sel.forever() && !deferred {
            self.state.groups.remove_ref(&key);
        }
        slot
    }
}

impl Selector {
    /// The group key of an event (empty without GROUP BY).
    pub fn group_of(&self, ev: &Ev) -> GroupKey {
        self.key_of(ev).owned()
    }

    /// The group key of an event, borrowing its columns when it can.
    fn key_of<'a>(&self, ev: &'a Ev) -> KeyRef<'a> {
        if let Some(cols) = &self.group_cols {
            return KeyRef(
                cols.iter()
                    .map(|&c| Cow::Borrowed(ev.row.get(c).unwrap_or(&Value::Null)))
                    .collect(),
            );
        }
        let ctx = EvalCtx::new(&ev.row, ev.time);
        KeyRef(self.group_by.iter().map(|g| Cow::Owned(g(&ctx))).collect())
    }

    /// `OUTPUT SNAPSHOT` over a window (§2.4.7): the row of held event `ev` with its
    /// group's current aggregates, evaluated at `time`; `None` when HAVING rejects it.
    /// `ext` is scratch space.
    pub fn snapshot_row(
        &self,
        state: &SelectorState,
        ev: &Ev,
        time: i64,
        ext: &mut Vec<Value>,
    ) -> Option<Row> {
        let key = self.group_of(ev);
        let fresh;
        let accs = match state.groups.get(&key[..]) {
            Some(g) => &g.accs,
            // A held event's group normally exists; without one the aggregates are
            // those of an empty group.
            None => {
                fresh = self.aggs.iter().map(|a| a.new_acc()).collect::<Vec<_>>();
                &fresh
            }
        };
        let row = evaluate(self, ext, &ev.row, accs, time);
        match &self.having {
            Some(h) if !h(&EvalCtx::new(ext, time)) => None,
            _ => Some(row),
        }
    }
}

/// Evaluates the select list over `row ++ aggregate values`; leaves the extended row
/// in `ext` (for HAVING) and returns the output row.
fn evaluate(sel: &Selector, ext: &mut Vec<Value>, row: &[Value], accs: &[Acc], time: i64) -> Row {
    if let Some(slots) = &sel.direct {
        return slots
            .iter()
            .map(|s| match *s {
                OutSlot::Column(c) => row.get(c).cloned().unwrap_or(Value::Null),
                OutSlot::Aggregate(a) => accs.get(a).map_or(Value::Null, Acc::value),
            })
            .collect();
    }
    ext.clear();
    ext.extend_from_slice(row);
    ext.extend(accs.iter().map(Acc::value));
    let ctx = EvalCtx::new(ext, time);
    sel.project.iter().map(|p| p(&ctx)).collect()
}

impl ChunkSink for SelectorRun<'_> {
    fn begin(&mut self, chunk: Chunk) {
        let s = &mut *self.scratch;
        s.chunk = Some(chunk);
        s.section = 0;
        s.rows.clear();
        s.deferred.clear();
        s.slots.clear();
        // Invalidates every group's slot of the previous chunk.
        s.chunk_no += 1;
    }

    fn current(&mut self, ev: &Ev) {
        if let Some(i) = self.event(ev, false) {
            self.scratch.deferred[i].1 = ev.row.clone();
        }
    }

    fn current_owned(&mut self, ev: Ev) {
        if let Some(i) = self.event(&ev, false) {
            self.scratch.deferred[i].1 = ev.row;
        }
    }

    fn expired(&mut self, ev: &Ev) {
        if let Some(i) = self.event(ev, true) {
            self.scratch.deferred[i].1 = ev.row.clone();
        }
    }

    fn accumulate(&mut self, ev: Ev) {
        let sel = self.sel;
        let st = &mut *self.state;
        let batch = st.folded_batch;
        let key = sel.key_of(&ev);
        let f = st.folded.get_or_insert_with(&key, || Folded {
            accs: sel.aggs.iter().map(|a| a.new_acc()).collect(),
            batch: u64::MAX,
            first_time: 0,
            first_key: OrdKey::new(),
            last_row: Box::new([]),
        });
        if f.batch != batch {
            // First event of this group in the batch: the RESET applies now.
            f.accs.iter_mut().for_each(Acc::reset);
            f.batch = batch;
            f.first_time = ev.time;
            f.first_key.clone_from(&ev.key);
            st.folded_order.push(key.owned());
        }
        for (acc, spec) in f.accs.iter_mut().zip(&sel.aggs) {
            spec.with_arg(&ev.row, ev.time, |v| acc.add(ev.id, v));
        }
        drop(key);
        f.last_row = ev.row;
    }

    fn flush_accumulated(&mut self) {
        let sel = self.sel;
        let Some(chunk) = self.scratch.chunk.as_ref() else {
            return;
        };
        let time = chunk.time;
        let positioned = matches!(chunk.cause, Cause::Timer { .. }) && !sel.indexed_keys();
        let want_groups = self.groups.is_some();
        let st = &mut *self.state;
        let scratch = &mut *self.scratch;
        for key in st.folded_order.drain(..) {
            let Some(f) = st.folded.get_mut(&key) else {
                continue;
            };
            let row = evaluate(sel, &mut scratch.ext, &f.last_row, &f.accs, time);
            let position = if positioned {
                let mut k = OrdKey::new();
                k.push(scratch.section);
                k.push(f.first_time.max(0) as u64);
                k.push(f.first_key.len() as u64);
                k.extend_from_slice(&f.first_key);
                k
            } else {
                OrdKey::new()
            };
            scratch.rows.push(Pending {
                position,
                row,
                expired: false,
                group: if want_groups {
                    key[..].into()
                } else {
                    Box::new([])
                },
            });
        }
        // Groups idle for a whole batch are dropped, so state follows the live keys.
        let batch = st.folded_batch;
        st.folded.retain(|f| f.batch == batch);
        st.folded_batch += 1;
    }

    fn reset(&mut self) {
        self.scratch.section = 1;
        if self.sel.forever() {
            for g in self.state.groups.values_mut() {
                g.accs.iter_mut().for_each(Acc::reset);
                g.held = 0;
            }
        } else {
            self.state.groups.clear();
        }
    }

    fn end(&mut self) {
        let sel = self.sel;
        let Some(chunk) = self.scratch.chunk.take() else {
            return;
        };
        let scratch = &mut *self.scratch;
        // Deferred batch rows: every group's final aggregates are its last row's.
        let deferred = std::mem::take(&mut scratch.deferred);
        for (i, (key, row)) in deferred.iter().enumerate() {
            if let Some(group) = self.state.groups.get(&key[..]) {
                scratch.rows[i].row = evaluate(sel, &mut scratch.ext, row, &group.accs, chunk.time);
            }
            if self.state.groups.get(&key[..]).is_some_and(|g| g.held <= 0) && !sel.forever() {
                self.state.groups.remove(&key[..]);
            }
        }
        scratch.deferred = deferred;
        let mut rows = std::mem::take(&mut scratch.rows);
        if !sel.order_by.is_empty() {
            rows.sort_by(|a, b| {
                for &(c, desc) in &sel.order_by {
                    let (x, y) = (&a.row[c], &b.row[c]);
                    let o = x.total_cmp(y);
                    let o = if desc { o.reverse() } else { o };
                    if o.is_ne() {
                        return o;
                    }
                }
                std::cmp::Ordering::Equal
            });
        }
        let skip = usize::try_from(sel.offset).unwrap_or(usize::MAX);
        let take = sel
            .limit
            .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
        let indexed = sel.indexed_keys();
        for (i, p) in rows.drain(..).skip(skip).take(take).enumerate() {
            let key = match &chunk.cause {
                Cause::Arrival(parent) => child_key(parent, sel.op, i as u32),
                Cause::Timer { chunk: c } => {
                    let mut k = OrdKey::new();
                    k.push(0);
                    k.push(u64::from(sel.op));
                    k.extend_from_slice(c);
                    if indexed {
                        k.push(i as u64);
                    } else {
                        k.extend_from_slice(&p.position);
                    }
                    k
                }
            };
            self.out.push(Rec {
                time: chunk.time,
                key,
                row: p.row,
                expired: p.expired,
            });
            if let Some(g) = self.groups.as_deref_mut() {
                g.push(p.group);
            }
        }
        scratch.rows = rows;
    }
}
