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

use serde::{Deserialize, Serialize};

use rustc_hash::FxHashMap;

use crate::expr::aggregate::{Acc, AggKind};
use crate::expr::compile::{EvalCtx, PredFn, ValueFn};
use crate::runtime::record::{child_key, OrdKey, Rec};
use crate::value::{DataType, Row, Value};

use super::window::{Cause, Chunk, ChunkSink, Ev};

/// One aggregate call, compiled.
pub struct AggSpec {
    pub kind: AggKind,
    pub arg_type: DataType,
    /// Over the input row; `None` for `count()`.
    pub arg: Option<ValueFn>,
    /// The window removes events only in arrival order (deque-based min/max/first/last).
    pub fifo: bool,
}

impl AggSpec {
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
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Group {
    accs: Vec<Acc>,
    /// Events of this group the window holds (adds minus removals since the last reset).
    held: i64,
}

/// The selector's state in one key group.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SelectorState {
    groups: FxHashMap<Box<[Value]>, Group>,
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
    /// Batch flush with aggregates: group key → index in `rows`.
    slots: FxHashMap<Box<[Value]>, usize>,
    /// Deferred batch rows: the last CURRENT event's row per slot.
    deferred: Vec<(Box<[Value]>, Row, i64)>,
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
    fn group_key(&self, ev: &Ev) -> Box<[Value]> {
        self.sel.group_of(ev)
    }

    fn event(&mut self, ev: &Ev, expired: bool) {
        let sel = self.sel;
        let key = self.group_key(ev);
        let ctx = EvalCtx::new(&ev.row, ev.time);
        if !self.state.groups.contains_key(&key[..]) {
            let accs = sel.aggs.iter().map(|a| a.new_acc()).collect();
            self.state
                .groups
                .insert(key.clone(), Group { accs, held: 0 });
        }
        let Some(group) = self.state.groups.get_mut(&key[..]) else {
            return;
        };
        for (acc, spec) in group.accs.iter_mut().zip(&sel.aggs) {
            let v = match &spec.arg {
                Some(f) => f(&ctx),
                None => Value::Null,
            };
            if expired {
                acc.remove(ev.id, &v);
            } else {
                acc.add(ev.id, &v);
            }
        }
        group.held += if expired { -1 } else { 1 };
        let wanted = if expired {
            sel.wants_expired
        } else {
            sel.wants_current
        };
        let Some(chunk) = self.scratch.chunk.as_ref() else {
            return;
        };
        let batch_aggs = chunk.batch && !sel.aggs.is_empty();
        let chunk_time = chunk.time;
        // Positions only order the rows of timer chunks (see the module docs).
        let positioned = matches!(chunk.cause, Cause::Timer { .. }) && !sel.indexed_keys();
        let section = self.scratch.section;
        let want_groups = self.groups.is_some();
        let group_of = |key: &[Value]| -> Box<[Value]> {
            if want_groups {
                key.into()
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
        if wanted {
            if batch_aggs && sel.deferred() {
                let scratch = &mut *self.scratch;
                match scratch.slots.get(&key[..]) {
                    Some(&i) => scratch.deferred[i].1 = ev.row.clone(),
                    None => {
                        scratch.slots.insert(key.clone(), scratch.deferred.len());
                        scratch.rows.push(Pending {
                            position: pos(),
                            row: Box::new([]),
                            expired: false,
                            group: group_of(&key),
                        });
                        scratch
                            .deferred
                            .push((key.clone(), ev.row.clone(), ev.time));
                    }
                }
            } else {
                let row = evaluate(sel, &mut self.scratch.ext, &ev.row, &group.accs, chunk_time);
                let keep = match &sel.having {
                    Some(h) => h(&EvalCtx::new(&self.scratch.ext, chunk_time)),
                    None => true,
                };
                if keep {
                    let scratch = &mut *self.scratch;
                    let pending = Pending {
                        position: pos(),
                        row,
                        expired,
                        group: group_of(&key),
                    };
                    if batch_aggs {
                        match scratch.slots.get(&key[..]) {
                            Some(&i) => {
                                scratch.rows[i].row = pending.row;
                                scratch.rows[i].expired = expired;
                            }
                            None => {
                                scratch.slots.insert(key.clone(), scratch.rows.len());
                                scratch.rows.push(pending);
                            }
                        }
                    } else {
                        scratch.rows.push(pending);
                    }
                }
            }
        }
        if group.held <= 0 && !sel.forever() && !(batch_aggs && sel.deferred()) {
            self.state.groups.remove(&key[..]);
        }
    }
}

impl Selector {
    /// The group key of an event (empty without GROUP BY).
    pub fn group_of(&self, ev: &Ev) -> Box<[Value]> {
        if self.group_by.is_empty() {
            return Box::new([]);
        }
        let ctx = EvalCtx::new(&ev.row, ev.time);
        self.group_by.iter().map(|g| g(&ctx)).collect()
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
        s.slots.clear();
        s.deferred.clear();
    }

    fn current(&mut self, ev: &Ev) {
        self.event(ev, false);
    }

    fn expired(&mut self, ev: &Ev) {
        self.event(ev, true);
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
        for (i, (key, row, _)) in deferred.iter().enumerate() {
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
