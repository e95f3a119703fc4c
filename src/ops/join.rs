//! A stream–stream join query (LANGUAGE.md §2.8): two windowed inputs, ON, WHERE over
//! joined rows, then the selector (§2.4.8), on the shared keyed mechanism of
//! [`crate::runtime::keyed`].
//!
//! **Semantics.** Each side keeps the contents of its own window (a side without a
//! window keeps nothing but still triggers). An event arriving on side X goes through
//! X's window first; every event of the chunk the window emits — CURRENT, and EXPIRED
//! when expired rows are requested or aggregates must see removals — then probes the
//! other side's current contents ([`WindowOp::for_each_joinable`]) with ON, in the
//! window's emission order. Each match is one joined row (left attributes, then right
//! attributes) of the probing event's kind; a probe from a preserved side of an outer
//! join without any match gives one row NULL-padded on the other side. WHERE filters
//! joined rows; the survivors form a chunk with the window chunk's time, batch flag and
//! cause, which the selector turns into output rows. RESET passes through. A side whose
//! events do not trigger (the other side is UNIDIRECTIONAL) updates its window
//! silently. No ON is a cross join. A self-join feeds each event to the left side
//! first, then to the right side, so an event finds itself only through the right
//! side's probe.
//!
//! **Time and order.** Both inputs are concatenated into one keyed operator and
//! processed together in the global `(time, key)` order of §3.3. Each record carries
//! one extra ordering-key word saying which side it feeds (0 left, 1 right), appended
//! on the producing worker and removed before the window sees the event: records of
//! different sides interleave by their own keys (source rank first), and the two
//! copies of one record in a self-join are adjacent, left first. Timers: at each time
//! the windows' due timers fire first, the left window's before the right window's
//! (each side's in creation order), then the records in key order. To get that order
//! regardless of timer creation order, a window's timers are kept in the key group's
//! state and the keyed mechanism holds one wake-up timer per distinct due time.
//! Output keys: rows caused by a left-side event or timer are keyed by operator id
//! `op`, rows of the right side by `op | RIGHT_OP_BIT` (see [`RIGHT_OP_BIT`]), so the
//! rows of both probes of one record get distinct keys, left first, wherever they are
//! produced. Every row is stamped with its chunk's time: the triggering event's time,
//! or the expiry or flush time for a window timer's chunk (§3.2).
//!
//! **Placement.** When ON has an equality conjunct between a left-side expression and
//! a right-side expression (and the planner found partitioning exact, see
//! `join_placement` in the planner), each side is exchanged by the hash of its operand
//! into the 128 key groups; otherwise everything runs on one worker. Both operands are
//! typed alike by the planner and [`Value`]'s hash agrees across numeric types, so
//! equal keys meet in one key group; a NULL key never matches (comparisons with NULL
//! are false), wherever it lands.
//!
//! **State** ([`JoinGroupState`], per key group, serde-serialisable for checkpoints):
//! both windows, the selector's state, the rate limiter's, the windows' pending timers
//! and each side's arrival counter; the key indexes are derived from the windows and
//! rebuilt after a restore. The keyed wake-up timers are kept by the keyed mechanism,
//! as for [`super::window_query`].
//!
//! **Why a keyed timely operator and not differential arrangements.** Siddhi's join is
//! per event: every CURRENT or EXPIRED event probes the other side *as it is at that
//! point* of the `(time, key)` order, and an expiry is itself a probe that produces
//! EXPIRED rows. A differential join of two arranged collections computes the join of
//! the accumulated collections per timestamp: two events with one timestamp would see
//! each other whatever their key order, an expiry would retract earlier output instead
//! of emitting EXPIRED rows, outer joins would emit and retract NULL-padded rows, and
//! batch windows' "last flushed batch" contents would need their own operator anyway.
//! Reproducing the per-event order on top of arrangements would mean one timestamp per
//! event and reading the arrangement's cursor per probe — the nested loop below with
//! extra indirection. A table side (which never triggers and is probed as of each
//! event) fits the same operator as a side that keeps a table's rows and does not
//! trigger; it may later be backed by an arrangement shared with other queries.
//!
//! **Probing.** When ON's equality conjuncts (the placement keys) have plain, possibly
//! widened, columns as operands, and the other side's window holds exactly the events
//! it emitted as CURRENT and not yet as EXPIRED, in arrival order, expiring the oldest
//! first (`time`, `length`, `timeLength`, `externalTime`), a probe looks its candidates
//! up in that side's [`KeyIndex`]: the window's events by their key values, each key's
//! events in window order, kept in step with the window's chunks. A probe thus visits
//! exactly the held events whose keys equal its own, in window order, and still checks
//! all of ON on each; an event with a NULL key is not indexed and finds nothing (SQL
//! `=` with NULL is never true). Other windows, and joins without such keys, scan the
//! other window's contents in the key group (a nested loop): with keyed placement a key
//! group holds only its own keys' events. Debug builds check every indexed probe
//! against the scan.
//!
//! **Cost per event** (the Q5 shape, `time` windows on both sides): the key is read
//! from the row's columns for placement; a probe is one index lookup; an arrival is one
//! index insertion and an expiry one removal that touches no row (the index keeps its
//! own arrival order); a window timer chunk that probes nothing never reaches the
//! selector; key group states sit in a vector by key group, and the windows' pending
//! timers in short sorted queues.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use timely::dataflow::operators::vec::Map;
use timely::dataflow::operators::Concatenate;

