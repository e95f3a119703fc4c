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
//! and each side's arrival counter. The keyed wake-up timers are kept by the keyed
//! mechanism, as for [`super::window_query`].
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
//! The probe scans the other window's contents in the key group (a nested loop): with
//! keyed placement a key group holds only its own keys' events. An index by the
//! equality key is future work.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use timely::dataflow::operators::vec::Map;
use timely::dataflow::operators::Concatenate;

use crate::expr::compile::{EvalCtx, PredFn, ValueFn};
use crate::plan::{RateMode, RatePlan, WindowKind};
use crate::runtime::keyed::{hash_values, stateful, Ctx, Placement, StatefulLogic, Timer};
use crate::runtime::record::{OrdKey, Rec};
use crate::value::{Row, Value};

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

/// The state of one key group.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JoinGroupState {
    /// Left, then right.
    pub windows: [Window; 2],
    /// Arrival number of each side's next event (ids for `first`/`last`).
    pub next_id: [u64; 2],
    pub selector: SelectorState,
    /// The windows' pending timers: `(time, side, creation order) → tag`.
    pub timers: BTreeMap<(i64, u8, u64), u64>,
    pub timer_seq: u64,
    /// Times of the pending wake-ups in the keyed mechanism.
    pub wakeups: BTreeSet<i64>,
    pub rate: RateState,
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
}

/// Receives one side's window chunks; probes the other side and feeds the selector.
struct ProbeSink<'a, 'r> {
    env: &'a ProbeEnv<'a>,
    other: &'a Window,
    run: SelectorRun<'r>,
    /// Joined row being built (reused).
    buf: Vec<Value>,
}

impl ProbeSink<'_, '_> {
    fn probe(&mut self, ev: &Ev, expired: bool) {
        let ProbeSink {
            env,
            other,
            run,
            buf,
        } = self;
        let side = env.side;
        let mut matched = false;
        let mut index = 0u64;
        let mut emit = |row: &[Value], other_id: Option<u64>, run: &mut SelectorRun| {
            if let Some(w) = env.filter {
                if !w(&EvalCtx::new(row, ev.time)) {
                    return;
                }
            }
            let (l, r) = match side {
                LEFT => (Some(ev.id), other_id),
                _ => (other_id, Some(ev.id)),
            };
            // Removal-capable aggregates identify a row by the pair of events in it.
            let id = (l.unwrap_or(u64::from(u32::MAX)) << 32)
                | (r.unwrap_or(u64::from(u32::MAX)) & 0xFFFF_FFFF);
            let mut key: OrdKey = ev.key.clone();
            key.push(index);
            index += 1;
            let joined = Ev {
                id,
                time: ev.time,
                key,
                row: Row::from(row),
            };
            if expired {
                run.expired(&joined);
            } else {
                run.current(&joined);
            }
        };
        other.for_each_joinable(&mut |o: &Ev| {
            buf.clear();
            if side == LEFT {
                buf.extend_from_slice(&ev.row);
                buf.extend_from_slice(&o.row);
            } else {
                buf.extend_from_slice(&o.row);
                buf.extend_from_slice(&ev.row);
            }
            if let Some(on) = env.on {
                if !on(&EvalCtx::new(buf, ev.time)) {
                    return;
                }
            }
            matched = true;
            emit(buf, Some(o.id), run);
        });
        if !matched && env.preserved {
            buf.clear();
            let pad = env.arities[1 - side];
            if side == LEFT {
                buf.extend_from_slice(&ev.row);
                buf.extend(std::iter::repeat_n(Value::Null, pad));
            } else {
                buf.extend(std::iter::repeat_n(Value::Null, pad));
                buf.extend_from_slice(&ev.row);
            }
            emit(buf, None, run);
        }
    }
}

impl ChunkSink for ProbeSink<'_, '_> {
    fn begin(&mut self, chunk: Chunk) {
        if self.env.triggers {
            self.run.begin(chunk);
        }
    }
    fn current(&mut self, ev: &Ev) {
        if self.env.triggers {
            self.probe(ev, false);
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
    }
    fn reset(&mut self) {
        if self.env.triggers {
            self.run.reset();
        }
    }
    fn end(&mut self) {
        if self.env.triggers {
            self.run.end();
        }
    }
}

/// A side window's timers: kept in the key group's state, woken by the keyed mechanism.
struct SideTimers<'a, 'b> {
    side: u8,
    timers: &'a mut BTreeMap<(i64, u8, u64), u64>,
    seq: &'a mut u64,
    wakeups: &'a mut BTreeSet<i64>,
    ctx: &'a mut Ctx<'b>,
}

impl Timers for SideTimers<'_, '_> {
    fn set(&mut self, time: i64, tag: u64) {
        self.timers.insert((time, self.side, *self.seq), tag);
        *self.seq += 1;
        if self.wakeups.insert(time) {
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
    groups: FxHashMap<u32, JoinGroupState>,
    scratch: Scratch,
    out: Vec<Rec>,
    rate: Option<RateLimit>,
    out_groups: Vec<Box<[Value]>>,
    buf: Vec<Value>,
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
            timers: BTreeMap::new(),
            timer_seq: 0,
            wakeups: BTreeSet::new(),
            rate: RateState::default(),
        })
    }

