//! Windows (LANGUAGE.md §2.5): what a query's input looks like to its selector.
//!
//! A window turns arriving events and its own event-time timers into **chunks**
//! (§2.4.8): sequences of CURRENT, EXPIRED and RESET events that it pushes into a
//! [`ChunkSink`] (the selector). A chunk caused by an arrival is stamped with the
//! arrival's time; a chunk caused by a timer with the timer's time (§3.2). Batch
//! windows mark their boundary chunks as batch flushes.
//!
//! One window instance holds the state of one key group (§3.8): the query operator
//! ([`super::window_query`]) keeps an instance per key group it owns and routes each
//! timer back to the instance that set it. Events reach a window in `(time, key)`
//! order, with timers due at time τ delivered before events stamped τ (§3.3), so a
//! window never needs to reorder anything.
//!
//! Each window kind lives in its own file and implements [`WindowOp`]; the [`Window`]
//! enum dispatches without trait objects and serialises for checkpoints.

pub mod cron;
pub mod delay;
pub mod expression;
pub mod external_time;
pub mod external_time_batch;
pub mod frequent;
pub mod hop;
pub mod length;
pub mod length_batch;
pub mod lossy_frequent;
pub mod none;
pub mod session;
pub mod sort;
pub mod time;
pub mod time_batch;
pub mod time_length;
pub mod unique;

use serde::{Deserialize, Serialize};

use crate::plan::WindowKind;
use crate::runtime::record::OrdKey;
use crate::value::Row;

/// An event held by a window. `id` is its arrival number inside the key group: it
/// identifies the event to removal-capable aggregates (`first`, `last`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ev {
    pub id: u64,
    /// The event's own time (not the time of any chunk it appears in).
    pub time: i64,
    pub key: OrdKey,
    pub row: Row,
}

/// What caused a chunk; decides the ordering keys of the rows it produces (§3.3).
#[derive(Clone, Debug)]
pub enum Cause {
    /// An arriving event with this key: rows are its children.
    Arrival(OrdKey),
    /// A timer of the operator. `chunk` identifies the chunk among the operator's
    /// timer chunks at the same time (empty when there is one chunk per time, e.g. a
    /// batch boundary; a session's first event for a session close).
    Timer { chunk: OrdKey },
}

/// One chunk's header.
#[derive(Clone, Debug)]
pub struct Chunk {
    /// Emission time of every row of the chunk.
    pub time: i64,
    /// A batch flush (§2.4.8): with aggregates, one row per group.
    pub batch: bool,
    pub cause: Cause,
}

/// Receives chunks: `begin`, then events in chunk order, then `end`.
pub trait ChunkSink {
    fn begin(&mut self, chunk: Chunk);
    fn current(&mut self, ev: &Ev);
    /// A CURRENT event the window gives up (it keeps no copy): the sink may keep its
    /// row without cloning it.
    fn current_owned(&mut self, ev: Ev) {
        self.current(&ev);
    }
    /// Only when [`WindowNeeds::accumulate`]: folds an event of the open batch now, so
    /// that a later flush chunk `begin, reset, flush_accumulated, end` gives the rows
    /// of `begin, reset, current(each folded event), end`. Called outside any chunk.
    fn accumulate(&mut self, ev: Ev);
    /// Inside a flush chunk, after `reset`: the folded events, as CURRENT.
    fn flush_accumulated(&mut self);
    fn expired(&mut self, ev: &Ev);
    fn reset(&mut self);
    fn end(&mut self);
}

/// Event-time timers of the key group being processed. A timer fires once, at its
/// time, before the events stamped with that time; `tag` comes back with it.
pub trait Timers {
    fn set(&mut self, time: i64, tag: u64);
}

/// What the selector needs from a window beyond its kind.
#[derive(Clone, Copy, Debug)]
pub struct WindowNeeds {
    /// Some EXPIRED row is used (INSERT EXPIRED/ALL EVENTS, or aggregates that must
    /// see removals). When false, windows may skip emitting EXPIRED events whose
    /// only effect would be on rows nobody reads.
    pub expired: bool,
    /// The selector can fold CURRENT events of a batch as they arrive
    /// ([`ChunkSink::accumulate`]): its batch flushes want one row per group, no
    /// EXPIRED rows, no HAVING and no snapshot of the window contents. A batch window
    /// may then hold nothing and flush with [`ChunkSink::flush_accumulated`].
    pub accumulate: bool,
}

