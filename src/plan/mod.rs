//! AST → typed logical plan. Owns the catalog (declared and implicit relations),
//! name resolution, types and promotion, constant folding, plan errors and the
//! EXPLAIN text. May import `syntax`, `expr`, `value` and `diagnostics`; never timely.
//!
//! Planning runs in two passes (LANGUAGE.md §1.1): pass 1 collects declared
//! relations, pass 2 plans queries in dependency order, creating implicit output
//! streams as their producers are planned; a query cycle is an error.

mod catalog;
pub mod cron;
pub mod explain;
mod options;
mod resolve;
pub mod table;
pub mod window;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Span};
use crate::expr::ir::ScalarExpr;
use crate::syntax::ast;
use crate::value::DataType;

pub use catalog::plan_app;
pub use resolve::AggCall;
pub use table::{Node, TableOp, TableOpKind, TablePlacement, TablePlan};
pub use window::WindowKind;

/// Index of a stream in [`Plan::streams`].
pub type StreamId = usize;

/// The planned application.
#[derive(Debug)]
pub struct Plan {
    pub streams: Vec<StreamInfo>,
    /// Queries in dependency order (producers before consumers).
    pub queries: Vec<QueryPlan>,
    /// Declared tables with the operations on them (§2.2, §2.10).
    pub tables: Vec<TablePlan>,
    pub warnings: Vec<Diagnostic>,
}

impl Plan {
    pub fn stream(&self, name: &str) -> Option<StreamId> {
        self.streams.iter().position(|s| s.name == name)
    }

    /// Filter pushdown for source stream `sid`: the OR of its consumers' WHERE clauses,
    /// when every consumer is a filtering stateless query and nothing else reads the
    /// stream. The source then drops records no consumer accepts before building rows;
    /// the queries still apply their own filters.
    pub fn source_prefilter(&self, sid: StreamId) -> Option<ScalarExpr> {
        if !self.streams.get(sid)?.sinks.is_empty() {
            return None;
        }
        let consumers: Vec<&QueryPlan> = self.queries.iter().filter(|q| q.input == sid).collect();
        // A join's WHERE filters joined rows, and a join side that keeps events needs
        // every one of them: nothing is pushed into its sources.
        let joined = self
            .queries
            .iter()
            .any(|q| q.join.as_ref().is_some_and(|j| j.reads(sid)));
        // A table operation needs every record of its stream too.
        if joined
            || self.table_reads(sid)
            || consumers.is_empty()
            || consumers
                .iter()
                .any(|q| q.filter.is_none() || q.kind == ast::EventKind::Expired)
        {
            return None;
        }
        let mut parts: Vec<ScalarExpr> =
            consumers.iter().filter_map(|q| q.filter.clone()).collect();
        Some(if parts.len() == 1 {
            parts.remove(0)
        } else {
            ScalarExpr::Or(parts)
        })
    }
}