use crate::expr::compile::{EvalCtx, PredFn, ValueFn};
use crate::plan::{RateMode, RatePlan, WindowKind};
use crate::runtime::keyed::{hash_values, stateful, Ctx, Placement, StatefulLogic, Timer};
use crate::runtime::record::{OrdKey, Rec};
use crate::value::{DataType, Row, Value};

use super::rate_limit::{RateLimit, RateState, END_TAG, TICK_TAG};
use super::selector::{Scratch, Selector, SelectorRun, SelectorState};
use super::window::{Chunk, ChunkSink, Ev, Timers, Window, WindowNeeds, WindowOp};
use super::window_query::{pass_on, CtxTimers};
use super::RecStream;

/// The left side's index (the right side is 1).
pub const LEFT: usize = 0;
pub const RIGHT: usize = 1;

/// Set in the operator id of the selector that numbers the right side's rows: right
/// probes get output keys `k ++ ((op | RIGHT_OP_BIT) << 32 | i)`, after the left
/// probe's `k ++ (op << 32 | i)` of the same record. Plan operator ids are statement
/// positions, far below this bit.
pub const RIGHT_OP_BIT: u32 = 1 << 31;

/// The keyed mechanism's timer tag for a wake-up (rate limiter tags are the top two).
const WAKE_TAG: u64 = 0;

/// An equality-key operand that is a plain column of the side's row, widened to
/// `widen` when the planner widened it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyColumn {
    pub col: usize,
    pub widen: Option<DataType>,
}

/// One input of a join, compiled.
pub struct JoinSideConfig {
    pub window: Option<WindowKind>,
    /// Its events probe the other side.
    pub triggers: bool,
    /// Outer join: unmatched probes of this side give NULL-padded rows.
    pub preserved: bool,
    pub arity: usize,
    /// Placement key over this side's row (empty for a global join).
    pub key: Vec<ValueFn>,
    /// The same operands as plain columns, when all of them are (empty otherwise, and
    /// for a join without equality conjuncts): what [`KeyIndex`] and placement read.
    pub key_columns: Vec<KeyColumn>,
}

/// Everything one worker needs to run a join query.
pub struct JoinConfig {
    pub name: String,
    /// Left, then right.
    pub sides: [JoinSideConfig; 2],
    /// Over the joined row; `None` is a cross join.
    pub on: Option<PredFn>,
    /// WHERE over the joined row.
    pub filter: Option<PredFn>,
    /// The selector twice, alike but for the operator id: the left one numbers the
    /// rows of left-side chunks, the right one (id `op | RIGHT_OP_BIT`) the rest.
    pub selectors: [Selector; 2],
    /// Exchange by the side keys; otherwise one worker.
    pub keyed: bool,
    pub tick_ms: u64,
    pub rate: Option<RatePlan>,
}

/// Pending window timers `(time, side, creation order) → tag`, in key order.
pub type TimerQueue = VecDeque<((i64, u8, u64), u64)>;

/// The state of one key group.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JoinGroupState {
    /// Left, then right.
    pub windows: [Window; 2],
    /// Arrival number of each side's next event (ids for `first`/`last`).
    pub next_id: [u64; 2],
    pub selector: SelectorState,
    /// The windows' pending timers, sorted (a time window has one pending at a time).
    pub timers: TimerQueue,
    pub timer_seq: u64,
    /// Times of the pending wake-ups in the keyed mechanism, sorted, distinct.
    pub wakeups: VecDeque<i64>,
    pub rate: RateState,
    /// Left, then right: each window's events by key, for the other side's probes.
    /// Derived from the windows; not saved, rebuilt by the first probe after a restore.
    #[serde(skip)]
    pub index: [KeyIndex; 2],
}

/// Key values of an event: the [`KeyColumn`]s' values, widened, with zeros normalised
/// so that values equal for SQL `=` are equal keys (`Value`'s equality tells `-0.0`
/// from `0.0`; for everything else `=` implies `Value` equality, and equal values hash
/// alike).
type IndexKey = SmallVec<[Value; 1]>;

/// The key of `row` over `cols`, borrowed from the row when it can be (one column
/// needing no change), else built in `buf`; `None` when a key value is NULL (the event
/// matches nothing).
fn key_of<'r>(cols: &[KeyColumn], row: &'r [Value], buf: &'r mut IndexKey) -> Option<&'r [Value]> {
    if let [c] = cols {
        let v = row.get(c.col)?;
        match v {
            Value::Null => return None,
            Value::Str(_) | Value::Bool(_) => return Some(std::slice::from_ref(v)),
            Value::Int(_) | Value::Long(_) if c.widen.is_none() => {
                return Some(std::slice::from_ref(v))
            }
            _ => {}
        }
    }
    buf.clear();
    for c in cols {
        let v = row.get(c.col).cloned().unwrap_or(Value::Null);
        let v = match c.widen {
            Some(t) => v.widen(t),
            None => v,
        };
        buf.push(match v {
            Value::Null => return None,
            // A float literal pattern matches by `==`: `-0.0` too.
            Value::Double(0.0) => Value::Double(0.0),
            Value::Float(0.0) => Value::Float(0.0),
            v => v,
        });
    }
    Some(buf)
}