/// The behaviour of one window kind (per key group).
pub trait WindowOp {
    /// An event arrives (in `(time, key)` order).
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, out: &mut S);
    /// A timer set by this instance is due.
    fn on_timer<S: ChunkSink>(&mut self, time: i64, tag: u64, timers: &mut dyn Timers, out: &mut S);
    /// Calls `f` on every held event, oldest first (OUTPUT SNAPSHOT).
    fn for_each_held(&self, f: &mut dyn FnMut(&Ev));
    /// Calls `f` on every event the other side of a join finds here (§2.8), oldest
    /// first. For most windows that is what they hold. A batch window offers its last
    /// flushed batch (Siddhi's `find` over the batch it will expire next): those
    /// events have been emitted and stay "in the window" until their EXPIRED rows;
    /// the open batch has not been emitted yet. Needs [`WindowNeeds::expired`].
    fn for_each_joinable(&self, f: &mut dyn FnMut(&Ev)) {
        self.for_each_held(f);
    }
}

/// Emits a one-event arrival chunk `[CURRENT ev]`.
pub fn arrival_chunk<S: ChunkSink>(ev: &Ev, out: &mut S) {
    out.begin(Chunk {
        time: ev.time,
        batch: false,
        cause: Cause::Arrival(ev.key.clone()),
    });
    out.current(ev);
    out.end();
}

macro_rules! windows {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        /// Every window kind, dispatched by `match`.
        #[derive(Clone, Debug, Serialize, Deserialize)]
        pub enum Window {
            $($variant($ty)),*
        }

        impl WindowOp for Window {
            fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, timers: &mut dyn Timers, out: &mut S) {
                match self {
                    $(Window::$variant(w) => w.on_arrival(ev, timers, out)),*
                }
            }
            fn on_timer<S: ChunkSink>(&mut self, time: i64, tag: u64, timers: &mut dyn Timers, out: &mut S) {
                match self {
                    $(Window::$variant(w) => w.on_timer(time, tag, timers, out)),*
                }
            }
            fn for_each_held(&self, f: &mut dyn FnMut(&Ev)) {
                match self {
                    $(Window::$variant(w) => w.for_each_held(f)),*
                }
            }
            fn for_each_joinable(&self, f: &mut dyn FnMut(&Ev)) {
                match self {
                    $(Window::$variant(w) => w.for_each_joinable(f)),*
                }
            }
        }
    };
}

windows! {
    NoWindow(none::NoWindow),
    Length(length::LengthWindow),
    Time(time::TimeWindow),
    TimeBatch(time_batch::TimeBatchWindow),
    LengthBatch(length_batch::LengthBatchWindow),
    ExternalTime(external_time::ExternalTimeWindow),
    ExternalTimeBatch(external_time_batch::ExternalTimeBatchWindow),
    Hop(hop::HopWindow),
    Expression(expression::ExpressionWindow),
    ExpressionBatch(expression::ExpressionBatchWindow),
    Session(session::SessionWindow),
    Sort(sort::SortWindow),
    Unique(unique::UniqueWindow),
    FirstUnique(unique::FirstUniqueWindow),
    TimeLength(time_length::TimeLengthWindow),
    Delay(delay::DelayWindow),
    Cron(cron::CronWindow),
    Frequent(frequent::FrequentWindow),
    LossyFrequent(lossy_frequent::LossyFrequentWindow),
}

