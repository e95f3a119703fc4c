//! A stateful query: WHERE, then a window, then the selector (§2.4, §2.5), on the
//! shared keyed mechanism of [`crate::runtime::keyed`].
//!
//! Semantics: WHERE filters before the window (Siddhi semantics, §2.4.1), on the
//! producing worker, so dropped events never cross an exchange. The remaining events
//! are routed by the query's placement (§3.8): by the hash of the grouping or window
//! key (keyed), by the hash of each record's ordering key (windows whose events never
//! interact), or to one worker (global). Each key group holds its own window and
//! selector state ([`KeyGroupState`], serialisable for checkpoints) and numbers its
//! events for the aggregates.
//!
//! Time: records are processed per exact time in `(time, key)` order, timers first
//! (§3.3); output rows are stamped with their chunk's time (§3.2).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use timely::dataflow::operators::vec::Filter;

use crate::expr::compile::{EvalCtx, PredFn, ValueFn};
use crate::plan::WindowKind;
use crate::runtime::keyed::{hash_values, stateful, Ctx, Placement, StatefulLogic, Timer};
use crate::runtime::record::Rec;

use super::selector::{Scratch, Selector, SelectorRun, SelectorState};
use super::window::{Ev, Timers, Window, WindowNeeds, WindowOp};
use super::RecStream;

/// Where the query's state lives, compiled.
pub enum QueryPlacement {
    /// By the values of these input columns (the common case: no evaluation).
    KeyedColumns(Vec<usize>),
    Keyed(Vec<ValueFn>),
    ByRecord,
    Global,
}

/// Everything one worker needs to run a stateful query.
pub struct WindowQueryConfig {
    pub name: String,
    pub filter: Option<PredFn>,
    pub window: Option<WindowKind>,
    pub selector: Selector,
    pub placement: QueryPlacement,
    pub tick_ms: u64,
}

/// The state of one key group.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeyGroupState {
    pub window: Window,
    pub selector: SelectorState,
    /// Arrival number of the next event (ids for `first`/`last`).
    pub next_id: u64,
}

struct Logic {
    selector: Selector,
    window: Option<WindowKind>,
    needs: WindowNeeds,
    groups: FxHashMap<u32, KeyGroupState>,
    scratch: Scratch,
    out: Vec<Rec>,
}

struct CtxTimers<'a, 'b>(&'a mut Ctx<'b>);

impl Timers for CtxTimers<'_, '_> {
    fn set(&mut self, time: i64, tag: u64) {
        self.0.set_timer(time, tag);
    }
}

impl Logic {
    fn state(&mut self, kg: u32) -> Option<&mut KeyGroupState> {
        if !self.groups.contains_key(&kg) {
            let window = Window::new(self.window.as_ref(), self.needs)?;
            self.groups.insert(
                kg,
                KeyGroupState {
                    window,
                    selector: SelectorState::default(),
                    next_id: 0,
                },
            );
        }
        self.groups.get_mut(&kg)
    }

    fn flush(&mut self, ctx: &mut Ctx) {
        for r in self.out.drain(..) {
            ctx.push(r);
        }
    }
}

impl StatefulLogic for Logic {
    fn on_record(&mut self, rec: Rec, ctx: &mut Ctx) {
        let kg = ctx.key_group();
        let Logic {
            selector,
            window,
            needs,
            groups,
            scratch,
            out,
        } = self;
        let st = match groups.entry(kg) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let Some(w) = Window::new(window.as_ref(), *needs) else {
                    return;
                };
                e.insert(KeyGroupState {
                    window: w,
                    selector: SelectorState::default(),
                    next_id: 0,
                })
            }
        };
        let ev = Ev {
            id: st.next_id,
            time: rec.time,
            key: rec.key,
            row: rec.row,
        };
        st.next_id += 1;
        let mut run = SelectorRun {
            sel: selector,
            state: &mut st.selector,
            scratch,
            out,
        };
        st.window.on_arrival(ev, &mut CtxTimers(ctx), &mut run);
        self.flush(ctx);
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        if self.state(timer.key_group).is_none() {
            return;
        }
        let Logic {
            selector,
            groups,
            scratch,
            out,
            ..
        } = self;
        let Some(st) = groups.get_mut(&timer.key_group) else {
            return;
        };
        let mut run = SelectorRun {
            sel: selector,
            state: &mut st.selector,
            scratch,
            out,
        };
        st.window
            .on_timer(timer.time, timer.tag, &mut CtxTimers(ctx), &mut run);
        self.flush(ctx);
    }
}

/// Builds the query on `input`; returns its output rows.
pub fn window_query<'s>(input: RecStream<'s>, op: u32, cfg: WindowQueryConfig) -> RecStream<'s> {
    let input = match cfg.filter {
        Some(f) => input.filter(move |r: &Rec| f(&EvalCtx::new(&r.row, r.time))),
        None => input,
    };
    let placement = match cfg.placement {
        QueryPlacement::Global => Placement::Global,
        QueryPlacement::ByRecord => Placement::Keyed(Box::new(|r: &Rec| {
            let mut h = rustc_hash::FxHasher::default();
            std::hash::Hash::hash(&r.key[..], &mut h);
            std::hash::Hasher::finish(&h)
        })),
        QueryPlacement::KeyedColumns(cols) => Placement::Keyed(Box::new(move |r: &Rec| {
            hash_values(cols.iter().filter_map(|&c| r.row.get(c)))
        })),
        QueryPlacement::Keyed(exprs) => Placement::Keyed(Box::new(move |r: &Rec| {
            let ctx = EvalCtx::new(&r.row, r.time);
            let mut h = rustc_hash::FxHasher::default();
            for e in &exprs {
                std::hash::Hash::hash(&e(&ctx), &mut h);
            }
            std::hash::Hasher::finish(&h)
        })),
    };
    let needs = WindowNeeds {
        expired: cfg.selector.wants_expired,
    };
    let logic = Logic {
        selector: cfg.selector,
        window: cfg.window,
        needs,
        groups: FxHashMap::default(),
        scratch: Scratch::default(),
        out: Vec::new(),
    };
    stateful(input, &cfg.name, op, cfg.tick_ms, placement, logic)
}