/// One key's held events, oldest first.
#[derive(Clone, Debug, Default)]
struct Bucket {
    /// Their arrival numbers.
    ids: VecDeque<u64>,
    /// Their rows, [`KeyIndex::arity`] values each (no allocation per event).
    values: VecDeque<Value>,
}

/// One side's joinable events by key (see the module documentation, "Probing").
#[derive(Clone, Debug, Default)]
pub struct KeyIndex {
    /// In step with the window; false until (re)built from it.
    valid: bool,
    /// The side's row width.
    arity: usize,
    /// The bucket of each key seen since the last rebuild.
    slots: FxHashMap<IndexKey, u32>,
    /// Each key's held events (empty buckets wait for their key to come back).
    buckets: Vec<Bucket>,
    /// The indexed events in window order: arrival number and bucket.
    order: VecDeque<(u64, u32)>,
    /// Empty buckets; when they outnumber the others the index is rebuilt.
    empty: usize,
    /// Key scratch space.
    buf: IndexKey,
}

impl KeyIndex {
    fn fresh(arity: usize) -> KeyIndex {
        KeyIndex {
            valid: true,
            arity,
            ..KeyIndex::default()
        }
    }

    /// An event joined the window (after every event held).
    fn insert(&mut self, cols: &[KeyColumn], ev: &Ev) {
        if ev.row.len() != self.arity {
            // Not a row of this side's shape: probes scan the window instead.
            self.valid = false;
            return;
        }
        let Some(k) = key_of(cols, &ev.row, &mut self.buf) else {
            return;
        };
        let slot = match self.slots.get(k) {
            Some(&s) => s,
            None => {
                let Ok(s) = u32::try_from(self.buckets.len()) else {
                    self.valid = false;
                    return;
                };
                self.slots.insert(IndexKey::from(k), s);
                self.buckets.push(Bucket::default());
                self.empty += 1;
                s
            }
        };
        let bucket = &mut self.buckets[slot as usize];
        if bucket.ids.is_empty() {
            self.empty -= 1;
        }
        bucket.ids.push_back(ev.id);
        bucket.values.reserve(ev.row.len());
        for v in ev.row.iter() {
            bucket.values.push_back(v.clone());
        }
        self.order.push_back((ev.id, slot));
    }

    /// An event left the window.
    fn remove(&mut self, cols: &[KeyColumn], ev: &Ev) {
        match self.order.front() {
            Some(&(id, slot)) if id == ev.id => {
                self.order.pop_front();
                let bucket = &mut self.buckets[slot as usize];
                // The windows indexed here expire their oldest event first.
                if bucket.ids.pop_front() != Some(ev.id) || bucket.values.len() < self.arity {
                    self.valid = false;
                    return;
                }
                for _ in 0..self.arity {
                    bucket.values.pop_front();
                }
                if bucket.ids.is_empty() {
                    self.empty += 1;
                    if self.empty > 64 && self.empty > 2 * (self.buckets.len() - self.empty) {
                        // Mostly keys gone by: the next probe rebuilds it compactly.
                        self.valid = false;
                    }
                }
            }
            _ => {
                // Only an event with a NULL key is missing from the index.
                if key_of(cols, &ev.row, &mut self.buf).is_some() {
                    self.valid = false;
                }
            }
        }
    }

    /// Rebuilds the index from the window's joinable events; it stays invalid (and
    /// probes scan the window) if the window holds an event it cannot index.
    fn rebuild(&mut self, cols: &[KeyColumn], arity: usize, window: &Window) {
        self.slots.clear();
        self.buckets.clear();
        self.order.clear();
        self.empty = 0;
        self.arity = arity;
        self.valid = true;
        window.for_each_joinable(&mut |ev: &Ev| {
            if self.valid {
                self.insert(cols, ev);
            }
        });
    }

    /// The held events with key `k`, oldest first.
    fn get(&self, k: &[Value]) -> Option<&Bucket> {
        self.slots.get(k).map(|&s| &self.buckets[s as usize])
    }
}

/// Whether a window holds exactly the events it emitted as CURRENT and not yet as
/// EXPIRED, in arrival order, expiring oldest first (what [`KeyIndex`] mirrors).
fn indexable(window: Option<&WindowKind>) -> bool {
    matches!(
        window,
        Some(
            WindowKind::Time { .. }
                | WindowKind::Length { .. }
                | WindowKind::TimeLength { .. }
                | WindowKind::ExternalTime { .. }
        )
    )
}