    /// Runs `f` on side `side`'s window with a probing sink and the side's timers.
    fn with_side(
        &mut self,
        kg: u32,
        side: usize,
        ctx: &mut Ctx,
        f: impl FnOnce(&mut Window, &mut SideTimers, &mut ProbeSink),
    ) {
        if !self.groups.contains_key(&kg) {
            let Some(st) = self.fresh() else { return };
            self.groups.insert(kg, st);
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
            buf,
        } = self;
        let Some(st) = groups.get_mut(&kg) else {
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
        };
        let JoinGroupState {
            windows,
            selector,
            timers,
            timer_seq,
            wakeups,
            rate: rate_state,
            ..
        } = st;
        let [left, right] = windows;
        let (mine, other) = if side == LEFT {
            (left, &*right)
        } else {
            (right, &*left)
        };
        let mut sink = ProbeSink {
            env: &env,
            other,
            run: SelectorRun {
                sel: &selectors[side],
                state: selector,
                scratch,
                out,
                groups: rate.is_some().then_some(&mut *out_groups),
            },
            buf: std::mem::take(buf),
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
        *buf = std::mem::take(&mut sink.buf);
        drop(sink);
        pass_on(rate.as_ref(), rate_state, out, out_groups, ctx);
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
        let id = match self.groups.get_mut(&kg) {
            Some(st) => {
                let id = st.next_id[side];
                st.next_id[side] += 1;
                id
            }
            None => {
                let Some(mut st) = self.fresh() else { return };
                st.next_id[side] = 1;
                self.groups.insert(kg, st);
                0
            }
        };
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
            if let Some(st) = self.groups.get_mut(&kg) {
                limit.on_arrival(&mut st.rate, time, &mut CtxTimers(ctx));
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        let kg = timer.key_group;
        match (self.rate.as_ref(), timer.tag) {
            (Some(limit), TICK_TAG) => {
                if let Some(st) = self.groups.get_mut(&kg) {
                    limit.on_tick(&mut st.rate, timer.time, None, &mut CtxTimers(ctx));
                }
            }
            (Some(limit), END_TAG) => {
                if let Some(st) = self.groups.get_mut(&kg) {
                    limit.on_end(&mut st.rate, timer.time, &mut CtxTimers(ctx));
                }
            }
            _ => {
                // Every window timer due by now: left side first at equal times, each
                // side's in creation order; timers set meanwhile for this time too.
                loop {
                    let Some(st) = self.groups.get_mut(&kg) else {
                        return;
                    };
                    let due = st
                        .timers
                        .first_key_value()
                        .filter(|((t, _, _), _)| *t <= timer.time)
                        .map(|(k, tag)| (*k, *tag));
                    let Some(((time, side, seq), tag)) = due else {
                        st.wakeups.remove(&timer.time);
                        return;
                    };
                    st.timers.remove(&(time, side, seq));
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
    let placement = if keyed {
        let lk = std::mem::take(&mut sides[LEFT].key);
        let rk = std::mem::take(&mut sides[RIGHT].key);
        Placement::Keyed(Box::new(move |r: &Rec| {
            let keys = match r.key.last() {
                Some(1) => &rk,
                _ => &lk,
            };
            let ctx = EvalCtx::new(&r.row, r.time);
            let vals: smallvec::SmallVec<[Value; 2]> = keys.iter().map(|k| k(&ctx)).collect();
            hash_values(vals.iter())
        }))
    } else {
        Placement::Global
    };
    let logic = Logic {
        sides,
        on,
        filter,
        selectors,
        probe_expired,
        groups: FxHashMap::default(),
        scratch: Scratch::default(),
        out: Vec::new(),
        rate,
        out_groups: Vec::new(),
        buf: Vec::new(),
    };
    stateful(input, &name, op, tick_ms, placement, logic)
}