/// Input and output bindings given outside the SQL (CLI flags, API calls).
#[derive(Clone, Debug, Default)]
pub struct Bindings {
    /// `--input S=PATH` (`-` = stdin).
    pub inputs: Vec<(String, String)>,
    /// `--output S=PATH` (`-` = stdout).
    pub outputs: Vec<(String, String)>,
    /// Streams the host API pushes into (never an error to leave them unfed).
    pub api_inputs: Vec<String>,
    /// Every binding is known (a run is being planned): a file source or sink without a
    /// path is an error. `false` when an app is checked on its own (`fluxtide check`,
    /// [`crate::App::from_sql`]), since `--input`/`--output` may still supply the path.
    pub complete: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SourceSpec {
    /// A file split into chunks; `path = "-"` reads standard input.
    File {
        path: String,
        format: Format,
        csv_delimiter: u8,
        json_fail_on_missing: bool,
    },
    /// Fed by the host through the library API.
    Api,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SinkSpec {
    /// JSON lines or CSV to a file; `path = "-"` writes standard output.
    File { path: String, format: Format },
    /// Rows delivered to the host through the library API.
    Api,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LatePolicy {
    Drop,
    /// `'late.events' = 'stream:Name'`: routed with an extra `lateBy LONG` attribute.
    Stream(StreamId),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ErrorStrategy {
    /// Log with file:line, count, skip (default; `'drop'`/`'skip'`/`'log'`).
    Skip,
    /// Stop the run with the record's error, exit 1.
    Fail,
    /// Route to the dead-letter stream (schema of LANGUAGE.md §2.1).
    Dlq(StreamId),
}

/// Time properties of a source stream (LANGUAGE.md §3.2, §3.5).
#[derive(Clone, Debug, PartialEq)]
pub struct TimeSpec {
    /// Column holding the event time; `None` means ingestion time.
    pub event_time: Option<usize>,
    pub watermark_delay_ms: i64,
    pub late: LatePolicy,
}

#[derive(Clone, Debug)]
pub struct StreamInfo {
    pub name: String,
    pub columns: Vec<(Arc<str>, DataType)>,
    /// 1-based position among declarations (implicit streams come after): the
    /// `source_rank` of ordering keys (§3.3).
    pub rank: u32,
    pub declared: bool,
    pub source: Option<SourceSpec>,
    pub sinks: Vec<SinkSpec>,
    pub time: TimeSpec,
    pub errors: ErrorStrategy,
    pub options: BTreeMap<String, String>,
    pub span: Span,
}

impl StreamInfo {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|(n, _)| n.as_ref() == name)
    }
    pub fn types(&self) -> Vec<DataType> {
        self.columns.iter().map(|(_, t)| *t).collect()
    }
    pub fn names(&self) -> Vec<Arc<str>> {
        self.columns.iter().map(|(n, _)| n.clone()).collect()
    }
}

/// A stateless continuous query: filter and projection from one stream into another.
#[derive(Clone, Debug)]
pub struct QueryPlan {
    /// Plan-stable operator id (1-based statement position); part of ordering keys.
    pub id: u32,
    pub name: String,
    pub input: StreamId,
    pub filter: Option<ScalarExpr>,
    /// The select list: over the input row for a stateless query, over the selector's
    /// extended row (input columns, then aggregate values) for a stateful one.
    pub project: Vec<ScalarExpr>,
    /// Window, aggregation and the rest of the selector; `None` when stateless.
    pub stateful: Option<StatefulPlan>,
    pub output: StreamId,
    /// Which event kinds reach the target (§2.4.6).
    pub kind: ast::EventKind,
    /// A stream–stream join (§2.8); `input` is then its left side's stream, `filter`
    /// is `None` (WHERE filters joined rows: [`JoinPlan::filter`]) and the selector
    /// works over the joined row (left attributes, then right attributes).
    pub join: Option<JoinPlan>,
    pub span: Span,
}

/// One input of a join.
#[derive(Clone, Debug)]
pub struct JoinSidePlan {
    pub stream: StreamId,
    /// The alias, else the stream name.
    pub qualifier: String,
    /// `None`: the side keeps nothing but can still trigger (§2.8 item 1).
    pub window: Option<WindowKind>,
    pub window_span: Option<Span>,
    /// Its events probe the other side (not when the other side is UNIDIRECTIONAL).
    pub triggers: bool,
    /// An outer join keeps this side's unmatched probes, NULL-padded.
    pub preserved: bool,
    pub arity: usize,
}

/// A stream–stream join (§2.8).
#[derive(Clone, Debug)]
pub struct JoinPlan {
    pub kind: ast::JoinKind,
    /// Left, then right.
    pub sides: [JoinSidePlan; 2],
    /// ON over the joined row; `None` is a cross join.
    pub on: Option<ScalarExpr>,
    /// WHERE over the joined row, applied before the selector (§2.8 item 6).
    pub filter: Option<ScalarExpr>,
    /// The equality conjuncts of ON that placement exchanges by: the left operand over
    /// the left row and the right operand over the right row. Empty when the join runs
    /// on one worker.
    pub keys: Vec<(ScalarExpr, ScalarExpr)>,
}

impl JoinPlan {
    pub fn reads(&self, sid: StreamId) -> bool {
        self.sides.iter().any(|s| s.stream == sid)
    }
}

/// The selector of a stateful query (LANGUAGE.md §2.4.3–2.4.8, §2.5).
#[derive(Clone, Debug)]
pub struct StatefulPlan {
    /// `None`: aggregation over the whole history.
    pub window: Option<WindowKind>,
    pub window_span: Option<Span>,
    /// Columns of the row the selector sees (the input's, or the joined row's); the
    /// extended row puts the aggregate values after them.
    pub input_arity: usize,
    pub aggregates: Vec<AggCall>,
    /// Group keys over the input row.
    pub group_by: Vec<ScalarExpr>,
    /// Over the extended row (aliases already inlined).
    pub having: Option<ScalarExpr>,
    /// Output column index and `desc`.
    pub order_by: Vec<(usize, bool)>,
    pub limit: Option<u64>,
    pub offset: u64,
    pub rate: Option<RatePlan>,
    pub placement: PlacementPlan,
}

/// Where a stateful query's records and state live (§3.8).
#[derive(Clone, Debug)]
pub enum PlacementPlan {
    /// Exchanged by the hash of these expressions over the input row.
    Keyed(Vec<ScalarExpr>),
    /// Exchanged by the hash of each record's ordering key (events never interact).
    ByRecord,
    /// On one worker, chosen by the query id.
    Global,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateMode {
    All,
    First,
    Last,
    Snapshot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateEvery {
    Events(u64),
    /// Milliseconds; ticks at multiples of it in event time.
    Time(i64),
}

/// `OUTPUT [ALL|FIRST|LAST|SNAPSHOT] EVERY …` (§2.4.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RatePlan {
    pub mode: RateMode,
    pub every: RateEvery,
}

/// Plans `app` with `bindings`; errors (and warnings) as diagnostics.
pub fn plan(app: &ast::App, bindings: &Bindings) -> Result<Plan, Vec<Diagnostic>> {
    plan_app(app, bindings)
}