/// What a probing chunk needs beyond the selector.
struct ProbeEnv<'a> {
    side: usize,
    /// The side's events probe at all (otherwise its chunks are swallowed).
    triggers: bool,
    preserved: bool,
    /// EXPIRED events probe: expired rows are wanted, or aggregates remove them.
    probe_expired: bool,
    arities: [usize; 2],
    on: Option<&'a PredFn>,
    filter: Option<&'a PredFn>,
    /// Each side's key columns (for the indexes).
    key_columns: [&'a [KeyColumn]; 2],
}

/// Receives one side's window chunks; probes the other side and feeds the selector.
struct ProbeSink<'a, 'r> {
    env: &'a ProbeEnv<'a>,
    other: &'a Window,
    /// The other side's index (in step with `other`) when probes look matches up by key.
    other_index: Option<&'a KeyIndex>,
    /// This side's index, kept in step with this side's window's chunks.
    mine_index: Option<&'a mut KeyIndex>,
    run: SelectorRun<'r>,
    /// The chunk begun by the window and not yet by the selector: it begins the
    /// selector's chunk at its first row or RESET, so that a chunk nothing probes in
    /// (a time window's expiry when EXPIRED events do not probe) costs nothing.
    chunk: Option<Chunk>,
    /// The joined event handed to the selector; its row and key are reused.
    joined: &'a mut Ev,
    /// Key scratch space.
    key: &'a mut IndexKey,
}

/// Where the probing side's attributes (`mine` of them) and the other side's (`other`
/// of them) sit in a joined row: left attributes first.
fn parts(
    side: usize,
    mine: usize,
    other: usize,
) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    if side == LEFT {
        (0..mine, mine..mine + other)
    } else {
        (other..other + mine, 0..other)
    }
}

/// Makes `row` a joined row of width `mine.len() + other` with `mine` in the probing
/// side's place, reusing its allocation when the width is unchanged; returns where
/// the other side's attributes go.
fn set_mine(row: &mut Row, side: usize, mine: &[Value], other: usize) -> std::ops::Range<usize> {
    if row.len() != mine.len() + other {
        *row = vec![Value::Null; mine.len() + other].into_boxed_slice();
    }
    let (m, o) = parts(side, mine.len(), other);
    row[m].clone_from_slice(mine);
    o
}

impl ProbeSink<'_, '_> {
    /// Begins the selector's chunk if the window's chunk has not begun there yet.
    fn begin_run(&mut self) {
        if let Some(chunk) = self.chunk.take() {
            self.run.begin(chunk);
        }
    }

    fn probe(&mut self, ev: &Ev, expired: bool) {
        self.begin_run();
        let ProbeSink {
            env,
            other,
            other_index,
            run,
            joined,
            key,
            ..
        } = self;
        let side = env.side;
        let mut matched = false;
        let mut index = 0u64;
        joined.time = ev.time;
        joined.key.clear();
        joined.key.extend_from_slice(&ev.key);
        let prefix = joined.key.len();
        // The probing side's part of `joined.row` is filled at the first candidate:
        // where the other side's part goes, for rows of that width.
        let mut placed: Option<(usize, std::ops::Range<usize>)> = None;
        let mut place = |joined: &mut Ev, width: usize| match &placed {
            Some((w, o)) if *w == width && joined.row.len() == ev.row.len() + width => o.clone(),
            _ => {
                let o = set_mine(&mut joined.row, side, &ev.row, width);
                placed = Some((width, o.clone()));
                o
            }
        };
        let mut emit = |joined: &mut Ev, other_id: Option<u64>, run: &mut SelectorRun| {
            if let Some(w) = env.filter {
                if !w(&EvalCtx::new(&joined.row, ev.time)) {
                    return;
                }
            }
            let (l, r) = match side {
                LEFT => (Some(ev.id), other_id),
                _ => (other_id, Some(ev.id)),
            };
            // Removal-capable aggregates identify a row by the pair of events in it.
            joined.id = (l.unwrap_or(u64::from(u32::MAX)) << 32)
                | (r.unwrap_or(u64::from(u32::MAX)) & 0xFFFF_FFFF);
            joined.key.truncate(prefix);
            joined.key.push(index);
            index += 1;
            if expired {
                run.expired(joined);
            } else {
                run.current(joined);
            }
        };
        // A candidate whose attributes are in place: ON, then a row.
        let mut check = |o_id: u64, joined: &mut Ev, run: &mut SelectorRun| {
            if let Some(on) = env.on {
                if !on(&EvalCtx::new(&joined.row, ev.time)) {
                    return false;
                }
            }
            emit(joined, Some(o_id), run);
            true
        };
        match other_index {
            Some(ix) => {
                let k = key_of(env.key_columns[side], &ev.row, key);
                #[cfg(debug_assertions)]
                check_lookup(ix, k, other, env.key_columns[1 - side]);
                if let Some(b) = k.and_then(|k| ix.get(k)) {
                    let width = ix.arity;
                    for (n, &o_id) in b.ids.iter().enumerate() {
                        let o = place(joined, width);
                        let values = b.values.range(n * width..(n + 1) * width);
                        for (d, s) in joined.row[o].iter_mut().zip(values) {
                            d.clone_from(s);
                        }
                        matched |= check(o_id, joined, run);
                    }
                }
            }
            None => other.for_each_joinable(&mut |o: &Ev| {
                let at = place(joined, o.row.len());
                joined.row[at].clone_from_slice(&o.row);
                matched |= check(o.id, joined, run);
            }),
        }
        if !matched && env.preserved {
            let pad = env.arities[1 - side];
            let o = set_mine(&mut joined.row, side, &ev.row, pad);
            joined.row[o].fill(Value::Null);
            emit(joined, None, run);
        }
    }
}