impl Window {
    /// A fresh window for one key group; `None` for a kind this build cannot run
    /// (the planner rejects those first).
    pub fn new(kind: Option<&WindowKind>, needs: WindowNeeds) -> Option<Window> {
        let Some(kind) = kind else {
            return Some(Window::NoWindow(none::NoWindow));
        };
        Some(match kind {
            WindowKind::Length { n } => Window::Length(length::LengthWindow::new(*n)),
            WindowKind::Time { t } => Window::Time(time::TimeWindow::new(*t, needs)),
            WindowKind::TimeBatch {
                t,
                start,
                stream_current,
            } => Window::TimeBatch(time_batch::TimeBatchWindow::new(
                *t,
                *start,
                *stream_current,
                needs,
            )),
            WindowKind::Session { gap, key, latency } => {
                Window::Session(session::SessionWindow::new(*gap, *key, *latency))
            }
            WindowKind::Sort { n, keys } => Window::Sort(sort::SortWindow::new(*n, keys.clone())),
            WindowKind::Unique { attr } => Window::Unique(unique::UniqueWindow::new(*attr)),
            WindowKind::FirstUnique { attr } => {
                Window::FirstUnique(unique::FirstUniqueWindow::new(*attr))
            }
            WindowKind::TimeLength { t, n } => {
                Window::TimeLength(time_length::TimeLengthWindow::new(*t, *n))
            }
            WindowKind::Delay { t } => Window::Delay(delay::DelayWindow::new(*t)),
            WindowKind::Cron { schedule } => {
                Window::Cron(cron::CronWindow::new(schedule.clone(), needs))
            }
            WindowKind::Frequent { n, attrs } => {
                Window::Frequent(frequent::FrequentWindow::new(*n, attrs.clone()))
            }
            WindowKind::LossyFrequent {
                support,
                error,
                attrs,
            } => Window::LossyFrequent(lossy_frequent::LossyFrequentWindow::new(
                *support,
                *error,
                attrs.clone(),
            )),
            WindowKind::LengthBatch { n, stream_current } => Window::LengthBatch(
                length_batch::LengthBatchWindow::new(*n, *stream_current, needs),
            ),
            WindowKind::ExternalTime { attr, t } => {
                Window::ExternalTime(external_time::ExternalTimeWindow::new(*attr, *t))
            }
            WindowKind::ExternalTimeBatch {
                attr,
                t,
                start,
                timeout,
                replace,
            } => Window::ExternalTimeBatch(external_time_batch::ExternalTimeBatchWindow::new(
                *attr, *t, *start, *timeout, *replace, needs,
            )),
            WindowKind::Hop { size, slide } => {
                Window::Hop(hop::HopWindow::new(*size, *slide, needs))
            }
            WindowKind::Expression { max } => {
                Window::Expression(expression::ExpressionWindow::new(*max))
            }
            WindowKind::ExpressionBatch {
                max,
                include_trigger,
                stream_current,
            } => Window::ExpressionBatch(expression::ExpressionBatchWindow::new(
                *max,
                *include_trigger,
                *stream_current,
                needs,
            )),
        })
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A recording sink and timer list for window unit tests.
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Item {
        Begin { time: i64, batch: bool },
        Current(u64),
        Expired(u64),
        Reset,
        End,
    }

    #[derive(Default)]
    pub struct Recorder {
        pub items: Vec<Item>,
        folded: Vec<u64>,
    }

    impl ChunkSink for Recorder {
        fn begin(&mut self, chunk: Chunk) {
            self.items.push(Item::Begin {
                time: chunk.time,
                batch: chunk.batch,
            });
        }
        fn current(&mut self, ev: &Ev) {
            self.items.push(Item::Current(ev.id));
        }
        fn expired(&mut self, ev: &Ev) {
            self.items.push(Item::Expired(ev.id));
        }
        fn reset(&mut self) {
            self.items.push(Item::Reset);
        }
        fn end(&mut self) {
            self.items.push(Item::End);
        }
        fn accumulate(&mut self, ev: Ev) {
            self.folded.push(ev.id);
        }
        fn flush_accumulated(&mut self) {
            for id in self.folded.drain(..) {
                self.items.push(Item::Current(id));
            }
        }
    }

    #[derive(Default)]
    pub struct TimerList {
        pub due: Vec<(i64, u64)>,
    }

    impl Timers for TimerList {
        fn set(&mut self, time: i64, tag: u64) {
            self.due.push((time, tag));
        }
    }

    impl TimerList {
        /// Removes and returns the earliest timer due at or before `t`.
        pub fn pop_due(&mut self, t: i64) -> Option<(i64, u64)> {
            let i = (0..self.due.len())
                .filter(|&i| self.due[i].0 <= t)
                .min_by_key(|&i| self.due[i])?;
            Some(self.due.remove(i))
        }
    }

    pub fn ev(id: u64, time: i64) -> Ev {
        Ev {
            id,
            time,
            key: crate::runtime::record::source_key(1, id),
            row: Vec::new().into_boxed_slice(),
        }
    }

    /// Feeds events (by time) and fires timers first at each time, then fires the
    /// rest (end of input); returns what the sink saw.
    pub fn drive<W: WindowOp>(w: &mut W, events: &[(u64, i64)]) -> Vec<Item> {
        let mut out = Recorder::default();
        let mut timers = TimerList::default();
        for &(id, t) in events {
            while let Some((tt, tag)) = timers.pop_due(t) {
                w.on_timer(tt, tag, &mut timers, &mut out);
            }
            w.on_arrival(ev(id, t), &mut timers, &mut out);
        }
        while let Some((tt, tag)) = timers.pop_due(i64::MAX) {
            w.on_timer(tt, tag, &mut timers, &mut out);
        }
        out.items
    }
}