/// Debug builds: an indexed lookup gives exactly the events a scan of the window with
/// equal keys gives, in the same order, with the same rows.
#[cfg(debug_assertions)]
fn check_lookup(ix: &KeyIndex, k: Option<&[Value]>, window: &Window, cols: &[KeyColumn]) {
    let mut scanned = Vec::new();
    if let Some(k) = k {
        let mut buf = IndexKey::new();
        window.for_each_joinable(&mut |o: &Ev| {
            if key_of(cols, &o.row, &mut buf) == Some(k) {
                scanned.push((o.id, o.row.to_vec()));
            }
        });
    }
    let looked_up: Vec<(u64, Vec<Value>)> = k
        .and_then(|k| ix.get(k))
        .map(|b| {
            let values: Vec<Value> = b.values.iter().cloned().collect();
            b.ids
                .iter()
                .zip(values.chunks(ix.arity.max(1)))
                .map(|(&id, row)| (id, row.to_vec()))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(looked_up, scanned, "join index out of step with its window");
}

impl ChunkSink for ProbeSink<'_, '_> {
    fn begin(&mut self, chunk: Chunk) {
        if self.env.triggers {
            self.chunk = Some(chunk);
        }
    }
    fn current(&mut self, ev: &Ev) {
        if self.env.triggers {
            self.probe(ev, false);
        }
        if let Some(ix) = self.mine_index.as_deref_mut() {
            ix.insert(self.env.key_columns[self.env.side], ev);
        }
    }
    fn accumulate(&mut self, _ev: Ev) {
        // Join sides are built with `accumulate: false`; windows never fold here.
    }
    fn flush_accumulated(&mut self) {}
    fn expired(&mut self, ev: &Ev) {
        if self.env.triggers && self.env.probe_expired {
            self.probe(ev, true);
        }
        if let Some(ix) = self.mine_index.as_deref_mut() {
            ix.remove(self.env.key_columns[self.env.side], ev);
        }
    }
    fn reset(&mut self) {
        if self.env.triggers {
            self.begin_run();
            self.run.reset();
        }
        // Indexed windows do not reset; should one, its index is rebuilt from it.
        if let Some(ix) = self.mine_index.as_deref_mut() {
            ix.valid = false;
        }
    }
    fn end(&mut self) {
        // A chunk begun at the selector ends there; one that never was is dropped.
        if self.env.triggers && self.chunk.take().is_none() {
            self.run.end();
        }
    }
}

/// A side window's timers: kept in the key group's state, woken by the keyed mechanism.
struct SideTimers<'a, 'b> {
    side: u8,
    timers: &'a mut TimerQueue,
    seq: &'a mut u64,
    wakeups: &'a mut VecDeque<i64>,
    ctx: &'a mut Ctx<'b>,
}

impl Timers for SideTimers<'_, '_> {
    fn set(&mut self, time: i64, tag: u64) {
        let key = (time, self.side, *self.seq);
        *self.seq += 1;
        // Mostly after every pending timer.
        if self.timers.back().is_none_or(|(k, _)| *k < key) {
            self.timers.push_back((key, tag));
        } else {
            let at = self.timers.partition_point(|(k, _)| *k < key);
            self.timers.insert(at, (key, tag));
        }
        let at = self.wakeups.partition_point(|t| *t < time);
        if self.wakeups.get(at) != Some(&time) {
            self.wakeups.insert(at, time);
            self.ctx.set_timer(time, WAKE_TAG);
        }
    }
}

struct Logic {
    sides: [JoinSideConfig; 2],
    on: Option<PredFn>,
    filter: Option<PredFn>,
    selectors: [Selector; 2],
    probe_expired: bool,
    /// By key group.
    groups: Vec<Option<JoinGroupState>>,
    scratch: Scratch,
    out: Vec<Rec>,
    rate: Option<RateLimit>,
    out_groups: Vec<Box<[Value]>>,
    /// Each side's window is indexed by key for the other side's probes.
    indexed: [bool; 2],
    /// The joined event handed to the selector (reused).
    joined: Ev,
    /// Key scratch space.
    key: IndexKey,
}

/// An empty event (allocates nothing).
fn empty_ev() -> Ev {
    Ev {
        id: 0,
        time: 0,
        key: OrdKey::new(),
        row: Box::new([]),
    }
}

impl Logic {
    fn fresh(&self) -> Option<JoinGroupState> {
        // Batch windows keep their last flushed batch (what the other side finds), so
        // every side window is built as if expired rows were wanted.
        let needs = WindowNeeds {
            expired: true,
            accumulate: false,
        };
        Some(JoinGroupState {
            windows: [
                Window::new(self.sides[LEFT].window.as_ref(), needs)?,
                Window::new(self.sides[RIGHT].window.as_ref(), needs)?,
            ],
            next_id: [0, 0],
            selector: SelectorState::default(),
            timers: TimerQueue::new(),
            timer_seq: 0,
            wakeups: VecDeque::new(),
            rate: RateState::default(),
            index: [
                KeyIndex::fresh(self.sides[LEFT].arity),
                KeyIndex::fresh(self.sides[RIGHT].arity),
            ],
        })
    }

    /// Key group `kg`'s state, created if needed (`None` only for a window this build
    /// cannot run).
    fn group(&mut self, kg: u32) -> Option<&mut JoinGroupState> {
        let i = kg as usize;
        if self.groups.len() <= i {
            self.groups.resize_with(i + 1, || None);
        }
        if self.groups[i].is_none() {
            self.groups[i] = Some(self.fresh()?);
        }
        self.groups[i].as_mut()
    }

    /// Key group `kg`'s state if it exists.
    fn existing(&mut self, kg: u32) -> Option<&mut JoinGroupState> {
        self.groups.get_mut(kg as usize).and_then(Option::as_mut)
    }

    /// Runs `f` on side `side`'s window with a probing sink and the side's timers.
    fn with_side(
        &mut self,
        kg: u32,
        side: usize,
        ctx: &mut Ctx,
        f: impl FnOnce(&mut Window, &mut SideTimers, &mut ProbeSink),
    ) {
        if self.group(kg).is_none() {
            return;
        }
        let Logic {
            sides,
            on,
            filter,
            selectors,
            probe_expired,
            groups,
            scratch,
            out,
            rate,
            out_groups,
            indexed,
            joined,
            key,
        } = self;
        let Some(Some(st)) = groups.get_mut(kg as usize) else {
            return;
        };
        let env = ProbeEnv {
            side,
            triggers: sides[side].triggers,
            preserved: sides[side].preserved,
            probe_expired: *probe_expired,
            arities: [sides[LEFT].arity, sides[RIGHT].arity],
            on: on.as_ref(),
            filter: filter.as_ref(),
            key_columns: [&sides[LEFT].key_columns, &sides[RIGHT].key_columns],
        };
        let JoinGroupState {
            windows,
            selector,
            timers,
            timer_seq,
            wakeups,
            rate: rate_state,
            index,
            ..
        } = st;
        let [left, right] = windows;
        let [left_ix, right_ix] = index;
        let (mine, other, mine_ix, other_ix) = if side == LEFT {
            (left, &*right, left_ix, right_ix)
        } else {
            (right, &*left, right_ix, left_ix)
        };
        let other_index = if indexed[1 - side] {
            if !other_ix.valid {
                other_ix.rebuild(env.key_columns[1 - side], env.arities[1 - side], other);
            }
            other_ix.valid.then_some(&*other_ix)
        } else {
            None
        };
        let mine_index = (indexed[side] && mine_ix.valid).then_some(mine_ix);
        let mut sink = ProbeSink {
            env: &env,
            other,
            other_index,
            mine_index,
            run: SelectorRun {
                sel: &selectors[side],
                state: selector,
                scratch,
                out,
                groups: rate.is_some().then_some(&mut *out_groups),
            },
            chunk: None,
            joined,
            key,
        };
        {
            let mut side_timers = SideTimers {
                side: side as u8,
                timers,
                seq: timer_seq,
                wakeups,
                ctx,
            };
            f(mine, &mut side_timers, &mut sink);
        }
        drop(sink);
        if !out.is_empty() {
            pass_on(rate.as_ref(), rate_state, out, out_groups, ctx);
        }
    }
}

impl StatefulLogic for Logic {
    fn on_record(&mut self, mut rec: Rec, ctx: &mut Ctx) {
        let side = match rec.key.pop() {
            Some(0) => LEFT,
            Some(1) => RIGHT,
            _ => return,
        };
        let kg = ctx.key_group();
        let time = rec.time;
        let Some(st) = self.group(kg) else { return };
        let id = st.next_id[side];
        st.next_id[side] += 1;
        let ev = Ev {
            id,
            time,
            key: rec.key,
            row: rec.row,
        };
        self.with_side(kg, side, ctx, |w, timers, sink| {
            w.on_arrival(ev, timers, sink)
        });
        if let Some(limit) = self.rate.as_ref() {
            if let Some(Some(st)) = self.groups.get_mut(kg as usize) {
                limit.on_arrival(&mut st.rate, time, &mut CtxTimers(ctx));
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        let kg = timer.key_group;
        match (self.rate.as_ref(), timer.tag) {
            (Some(limit), TICK_TAG) => {
                if let Some(Some(st)) = self.groups.get_mut(kg as usize) {
                    limit.on_tick(&mut st.rate, timer.time, None, &mut CtxTimers(ctx));
                }
            }
            (Some(limit), END_TAG) => {
                if let Some(Some(st)) = self.groups.get_mut(kg as usize) {
                    limit.on_end(&mut st.rate, timer.time, &mut CtxTimers(ctx));
                }
            }
            _ => {
                // Every window timer due by now: left side first at equal times, each
                // side's in creation order; timers set meanwhile for this time too.
                loop {
                    let Some(st) = self.existing(kg) else {
                        return;
                    };
                    let due = st
                        .timers
                        .front()
                        .filter(|((t, _, _), _)| *t <= timer.time)
                        .copied();
                    let Some(((time, side, _), tag)) = due else {
                        if let Ok(at) = st.wakeups.binary_search(&timer.time) {
                            st.wakeups.remove(at);
                        }
                        return;
                    };
                    st.timers.pop_front();
                    let side = usize::from(side).min(RIGHT);
                    self.with_side(kg, side, ctx, |w, timers, sink| {
                        w.on_timer(time, tag, timers, sink)
                    });
                }
            }
        }
    }
}

/// Builds the join query over `left` and `right`; returns its output rows.
pub fn join_query<'s>(
    left: RecStream<'s>,
    right: RecStream<'s>,
    op: u32,
    cfg: JoinConfig,
) -> RecStream<'s> {
    let tag = |side: u64| {
        move |mut r: Rec| {
            r.key.push(side);
            r
        }
    };
    let scope = left.scope();
    let input = scope.concatenate([left.map(tag(0)), right.map(tag(1))]);
    let JoinConfig {
        name,
        sides,
        on,
        filter,
        selectors,
        keyed,
        tick_ms,
        rate,
    } = cfg;
    let probe_expired = selectors[LEFT].wants_expired || !selectors[LEFT].aggs.is_empty();
    let rate = rate.map(|r| RateLimit {
        op,
        mode: r.mode,
        every: r.every,
        grouped: !selectors[LEFT].group_by.is_empty(),
        windowed: false,
    });
    debug_assert!(rate.as_ref().is_none_or(|r| r.mode != RateMode::Snapshot));
    let mut sides = sides;
    // A side's window is indexed when the other side probes it by key columns.
    let indexed = [LEFT, RIGHT].map(|k| {
        !sides[k].key_columns.is_empty()
            && sides[k].key_columns.len() == sides[1 - k].key_columns.len()
            && indexable(sides[k].window.as_ref())
            && sides[1 - k].triggers
    });
    let placement = if keyed {
        let lk = std::mem::take(&mut sides[LEFT].key);
        let rk = std::mem::take(&mut sides[RIGHT].key);
        let cols = [
            sides[LEFT].key_columns.clone(),
            sides[RIGHT].key_columns.clone(),
        ];
        if cols.iter().all(|c| c.len() == lk.len() && !c.is_empty()) {
            // The key values straight from the columns: equal keys hash alike.
            Placement::Keyed(Box::new(move |r: &Rec| {
                let cols = match r.key.last() {
                    Some(1) => &cols[RIGHT],
                    _ => &cols[LEFT],
                };
                let mut buf = IndexKey::new();
                hash_values(key_of(cols, &r.row, &mut buf).unwrap_or(&[Value::Null]))
            }))
        } else {
            Placement::Keyed(Box::new(move |r: &Rec| {
                let keys = match r.key.last() {
                    Some(1) => &rk,
                    _ => &lk,
                };
                let ctx = EvalCtx::new(&r.row, r.time);
                let vals: SmallVec<[Value; 2]> = keys.iter().map(|k| k(&ctx)).collect();
                hash_values(vals.iter())
            }))
        }
    } else {
        Placement::Global
    };
    let logic = Logic {
        sides,
        on,
        filter,
        selectors,
        probe_expired,
        groups: Vec::new(),
        scratch: Scratch::default(),
        out: Vec::new(),
        rate,
        out_groups: Vec::new(),
        indexed,
        joined: empty_ev(),
        key: IndexKey::new(),
    };
    stateful(input, &name, op, tick_ms, placement, logic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::window::testing::{Recorder, TimerList};

    fn ev(id: u64, row: Vec<Value>) -> Ev {
        Ev {
            id,
            time: 1_000 + id as i64,
            key: crate::runtime::record::source_key(1, id),
            row: row.into_boxed_slice(),
        }
    }

    fn col(c: usize) -> KeyColumn {
        KeyColumn {
            col: c,
            widen: None,
        }
    }

    fn key(cols: &[KeyColumn], row: &[Value]) -> Option<Vec<Value>> {
        let mut buf = IndexKey::new();
        key_of(cols, row, &mut buf).map(<[Value]>::to_vec)
    }

    /// Ids and rows of the bucket of key `k`, oldest first.
    fn bucket(ix: &KeyIndex, k: &[Value]) -> Vec<(u64, Vec<Value>)> {
        let Some(b) = ix.get(k) else {
            return Vec::new();
        };
        let values: Vec<Value> = b.values.iter().cloned().collect();
        b.ids
            .iter()
            .zip(values.chunks(ix.arity))
            .map(|(&id, r)| (id, r.to_vec()))
            .collect()
    }

    #[test]
    fn keys_equal_for_sql_equality_and_none_for_null() {
        let c = [col(0)];
        // SQL `=` holds between 0.0 and -0.0; `Value` equality does not.
        assert_ne!(Value::Double(0.0), Value::Double(-0.0));
        assert_eq!(
            key(&c, &[Value::Double(-0.0)]),
            key(&c, &[Value::Double(0.0)])
        );
        assert_eq!(
            key(&c, &[Value::Float(-0.0)]),
            key(&c, &[Value::Float(0.0)])
        );
        assert_eq!(key(&c, &[Value::Null]), None);
        assert_eq!(
            key(&[col(0), col(1)], &[Value::str("a"), Value::Null]),
            None
        );
        assert_eq!(key(&[col(3)], &[Value::str("a")]), None);
        // An INT widened to FLOAT compares as the FLOAT it becomes.
        let widened = [KeyColumn {
            col: 0,
            widen: Some(DataType::Float),
        }];
        assert_eq!(
            key(&widened, &[Value::Int(16_777_217)]),
            Some(vec![Value::Float(16_777_216.0)])
        );
        assert_eq!(key(&c, &[Value::str("x")]), Some(vec![Value::str("x")]));
    }

    #[test]
    fn index_keeps_each_key_in_window_order_through_expiry() {
        let c = [col(0)];
        let mut ix = KeyIndex::fresh(2);
        let rows = [
            vec![Value::str("a"), Value::Long(0)],
            vec![Value::str("b"), Value::Long(1)],
            vec![Value::str("a"), Value::Long(2)],
            vec![Value::Null, Value::Long(3)],
            vec![Value::str("b"), Value::Long(4)],
            vec![Value::str("a"), Value::Long(5)],
        ];
        let evs: Vec<Ev> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| ev(i as u64, r.clone()))
            .collect();
        for e in &evs {
            ix.insert(&c, e);
        }
        let a = [Value::str("a")];
        let b = [Value::str("b")];
        let ids = |ix: &KeyIndex, k: &[Value]| -> Vec<u64> {
            bucket(ix, k).into_iter().map(|(id, _)| id).collect()
        };
        assert_eq!(ids(&ix, &a), vec![0, 2, 5]);
        assert_eq!(ids(&ix, &b), vec![1, 4]);
        assert_eq!(bucket(&ix, &a)[1].1, rows[2]);
        assert!(ix.get(&[Value::str("c")]).is_none());
        // Expiry oldest first, the NULL-keyed event included (it was never indexed).
        for (n, e) in evs.iter().take(4).enumerate() {
            ix.remove(&c, e);
            assert!(ix.valid, "removal {n}");
        }
        assert_eq!(ids(&ix, &a), vec![5]);
        assert_eq!(ids(&ix, &b), vec![4]);
        assert_eq!(bucket(&ix, &b)[0].1, rows[4]);
        // A removal out of window order cannot be mirrored: the index gives up.
        ix.remove(&c, &evs[5]);
        assert!(!ix.valid);
    }

    #[test]
    fn rebuilding_from_a_window_gives_the_incremental_index() {
        let c = [col(0)];
        let needs = WindowNeeds {
            expired: true,
            accumulate: false,
        };
        let Some(mut w) = Window::new(Some(&WindowKind::Length { n: 4 }), needs) else {
            panic!("length window");
        };
        let mut incremental = KeyIndex::fresh(2);
        let mut out = Recorder::default();
        let mut timers = TimerList::default();
        for i in 0..11u64 {
            let k = ["x", "y", "z"][(i * i % 3) as usize];
            let e = ev(i, vec![Value::str(k), Value::Long(i as i64)]);
            // What the join's sink does: the window's chunk updates the index.
            let expired = w_held_oldest(&w, 4);
            if let Some(old) = expired {
                incremental.remove(&c, &old);
            }
            incremental.insert(&c, &e);
            w.on_arrival(e, &mut timers, &mut out);
        }
        let mut rebuilt = KeyIndex::default();
        rebuilt.rebuild(&c, 2, &w);
        assert!(rebuilt.valid && incremental.valid);
        for k in ["x", "y", "z"] {
            let k = [Value::str(k)];
            assert_eq!(bucket(&rebuilt, &k), bucket(&incremental, &k));
        }
        let held: usize = ["x", "y", "z"]
            .iter()
            .map(|k| bucket(&rebuilt, &[Value::str(k)]).len())
            .sum();
        assert_eq!(held, 4);
    }

    /// The event a full `length(n)` window expires at its next arrival.
    fn w_held_oldest(w: &Window, n: usize) -> Option<Ev> {
        let mut held = Vec::new();
        w.for_each_held(&mut |e: &Ev| held.push(e.clone()));
        (held.len() >= n).then(|| held.swap_remove(0))
    }
}
