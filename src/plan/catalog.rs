//! The two planning passes: declared relations first, then queries in dependency
//! order with implicit output streams (LANGUAGE.md §1.1, §2.4).

// A plan error is built once per failed plan, never on a hot path: a large
// `Err(Diagnostic)` costs nothing that matters, and boxing it would obscure every `?`.
#![allow(clippy::result_large_err)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostics::{did_you_mean, Diagnostic, Span};
use crate::expr::ir::{CmpOp, ScalarExpr};
use crate::syntax::ast::{self, EventKind, From, SelectItem, SelectList, StatementKind};
use crate::value::DataType;

use super::options::{parse_bool_text, parse_duration_text, Options};
use super::resolve::{
    default_name, resolve, resolve_bool, AggCollector, Clause, JoinScope, JoinSide, Scope,
};
use super::table::{cycle_through_table, upsert_query, TablePlan};
use super::window::{plan_window, Partitioning, WindowKind};
use super::{
    Bindings, ErrorStrategy, Format, JoinPlan, JoinSidePlan, LatePolicy, PlacementPlan, Plan,
    QueryPlan, RateEvery, RateMode, RatePlan, SinkSpec, SourceSpec, StatefulPlan, StreamId,
    StreamInfo, TimeSpec,
};

/// Schema of dead-letter streams (LANGUAGE.md §2.1).
pub const DLQ_SCHEMA: &[(&str, DataType)] = &[
    ("originalEvent", DataType::String),
    ("errorMessage", DataType::String),
    ("errorType", DataType::String),
    ("timestamp", DataType::Long),
    ("attemptCount", DataType::Int),
    ("streamName", DataType::String),
];

pub(super) fn not_yet(what: &str, span: Span, help: &str) -> Diagnostic {
    Diagnostic::error("E0900", format!("{what} is not supported yet"))
        .at(span)
        .label("parsed, but this engine cannot run it yet")
        .help(help)
}

pub(super) struct Planner<'a> {
    pub(super) bindings: &'a Bindings,
    pub(super) streams: Vec<StreamInfo>,
    /// Streams named by a relation-like statement we cannot run yet (to avoid
    /// reporting "unknown stream" on top of "not supported").
    pub(super) shadow_names: Vec<String>,
    pub(super) errors: Vec<Diagnostic>,
    pub(super) warnings: Vec<Diagnostic>,
    /// Declared tables (§2.2) and what acts on them.
    pub(super) tables: Vec<TablePlan>,
    /// Names of every CREATE TABLE of the app, known before pass 1 so that a query
    /// written before its table's declaration is still recognised as using a table.
    pub(super) table_names: Vec<String>,
}

/// A join input as `plan_join` sees it: its stream, qualifier and attributes.
type JoinInput<'c> = (StreamId, String, &'c [(Arc<str>, DataType)]);

pub(super) struct PendingQuery<'a> {
    pub(super) id: u32,
    pub(super) q: &'a ast::Query,
    pub(super) input: &'a ast::Ident,
    /// A join's right side.
    pub(super) right: Option<&'a ast::Ident>,
    pub(super) target: String,
    pub(super) target_span: Span,
    /// The SELECT part of an UPSERT into this table (index into the tables).
    pub(super) upsert_of: Option<usize>,
}

pub fn plan_app(app: &ast::App, bindings: &Bindings) -> Result<Plan, Vec<Diagnostic>> {
    // An UPSERT's SELECT is planned as a query into a hidden stream of the table's
    // schema; these are those queries (they must outlive the pending list).
    let upsert_queries: Vec<(u32, &ast::UpsertStmt, ast::Query)> = app
        .statements
        .iter()
        .enumerate()
        .filter_map(|(i, st)| match &st.kind {
            StatementKind::Upsert(u) => {
                Some((i as u32 + 1, u, upsert_query(i as u32 + 1, u, st.span)))
            }
            _ => None,
        })
        .collect();
    let mut p = Planner {
        bindings,
        streams: Vec::new(),
        shadow_names: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        tables: Vec::new(),
        table_names: app
            .statements
            .iter()
            .filter_map(|st| match &st.kind {
                StatementKind::CreateTable(t) => Some(t.name.name.clone()),
                _ => None,
            })
            .collect(),
    };
    if app.statements.is_empty() {
        return Err(vec![Diagnostic::error(
            "E0004",
            "the application has no statements",
        )
        .help("declare a stream and write a query")]);
    }
    // Pass 1: declarations.
    let mut pending = Vec::new();
    let mut stream_opts = Vec::new();
    for (i, st) in app.statements.iter().enumerate() {
        let id = i as u32 + 1;
        match &st.kind {
            StatementKind::CreateStream(cs) => {
                if let Some(opts) = p.declare_stream(cs) {
                    stream_opts.push((p.streams.len() - 1, opts));
                }
            }
            StatementKind::Query(q) => match p.query_shape(id, q) {
                Ok(Some(pq)) => pending.push(pq),
                Ok(None) => {}
                Err(d) => p.errors.push(d),
            },
            StatementKind::CreateTable(t) => p.declare_table(id, t),
            StatementKind::CreateTrigger(t) => {
                p.shadow_names.push(t.name.name.clone());
                p.errors.push(not_yet(
                    "CREATE TRIGGER",
                    st.span,
                    "triggers arrive with the partitions-and-triggers work",
                ))
            }
            StatementKind::CreateAggregation(a) => {
                p.shadow_names.push(a.name.name.clone());
                p.errors.push(not_yet(
                    "CREATE AGGREGATION",
                    st.span,
                    "incremental aggregation is planned",
                ))
            }
            StatementKind::CreateWindow(w) => {
                p.shadow_names.push(w.name.name.clone());
                p.errors.push(not_yet(
                    "CREATE WINDOW",
                    st.span,
                    "named windows are planned",
                ))
            }
            // Planned once every query is (their source may be any stream).
            StatementKind::Update(_) | StatementKind::Delete(_) | StatementKind::Upsert(_) => {}
            StatementKind::Partition(_) => {
                p.errors
                    .push(not_yet("PARTITION", st.span, "partitions are planned"))
            }
        }
    }
    for (sid, opts) in stream_opts {
        if let Err(d) = p.stream_options(sid, &opts) {
            p.errors.push(d);
        }
    }
    p.apply_bindings();
    for (id, u, q) in &upsert_queries {
        if let Some(pq) = p.upsert_shape(*id, u, q) {
            pending.push(pq);
        }
    }
    // Pass 2: queries in dependency order.
    let order = p.order_queries(&pending);
    let mut queries = Vec::new();
    for idx in order {
        match p.plan_query(&pending[idx]) {
            Ok(qp) => queries.push(qp),
            Err(d) => {
                let d = match pending[idx].upsert_of {
                    Some(t) => p.upsert_error(t, d),
                    None => d,
                };
                p.errors.push(d)
            }
        }
    }
    // Table statements, then each table's placement.
    for (i, st) in app.statements.iter().enumerate() {
        let id = i as u32 + 1;
        let r = match &st.kind {
            StatementKind::Update(u) => p.plan_update(id, u),
            StatementKind::Delete(d) => p.plan_delete(id, d),
            _ => Ok(()),
        };
        if let Err(d) = r {
            p.errors.push(d);
        }
    }
    for (id, u, q) in &upsert_queries {
        if let Err(d) = p.plan_upsert_on(*id, u, q) {
            p.errors.push(d);
        }
    }
    for t in &mut p.tables {
        t.sort_ops();
        t.decide_placement();
    }
    p.bind_outputs();
    let plan = Plan {
        streams: p.streams,
        queries,
        tables: p.tables,
        warnings: p.warnings,
    };
    if p.errors.is_empty() {
        let (_, stuck) = plan.build_order();
        if let Some(node) = stuck.first() {
            return Err(vec![cycle_through_table(&plan, *node)]);
        }
    }
    if p.errors.is_empty() {
        Ok(plan)
    } else {
        let mut all = p.errors;
        all.extend(plan.warnings);
        Err(all)
    }
}

impl<'a> Planner<'a> {
    pub(super) fn find(&self, name: &str) -> Option<StreamId> {
        self.streams.iter().position(|s| s.name == name)
    }

    pub(super) fn unknown_stream(&self, ident: &ast::Ident, extra: &[String]) -> Diagnostic {
        let mut d = Diagnostic::error("E0101", format!("unknown stream `{}`", ident.name))
            .at(ident.span)
            .label("not declared and not produced by any query");
        let names: Vec<&str> = self
            .streams
            .iter()
            .map(|s| s.name.as_str())
            .chain(extra.iter().map(String::as_str))
            .collect();
        d = match did_you_mean(&ident.name, names.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("declare it with CREATE STREAM before use"),
        };
        d
    }

    fn declare_stream(&mut self, cs: &'a ast::CreateStream) -> Option<Options> {
        if self.find(&cs.name.name).is_some() || self.shadow_names.contains(&cs.name.name) {
            let mut d = Diagnostic::error("E0501", format!("`{}` is defined twice", cs.name.name))
                .at(cs.name.span)
                .label("second definition")
                .help("rename one of them");
            if let Some(first) = self.find(&cs.name.name) {
                d = d.with_secondary(self.streams[first].span, "first defined here");
            }
            self.errors.push(d);
            return None;
        }
        let mut columns: Vec<(Arc<str>, DataType)> = Vec::new();
        for (i, c) in cs.columns.iter().enumerate() {
            if let Some(first) = cs.columns[..i].iter().find(|f| f.name.name == c.name.name) {
                self.errors.push(
                    Diagnostic::error(
                        "E0506",
                        format!("attribute `{}` is declared twice", c.name.name),
                    )
                    .at(c.name.span)
                    .with_secondary(first.name.span, "first declared here")
                    .help("attribute names of a stream must be unique; rename one of them"),
                );
                continue;
            }
            if c.primary_key {
                self.errors.push(
                    Diagnostic::error("E0507", "PRIMARY KEY is only valid in CREATE TABLE")
                        .at(c.span),
                );
            }
            if c.ty.lossy_decimal {
                self.warnings.push(
                    Diagnostic::warning(
                        "W0003",
                        format!("`{}` is DECIMAL/NUMERIC, stored as DOUBLE", c.name.name),
                    )
                    .at(c.ty.span)
                    .help("DOUBLE is binary floating point: decimal fractions may round"),
                );
            }
            columns.push((Arc::from(c.name.name.as_str()), c.ty.ty));
        }
        let opts = match Options::from_ast(&cs.with) {
            Ok(o) => o,
            Err(d) => {
                self.errors.push(d);
                return None;
            }
        };
        let rank = self.streams.len() as u32 + 1;
        self.streams.push(StreamInfo {
            name: cs.name.name.clone(),
            columns,
            rank,
            declared: true,
            source: None,
            sinks: Vec::new(),
            time: TimeSpec {
                event_time: None,
                watermark_delay_ms: 0,
                late: LatePolicy::Drop,
            },
            errors: ErrorStrategy::Skip,
            options: opts.map.clone(),
            span: cs.name.span,
        });
        Some(opts)
    }

    /// Validates a stream's WITH clause and fills its role, time and error handling.
    fn stream_options(&mut self, sid: StreamId, o: &Options) -> Result<(), Diagnostic> {
        let ty = o.get("type").map(str::to_ascii_lowercase);
        let ext = o.get("extension").map(str::to_ascii_lowercase);
        if matches!(ty.as_deref(), Some("source") | Some("sink")) && ext.is_none() {
            return Err(Diagnostic::error(
                "E0604",
                format!(
                    "a {} stream needs an 'extension'",
                    ty.as_deref().unwrap_or("")
                ),
            )
            .at(o.key_span("type"))
            .help("add 'extension' = 'file' (the connector that reads or writes it)"));
        }
        o.check_keys(ext.as_deref())?;
        match ty.as_deref() {
            None | Some("internal") => {
                if o.get("format").is_some() {
                    return Err(Diagnostic::error(
                        "E0604",
                        "an internal stream cannot specify 'format'",
                    )
                    .at(o.key_span("format"))
                    .help("add 'type' = 'source' or 'sink' with an 'extension'"));
                }
                if ty.is_some() && ext.is_some() {
                    return Err(Diagnostic::error(
                        "E0604",
                        "an internal stream cannot specify 'extension'",
                    )
                    .at(o.key_span("extension"))
                    .help("remove 'extension', or set 'type' to 'source' or 'sink'"));
                }
            }
            Some("source") | Some("sink") => {
                let Some(ext) = ext.as_deref() else {
                    unreachable!("checked above")
                };
                let format = match o.get("format").map(str::to_ascii_lowercase).as_deref() {
                    None => None,
                    Some("json") => Some(Format::Json),
                    Some("csv") => Some(Format::Csv),
                    Some(f) => {
                        return Err(o.bad_value(
                            "format",
                            format!("format `{f}` is not supported"),
                            "use 'json' or 'csv'",
                        ))
                    }
                };
                let path = o.get("file.path").map(str::to_string);
                let source = ty.as_deref() == Some("source");
                match (source, ext) {
                    (true, "file") | (false, "file") => {
                        // `--input`/`--output` may supply it; checked after bindings.
                        let path = path.unwrap_or_default();
                        let format = format.unwrap_or(if path.ends_with(".csv") {
                            Format::Csv
                        } else {
                            Format::Json
                        });
                        if source {
                            let delim = match o.get("csv.delimiter") {
                                None => b',',
                                Some(d) if d.len() == 1 => d.as_bytes()[0],
                                Some("\\t") => b'\t',
                                Some(_) => {
                                    return Err(o.bad_value(
                                        "csv.delimiter",
                                        "'csv.delimiter' must be one character",
                                        "e.g. ';'",
                                    ))
                                }
                            };
                            let fail = match o.get("json.fail.on.missing.field") {
                                None => false,
                                Some(v) => parse_bool_text(v).ok_or_else(|| {
                                    o.bad_value(
                                        "json.fail.on.missing.field",
                                        "expected 'true' or 'false'",
                                        "a missing attribute is NULL unless this is 'true'",
                                    )
                                })?,
                            };
                            self.streams[sid].source = Some(SourceSpec::File {
                                path,
                                format,
                                csv_delimiter: delim,
                                json_fail_on_missing: fail,
                            });
                        } else {
                            self.streams[sid]
                                .sinks
                                .push(SinkSpec::File { path, format });
                        }
                    }
                    (false, "log") | (false, "stdout") => {
                        self.streams[sid].sinks.push(SinkSpec::File {
                            path: "-".into(),
                            format: format.unwrap_or(Format::Json),
                        })
                    }
                    (_, other) => {
                        return Err(Diagnostic::error(
                            "E0900",
                            format!("the `{other}` connector is not supported yet"),
                        )
                        .at(o.value_span("extension"))
                        .help(if source {
                            "supported sources: 'file' (or --input)"
                        } else {
                            "supported sinks: 'file', 'log'"
                        }))
                    }
                }
            }
            Some(other) => {
                let mut d = Diagnostic::error("E0602", format!("unknown stream type `{other}`"))
                    .at(o.value_span("type"));
                d = match did_you_mean(other, ["source", "sink", "internal"]) {
                    Some(s) => d.help(format!("did you mean '{s}'?")),
                    None => d.help("use 'source', 'sink' or 'internal'"),
                };
                return Err(d);
            }
        }
        // Time (§3.2, §3.5).
        if let Some(attr) = o.get("event.time") {
            let s = &self.streams[sid];
            let Some(col) = s.column(attr) else {
                let names = s.columns.iter().map(|(n, _)| n.as_ref());
                let mut d = Diagnostic::error(
                    "E0605",
                    format!(
                        "'event.time' names `{attr}`, which is not an attribute of `{}`",
                        s.name
                    ),
                )
                .at(o.value_span("event.time"));
                if let Some(x) = did_you_mean(attr, names) {
                    d = d.help(format!("did you mean '{x}'?"));
                }
                return Err(d);
            };
            if !s.columns[col].1.is_integral() {
                return Err(Diagnostic::error(
                    "E0605",
                    format!(
                        "'event.time' attribute `{attr}` must be LONG (epoch ms), found {}",
                        s.columns[col].1
                    ),
                )
                .at(o.value_span("event.time"))
                .help("declare it BIGINT/LONG or TIMESTAMP"));
            }
            self.streams[sid].time.event_time = Some(col);
        }
        if let Some(d) = o.get("watermark.delay") {
            let ms = parse_duration_text(d).map_err(|m| {
                o.bad_value(
                    "watermark.delay",
                    format!("bad 'watermark.delay': {m}"),
                    "e.g. '2 SECONDS' or '500' (ms)",
                )
            })?;
            self.streams[sid].time.watermark_delay_ms = ms;
        }
        if o.get("watermark.idle").is_some() {
            return Err(not_yet(
                "'watermark.idle'",
                o.key_span("watermark.idle"),
                "idle timeouts apply to unbounded sources (Kafka, HTTP)",
            ));
        }
        if let Some(l) = o.get("late.events") {
            let lower = l.to_ascii_lowercase();
            if lower == "drop" {
                self.streams[sid].time.late = LatePolicy::Drop;
            } else if let Some(name) = l
                .strip_prefix("stream:")
                .or_else(|| l.strip_prefix("STREAM:"))
            {
                let target = self.find(name.trim()).ok_or_else(|| {
                    o.bad_value(
                        "late.events",
                        format!("late-event stream `{}` is not declared", name.trim()),
                        "declare it with the source's attributes plus `lateBy LONG`",
                    )
                })?;
                let mut want: Vec<(Arc<str>, DataType)> = self.streams[sid].columns.clone();
                want.push((Arc::from("lateBy"), DataType::Long));
                if self.streams[target].types() != want.iter().map(|c| c.1).collect::<Vec<_>>() {
                    return Err(o.bad_value(
                        "late.events",
                        format!("late-event stream `{}` must have the attributes of `{}` plus `lateBy LONG`", name.trim(), self.streams[sid].name),
                        format!("declare: ({})", want.iter().map(|(n, t)| format!("{n} {t}")).collect::<Vec<_>>().join(", ")),
                    ));
                }
                self.streams[sid].time.late = LatePolicy::Stream(target);
            } else {
                return Err(o.bad_value(
                    "late.events",
                    format!("bad 'late.events' value `{l}`"),
                    "use 'drop' or 'stream:<Name>'",
                ));
            }
        }
        if let Some(s) = o.get("error.strategy") {
            self.streams[sid].errors = match s.to_ascii_lowercase().as_str() {
                "drop" | "skip" | "log" => ErrorStrategy::Skip,
                "fail" => ErrorStrategy::Fail,
                "dlq" => {
                    let name = o.get("error.dlq.stream").ok_or_else(|| {
                        Diagnostic::error("E0606", "'error.strategy' = 'dlq' needs 'error.dlq.stream'")
                            .at(o.value_span("error.strategy"))
                            .help("add 'error.dlq.stream' = 'Name', a stream declared (originalEvent STRING, errorMessage STRING, errorType STRING, timestamp BIGINT, attemptCount INT, streamName STRING)")
                    })?;
                    let target = self.find(name).ok_or_else(|| {
                        o.bad_value(
                            "error.dlq.stream",
                            format!("dead-letter stream `{name}` is not declared"),
                            "declare it before use",
                        )
                    })?;
                    let types: Vec<DataType> = DLQ_SCHEMA.iter().map(|c| c.1).collect();
                    if self.streams[target].types() != types {
                        return Err(o.bad_value(
                            "error.dlq.stream",
                            format!("dead-letter stream `{name}` has the wrong attributes"),
                            "declare it (originalEvent STRING, errorMessage STRING, errorType STRING, timestamp BIGINT, attemptCount INT, streamName STRING)",
                        ));
                    }
                    ErrorStrategy::Dlq(target)
                }
                "retry" => {
                    return Err(o.bad_value(
                        "error.strategy",
                        "'retry' does not apply to file sources",
                        "use 'drop', 'fail' or 'dlq'",
                    ))
                }
                other => {
                    return Err(o.bad_value(
                        "error.strategy",
                        format!("unknown error strategy `{other}`"),
                        "use 'drop', 'fail' or 'dlq'",
                    ))
                }
            };
        }
        Ok(())
    }

    fn apply_bindings(&mut self) {
        for (name, path) in &self.bindings.inputs {
            match self.find(name) {
                Some(sid) => {
                    let (delim, fail) = match &self.streams[sid].source {
                        Some(SourceSpec::File {
                            csv_delimiter,
                            json_fail_on_missing,
                            ..
                        }) => (*csv_delimiter, *json_fail_on_missing),
                        _ => (b',', false),
                    };
                    let format = if path.ends_with(".csv") {
                        Format::Csv
                    } else {
                        Format::Json
                    };
                    self.streams[sid].source = Some(SourceSpec::File {
                        path: path.clone(),
                        format,
                        csv_delimiter: delim,
                        json_fail_on_missing: fail,
                    });
                }
                None => self.errors.push(self.unknown_binding("--input", name)),
            }
        }
        for name in &self.bindings.api_inputs {
            match self.find(name) {
                Some(sid) if self.streams[sid].source.is_none() => {
                    self.streams[sid].source = Some(SourceSpec::Api)
                }
                Some(_) => {}
                None => self.errors.push(self.unknown_binding("input", name)),
            }
        }
        for s in self.streams.iter().filter(|_| self.bindings.complete) {
            if let Some(SourceSpec::File { path, .. }) = &s.source {
                if path.is_empty() {
                    self.errors.push(
                        Diagnostic::error(
                            "E0604",
                            format!("source stream `{}` has no 'file.path'", s.name),
                        )
                        .at(s.span)
                        .help(format!(
                            "add 'file.path' = '…' or run with --input {}=PATH",
                            s.name
                        )),
                    );
                }
            }
            let bound_output = self.bindings.outputs.iter().any(|(n, _)| *n == s.name);
            for k in &s.sinks {
                if let SinkSpec::File { path, .. } = k {
                    if path.is_empty() && !bound_output {
                        self.errors.push(
                            Diagnostic::error(
                                "E0604",
                                format!("sink stream `{}` has no 'file.path'", s.name),
                            )
                            .at(s.span)
                            .help(format!(
                                "add 'file.path' = '…' or run with --output {}=PATH",
                                s.name
                            )),
                        );
                    }
                }
            }
        }
        for s in &mut self.streams {
            s.sinks
                .retain(|k| !matches!(k, SinkSpec::File { path, .. } if path.is_empty()));
        }
    }

    fn unknown_binding(&self, flag: &str, name: &str) -> Diagnostic {
        let names = self.streams.iter().map(|s| s.name.as_str());
        let mut d = Diagnostic::error("E0101", format!("{flag} names unknown stream `{name}`"));
        d = match did_you_mean(name, names) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!(
                "streams: {}",
                self.streams
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        d
    }

    /// Syntactic shape of a query: its input and target names, and rejections of
    /// clauses this engine cannot run yet.
    fn query_shape(
        &mut self,
        id: u32,
        q: &'a ast::Query,
    ) -> Result<Option<PendingQuery<'a>>, Diagnostic> {
        let inner_error = |s: &ast::StreamSource| {
            Diagnostic::error("E0508", "inner streams `#Name` exist only inside PARTITION")
                .at(s.span)
        };
        let (input, right) = match &q.from {
            From::Stream(s) => {
                if s.inner {
                    return Err(inner_error(s));
                }
                if self.is_table(&s.name.name) {
                    return Err(super::table::table_alone(&s.name));
                }
                (&s.name, None)
            }
            From::Join(j) => {
                for side in [&j.left, &j.right] {
                    if side.inner {
                        return Err(inner_error(side));
                    }
                }
                self.table_join_shape(j)?;
                if let Some(w) = &j.within {
                    return Err(not_yet(
                        "a join with an aggregation (WITHIN … PER)",
                        w.span,
                        "incremental aggregation is planned",
                    ));
                }
                if j.left_unidirectional && j.right_unidirectional {
                    return Err(Diagnostic::error(
                        "E0520",
                        "both sides of the join are UNIDIRECTIONAL",
                    )
                    .at(j.span)
                    .label("at most one side may be UNIDIRECTIONAL")
                    .help("UNIDIRECTIONAL marks the only side whose events trigger the join; remove it from one side (or from both, so both trigger)"));
                }
                (&j.left.name, Some(&j.right.name))
            }
            From::Pattern(p) => {
                if let Some(t) = super::table::pattern_uses(&p.expr, &|n| self.is_table(n)) {
                    return Err(Diagnostic::error(
                        "E0532",
                        format!("table `{}` cannot be an element of a pattern", t.name),
                    )
                    .at(t.span)
                    .label("a table never produces events")
                    .help("match on the stream that changes the table, or test the table with EXISTS in a query over the pattern's output"));
                }
                return Err(not_yet(
                    if p.sequence { "SEQUENCE" } else { "PATTERN" },
                    p.span,
                    "patterns arrive with the patterns work",
                ));
            }
        };
        let (target, target_span) = match &q.insert {
            Some(ins) => {
                if ins.inner {
                    return Err(Diagnostic::error(
                        "E0508",
                        "inner streams `#Name` exist only inside PARTITION",
                    )
                    .at(ins.target.span));
                }
                (ins.target.name.clone(), ins.target.span)
            }
            None => {
                self.warnings.push(
                    Diagnostic::warning(
                        "W0001",
                        "query has no INSERT INTO; its rows go to `OutputStream`",
                    )
                    .at(q.span)
                    .help("write `INSERT INTO Name SELECT …` to name the output"),
                );
                ("OutputStream".to_string(), q.span)
            }
        };
        Ok(Some(PendingQuery {
            id,
            q,
            input,
            right,
            target,
            target_span,
            upsert_of: None,
        }))
    }

    /// Orders queries so that every producer of a stream precedes its consumers;
    /// reports unknown inputs and cycles.
    fn order_queries(&mut self, pending: &[PendingQuery]) -> Vec<usize> {
        let targets: Vec<String> = pending.iter().map(|p| p.target.clone()).collect();
        let mut valid = vec![true; pending.len()];
        for (i, pq) in pending.iter().enumerate() {
            for input in std::iter::once(pq.input).chain(pq.right) {
                if self.find(&input.name).is_none() && !targets.contains(&input.name) {
                    valid[i] = false;
                    if !self.shadow_names.contains(&input.name) {
                        let d = self.unknown_stream(input, &targets);
                        self.errors.push(d);
                    }
                }
            }
        }
        let n = pending.len();
        let mut indeg = vec![0usize; n];
        let mut edges = vec![Vec::new(); n];
        let reads = |p: &PendingQuery, name: &str| {
            p.input.name == name || p.right.is_some_and(|r| r.name == name)
        };
        for i in 0..n {
            for j in 0..n {
                if valid[i] && valid[j] && reads(&pending[j], &pending[i].target) {
                    edges[i].push(j);
                    indeg[j] += 1;
                }
            }
        }
        let mut order = Vec::new();
        let mut done = vec![false; n];
        loop {
            // Lowest statement position first among the ready ones: a stable order.
            let next = (0..n).find(|&i| valid[i] && !done[i] && indeg[i] == 0);
            let Some(i) = next else { break };
            done[i] = true;
            order.push(i);
            for &j in &edges[i] {
                indeg[j] -= 1;
            }
        }
        if let Some(i) = (0..n).find(|&i| valid[i] && !done[i]) {
            let involved: Vec<String> = (0..n)
                .filter(|&k| valid[k] && !done[k])
                .map(|k| pending[k].target.clone())
                .collect();
            self.errors.push(
                Diagnostic::error(
                    "E0502",
                    format!(
                        "queries form a cycle through {}",
                        involved
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .at(pending[i].input.span)
                .label("this read closes the cycle")
                .help("a stream cannot feed back into the queries that produce it"),
            );
        }
        order
    }

    fn plan_query(&mut self, pq: &PendingQuery) -> Result<QueryPlan, Diagnostic> {
        let q = pq.q;
        let input = self
            .find(&pq.input.name)
            .ok_or_else(|| self.unknown_stream(pq.input, &[]))?;
        // The relations the query reads: one stream, or a join's two sides.
        struct Rel {
            sid: StreamId,
            qualifier: String,
            stream: String,
            columns: Vec<(Arc<str>, DataType)>,
        }
        let rel = |p: &Self, sid: StreamId, src: &ast::StreamSource| {
            let info = &p.streams[sid];
            Rel {
                sid,
                qualifier: src
                    .alias
                    .as_ref()
                    .map(|a| a.name.clone())
                    .unwrap_or_else(|| info.name.clone()),
                stream: info.name.clone(),
                columns: info.columns.clone(),
            }
        };
        // A stream–table join: the table's index and whether it is written on the left.
        let mut table_join: Option<(usize, bool)> = None;
        let (rels, join_src) = match &q.from {
            From::Stream(src) => (vec![rel(self, input, src)], None),
            From::Join(j) => {
                let right_ident = pq.right.unwrap_or(&j.right.name);
                let right = self
                    .find(&right_ident.name)
                    .ok_or_else(|| self.unknown_stream(right_ident, &[]))?;
                let l = rel(self, input, &j.left);
                let r = rel(self, right, &j.right);
                table_join = match (self.table_index(&l.stream), self.table_index(&r.stream)) {
                    (Some(t), None) => Some((t, true)),
                    (None, Some(t)) => Some((t, false)),
                    _ => None,
                };
                if l.qualifier == r.qualifier {
                    let span = j.right.alias.as_ref().map_or(j.right.span, |a| a.span);
                    return Err(Diagnostic::error(
                        "E0107",
                        format!("both sides of the join are named `{}`", l.qualifier),
                    )
                    .at(span)
                    .label("the same name as the left side")
                    .help(format!(
                        "give each side its own alias, e.g. `FROM {} AS a JOIN {} AS b`",
                        l.stream, r.stream
                    )));
                }
                (vec![l, r], Some(&**j))
            }
            From::Pattern(_) => {
                return Err(Diagnostic::error("E0900", "unsupported FROM").at(q.span));
            }
        };
        let join_scope = join_src.map(|_| JoinScope {
            left: JoinSide {
                qualifier: &rels[0].qualifier,
                stream: &rels[0].stream,
                columns: &rels[0].columns,
            },
            right: JoinSide {
                qualifier: &rels[1].qualifier,
                stream: &rels[1].stream,
                columns: &rels[1].columns,
            },
            prefer: None,
        });
        // The hidden stream a table probe writes, which the rest of the query reads.
        let mut lookup_input: Option<StreamId> = None;
        // EXISTS tests (§2.10): each is a probe step appending one BOOL to the row.
        let mut exists_cols: Vec<(usize, usize)> = Vec::new();
        let mut flags: Vec<(Arc<str>, DataType)> = Vec::new();
        if let (From::Stream(_), Some(w)) = (&q.from, &q.where_) {
            let mut found = Vec::new();
            super::table::collect_exists(w, &mut found);
            let stream_cols = &rels[0].columns;
            let mut prev = rels[0].sid;
            for (i, e) in found.iter().enumerate() {
                let ast::ExprKind::Exists { table, where_, .. } = &e.kind else {
                    continue;
                };
                flags.push((Arc::from(format!("#exists{i}")), DataType::Bool));
                prev = self.plan_exists(
                    pq,
                    i as u32,
                    (&rels[0].qualifier, &rels[0].stream, stream_cols),
                    prev,
                    &flags,
                    table,
                    where_,
                )?;
                exists_cols.push((e.span.start, stream_cols.len() + i));
            }
            if !found.is_empty() {
                lookup_input = Some(prev);
            }
        }
        // The row the selector sees: one input's attributes, or the joined row (plus
        // the EXISTS results, which `SELECT *` does not show).
        let visible: usize = rels.iter().map(|r| r.columns.len()).sum();
        let columns: Vec<(Arc<str>, DataType)> = rels
            .iter()
            .flat_map(|r| r.columns.iter().cloned())
            .chain(flags.iter().cloned())
            .collect();
        let qualifier = rels[0].qualifier.as_str();
        let stream_name = rels[0].stream.clone();
        let collector = RefCell::new(AggCollector {
            base: columns.len(),
            calls: Vec::new(),
        });
        let mk_scope = |clause| Scope {
            qualifier,
            stream: &stream_name,
            columns: &columns,
            clause,
            query_id: pq.id,
            aggs: Some(&collector),
            aliases: &[],
            join: join_scope.as_ref(),
            exists: &exists_cols,
        };
        let filter = match &q.where_ {
            Some(w) => Some(resolve_bool(w, &mk_scope(Clause::Where))?),
            None => None,
        };
        let window = match &q.from {
            From::Stream(src) => match &src.window {
                Some(w) => Some((plan_window(w, &columns, qualifier, &stream_name)?, w.span)),
                None => None,
            },
            _ => None,
        };
        let mut project: Vec<ScalarExpr> = Vec::new();
        let mut out_cols: Vec<(Arc<str>, DataType, Span)> = Vec::new();
        match &q.select {
            SelectList::Star(span) => {
                for (i, (n, t)) in columns.iter().take(visible).enumerate() {
                    project.push(ScalarExpr::Column(i));
                    out_cols.push((n.clone(), *t, *span));
                }
            }
            SelectList::Items(items) => {
                for (pos, item) in items.iter().enumerate() {
                    match item {
                        SelectItem::QualifiedStar(qual) => {
                            let mut offset = 0;
                            let mut found = None;
                            for r in &rels {
                                if r.qualifier == qual.name {
                                    found = Some((offset, r));
                                    break;
                                }
                                offset += r.columns.len();
                            }
                            let Some((offset, r)) = found else {
                                let names: Vec<String> =
                                    rels.iter().map(|r| format!("`{}`", r.qualifier)).collect();
                                return Err(Diagnostic::error(
                                    "E0104",
                                    format!("unknown qualifier `{}`", qual.name),
                                )
                                .at(qual.span)
                                .help(if names.len() == 1 {
                                    format!("the input is {}", names[0])
                                } else {
                                    format!("the inputs are {}", names.join(" and "))
                                }));
                            };
                            for (i, (n, t)) in r.columns.iter().enumerate() {
                                project.push(ScalarExpr::Column(offset + i));
                                out_cols.push((n.clone(), *t, qual.span));
                            }
                        }
                        SelectItem::Expr { expr, alias } => {
                            let (x, t) = resolve(expr, &mk_scope(Clause::Select))?;
                            let name =
                                match alias {
                                    Some(a) => a.name.clone(),
                                    None => {
                                        let (n, generated) = default_name(expr, pos);
                                        if generated {
                                            self.warnings.push(
                                                Diagnostic::warning(
                                                    "W0002",
                                                    format!("output column is named `{n}`"),
                                                )
                                                .at(expr.span)
                                                .help(format!(
                                                    "name it with `AS`, e.g. `{} AS my_name`",
                                                    super::resolve::expr_text(expr)
                                                )),
                                            );
                                        }
                                        n
                                    }
                                };
                            project.push(x);
                            out_cols.push((Arc::from(name.as_str()), t, expr.span));
                        }
                    }
                }
            }
        }
        if let (Some((t, table_left)), Some(j)) = (table_join, join_src) {
            let on = match &j.on {
                Some(e) => Some(resolve_bool(e, &mk_scope(Clause::On))?),
                None => None,
            };
            let stream_rel = &rels[usize::from(table_left)];
            lookup_input =
                Some(self.plan_table_join(pq, j, t, table_left, on, stream_rel.sid, &columns));
        }
        let join = match join_src {
            Some(j) if table_join.is_none() => Some(
                self.plan_join(
                    j,
                    &rels
                        .iter()
                        .map(|r| (r.sid, r.qualifier.clone(), &r.columns[..]))
                        .collect::<Vec<_>>(),
                    &mk_scope,
                    filter.clone(),
                )?,
            ),
            _ => None,
        };
        let filter = if join.is_some() { None } else { filter };
        let mut stateful = self.plan_selector(
            pq,
            join.is_some(),
            window,
            &project,
            &out_cols,
            &mk_scope,
            &collector,
        )?;
        if let (
            Some(_),
            Some(RatePlan {
                mode: RateMode::Snapshot,
                ..
            }),
        ) = (join.as_ref(), stateful.as_ref().and_then(|s| s.rate))
        {
            let span = q.output_rate.as_ref().map_or(q.span, |r| r.span);
            return Err(not_yet(
                "OUTPUT SNAPSHOT over a join",
                span,
                "write the joined rows to a stream and take the snapshot in a query over it",
            ));
        }
        if let (Some(j), Some(st)) = (join.as_ref(), stateful.as_mut()) {
            st.placement = join_placement(
                j,
                st,
                !q.order_by.is_empty() || q.limit.is_some() || q.offset.is_some(),
            );
        }
        let kind = match (&stateful, q.insert.as_ref().and_then(|i| i.kind)) {
            (Some(st), None)
                if matches!(
                    st.rate,
                    Some(RatePlan {
                        mode: RateMode::Snapshot,
                        ..
                    })
                ) =>
            {
                EventKind::All
            }
            (_, k) => k.unwrap_or(EventKind::Current),
        };
        let has_window = stateful.as_ref().is_some_and(|s| s.window.is_some())
            || join
                .as_ref()
                .is_some_and(|j| j.sides.iter().any(|s| s.window.is_some()));
        if kind == EventKind::Expired && !has_window {
            self.warnings.push(
                Diagnostic::warning(
                    "W0004",
                    "this query has no window, so it produces no expired rows",
                )
                .at(q.span)
                .help("INSERT EXPIRED EVENTS needs a window that expires events"),
            );
        }
        let output = match self.find(&pq.target) {
            Some(sid) => {
                let target = &self.streams[sid];
                if matches!(target.source, Some(SourceSpec::File { .. })) {
                    return Err(Diagnostic::error(
                        "E0505",
                        format!(
                            "cannot insert into `{}`: it is a source stream",
                            target.name
                        ),
                    )
                    .at(pq.target_span)
                    .with_secondary(target.span, "declared as a source here")
                    .help(
                        "source streams are fed by their connector; insert into another stream",
                    ));
                }
                if target.columns.len() != out_cols.len() {
                    return Err(Diagnostic::error(
                        "E0503",
                        format!(
                            "`{}` has {} but the query selects {}",
                            target.name,
                            count(target.columns.len(), "attribute"),
                            count(out_cols.len(), "column")
                        ),
                    )
                    .at(pq.target_span)
                    .help(format!(
                        "`{}` is ({})",
                        target.name,
                        describe(&target.columns)
                    )));
                }
                for (i, ((tn, tt), (_, ot, span))) in
                    target.columns.iter().zip(&out_cols).enumerate()
                {
                    if !ot.widens_to(*tt) {
                        return Err(Diagnostic::error(
                            "E0504",
                            format!(
                                "column {} is {ot} but `{}.{tn}` is {tt}",
                                i + 1,
                                target.name
                            ),
                        )
                        .at(*span)
                        .help("use CAST to convert it (narrowing needs an explicit CAST)"));
                    }
                    if ot != tt {
                        let x = std::mem::replace(
                            &mut project[i],
                            ScalarExpr::Literal(crate::value::Value::Null),
                        );
                        project[i] = ScalarExpr::Widen {
                            expr: x.boxed(),
                            to: *tt,
                        };
                    }
                }
                sid
            }
            None => {
                for (i, (n, _, span)) in out_cols.iter().enumerate() {
                    if out_cols[..i].iter().any(|(m, _, _)| m == n) {
                        return Err(Diagnostic::error(
                            "E0509",
                            format!("two output columns are named `{n}`"),
                        )
                        .at(*span)
                        .help("give one of them another name with AS"));
                    }
                }
                let rank = self.streams.len() as u32 + 1;
                self.streams.push(StreamInfo {
                    name: pq.target.clone(),
                    // OBJECT (an untyped NULL) is stored as STRING-less opaque; keep OBJECT.
                    columns: out_cols.iter().map(|(n, t, _)| (n.clone(), *t)).collect(),
                    rank,
                    declared: false,
                    source: None,
                    sinks: Vec::new(),
                    time: TimeSpec {
                        event_time: None,
                        watermark_delay_ms: 0,
                        late: LatePolicy::Drop,
                    },
                    errors: ErrorStrategy::Skip,
                    options: BTreeMap::new(),
                    span: pq.target_span,
                });
                self.streams.len() - 1
            }
        };
        let name = q
            .name
            .as_ref()
            .map(|n| n.name.clone())
            .unwrap_or_else(|| format!("q{}", pq.id));
        Ok(QueryPlan {
            id: pq.id,
            name,
            input: lookup_input.unwrap_or(input),
            filter,
            project,
            stateful,
            output,
            kind,
            join,
            span: q.span,
        })
    }

    /// The join part of a query (§2.8): each side's window and trigger role, ON, the
    /// WHERE over joined rows and the equality keys placement may exchange by.
    fn plan_join<'s>(
        &mut self,
        j: &ast::JoinSource,
        rels: &[JoinInput],
        mk_scope: &dyn Fn(Clause) -> Scope<'s>,
        filter: Option<ScalarExpr>,
    ) -> Result<JoinPlan, Diagnostic> {
        let left_arity = rels[0].2.len();
        let mut sides = Vec::new();
        for (k, (src, uni_self, uni_other)) in [
            (&j.left, j.left_unidirectional, j.right_unidirectional),
            (&j.right, j.right_unidirectional, j.left_unidirectional),
        ]
        .into_iter()
        .enumerate()
        {
            let (sid, qualifier, cols) = &rels[k];
            let stream = &self.streams[*sid].name;
            let window = match &src.window {
                Some(w) => {
                    let kind = plan_window(w, cols, qualifier, stream)?;
                    if matches!(
                        kind,
                        WindowKind::Hop { .. }
                            | WindowKind::Session { .. }
                            | WindowKind::Cron { .. }
                    ) {
                        return Err(not_yet(
                            &format!("window '{}' on a join side", kind.name()),
                            w.name.span,
                            "join sides take length, time, lengthBatch, timeBatch/tumbling, externalTime, externalTimeBatch, timeLength, sort, unique, firstUnique, delay, expression, expressionBatch, frequent or lossyFrequent windows",
                        ));
                    }
                    Some((kind, w.span))
                }
                None => None,
            };
            let _ = uni_self;
            let preserved = match j.kind {
                ast::JoinKind::Inner => false,
                ast::JoinKind::Left => k == 0,
                ast::JoinKind::Right => k == 1,
                ast::JoinKind::Full => true,
            };
            sides.push(JoinSidePlan {
                stream: *sid,
                qualifier: qualifier.clone(),
                window_span: window.as_ref().map(|(_, s)| *s),
                window: window.map(|(w, _)| w),
                triggers: !uni_other,
                preserved,
                arity: cols.len(),
            });
        }
        let on = match &j.on {
            Some(e) => Some(resolve_bool(e, &mk_scope(Clause::On))?),
            None => None,
        };
        let mut keys = Vec::new();
        if let Some(on) = &on {
            let conjuncts: Vec<&ScalarExpr> = match on {
                ScalarExpr::And(v) => v.iter().collect(),
                x => vec![x],
            };
            for c in conjuncts {
                let ScalarExpr::Cmp {
                    op: CmpOp::Eq,
                    left,
                    right,
                } = c
                else {
                    continue;
                };
                let side_of = |x: &ScalarExpr| {
                    let mut cols = Vec::new();
                    x.columns(&mut cols);
                    if cols.is_empty() {
                        None
                    } else if cols.iter().all(|&c| c < left_arity) {
                        Some(0)
                    } else if cols.iter().all(|&c| c >= left_arity) {
                        Some(1)
                    } else {
                        None
                    }
                };
                let (l, r) = match (side_of(left), side_of(right)) {
                    (Some(0), Some(1)) => (left, right),
                    (Some(1), Some(0)) => (right, left),
                    _ => continue,
                };
                let mut r = (**r).clone();
                r.shift_columns(left_arity);
                keys.push(((**l).clone(), r));
            }
        }
        let [left, right]: [JoinSidePlan; 2] = sides
            .try_into()
            .map_err(|_| Diagnostic::error("E0900", "a join has two sides").at(j.span))?;
        Ok(JoinPlan {
            kind: j.kind,
            sides: [left, right],
            on,
            filter,
            keys,
        })
    }

    /// The selector part of a query (§2.4.3–2.4.8): window, aggregates, GROUP BY,
    /// HAVING, ORDER BY, LIMIT/OFFSET, rate limiting and placement. `None` for a
    /// stateless query.
    #[allow(clippy::too_many_arguments)]
    fn plan_selector<'s>(
        &mut self,
        pq: &PendingQuery,
        is_join: bool,
        window: Option<(WindowKind, Span)>,
        project: &[ScalarExpr],
        out_cols: &[(Arc<str>, DataType, Span)],
        mk_scope: &dyn Fn(Clause) -> Scope<'s>,
        collector: &RefCell<AggCollector>,
    ) -> Result<Option<StatefulPlan>, Diagnostic> {
        let q = pq.q;
        let base = collector.borrow().base;
        let uses_aggs = |x: &ScalarExpr| {
            let mut cols = Vec::new();
            x.columns(&mut cols);
            cols.iter().any(|&c| c >= base)
        };
        // GROUP BY: input expressions, or the alias of a projected non-aggregate column.
        let mut group_by = Vec::new();
        let mut group_attrs = Vec::new();
        for g in &q.group_by {
            let alias = match &g.kind {
                ast::ExprKind::Column {
                    qualifier: None,
                    name,
                } if !mk_scope(Clause::GroupBy)
                    .columns
                    .iter()
                    .any(|(n, _)| n.as_ref() == name.name) =>
                {
                    out_cols
                        .iter()
                        .position(|(n, _, _)| n.as_ref() == name.name)
                }
                _ => None,
            };
            let x = match alias {
                Some(i) => {
                    if uses_aggs(&project[i]) {
                        return Err(Diagnostic::error(
                            "E0301",
                            format!("GROUP BY `{}` names an aggregated column", out_cols[i].0),
                        )
                        .at(g.span)
                        .help("group by input attributes or expressions over them"));
                    }
                    project[i].clone()
                }
                None => resolve(g, &mk_scope(Clause::GroupBy))?.0,
            };
            if let ScalarExpr::Column(c) = x {
                group_attrs.push(c);
            }
            group_by.push(x);
        }
        // HAVING sees the output aliases.
        let aliases: Vec<(Arc<str>, ScalarExpr, DataType)> = out_cols
            .iter()
            .zip(project)
            .map(|((n, t, _), x)| (n.clone(), x.clone(), *t))
            .collect();
        let having = match &q.having {
            Some(h) => {
                let scope = Scope {
                    aliases: &aliases,
                    ..mk_scope(Clause::Having)
                };
                let (x, t) = resolve(h, &scope)?;
                if t != DataType::Bool && t != DataType::Object {
                    return Err(Diagnostic::error(
                        "E0203",
                        format!("HAVING condition must be BOOL, found {t}"),
                    )
                    .at(h.span)
                    .label(format!("this is {t}"))
                    .help("write a comparison, e.g. `count() > 2`"));
                }
                Some(x)
            }
            None => None,
        };
        let mut order_by = Vec::new();
        for k in &q.order_by {
            let ast::ExprKind::Column {
                qualifier: None,
                name,
            } = &k.expr.kind
            else {
                return Err(Diagnostic::error(
                    "E0510",
                    "ORDER BY takes the name of an output column",
                )
                .at(k.expr.span)
                .help("name the expression with AS in SELECT and order by that name"));
            };
            match out_cols
                .iter()
                .position(|(n, _, _)| n.as_ref() == name.name)
            {
                Some(i) => order_by.push((i, k.desc)),
                None => {
                    let mut d = Diagnostic::error(
                        "E0510",
                        format!("ORDER BY `{}` is not an output column", name.name),
                    )
                    .at(name.span);
                    d = match did_you_mean(&name.name, out_cols.iter().map(|(n, _, _)| n.as_ref()))
                    {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None if mk_scope(Clause::Select)
                            .columns
                            .iter()
                            .any(|(n, _)| n.as_ref() == name.name) =>
                        {
                            d.label("an input attribute, not in the SELECT list")
                                .help(format!(
                                    "order keys name output columns; add `{}` to the SELECT list",
                                    name.name
                                ))
                        }
                        None => d.help("order keys refer to the names of the SELECT list"),
                    };
                    return Err(d);
                }
            }
        }
        let rate = match &q.output_rate {
            Some(r) => Some(self.plan_rate(q, r)?),
            None => None,
        };
        let aggregates = std::mem::take(&mut collector.borrow_mut().calls);
        let stateful = is_join
            || window.is_some()
            || !aggregates.is_empty()
            || !group_by.is_empty()
            || having.is_some()
            || !order_by.is_empty()
            || q.limit.is_some()
            || q.offset.is_some()
            || rate.is_some();
        if !stateful {
            return Ok(None);
        }
        // Columns that are neither grouped nor aggregated take the value of the event
        // that caused the row (§2.4.2). In a batch flush that is the group's last event,
        // which SQL users do not expect: say so there.
        if !aggregates.is_empty() && window.as_ref().is_some_and(|(w, _)| w.is_batch()) {
            for (x, (n, _, span)) in project.iter().zip(out_cols) {
                if let ScalarExpr::Column(c) = x {
                    if *c < base
                        && !group_by
                            .iter()
                            .any(|g| matches!(g, ScalarExpr::Column(d) if d == c))
                    {
                        self.warnings.push(
                            Diagnostic::warning(
                                "W0005",
                                format!("`{n}` is neither grouped nor aggregated"),
                            )
                            .at(*span)
                            .help("in a batch flush its value comes from the group's last event; add it to GROUP BY or aggregate it (e.g. last(x))"),
                        );
                    }
                }
            }
        }
        if let Some((WindowKind::Unique { attr } | WindowKind::FirstUnique { attr }, span)) =
            &window
        {
            // §2.5: one event per key value is held forever; nothing bounds the keys yet
            // (partitions arrive later), so say what it costs.
            let name = &mk_scope(Clause::Window).columns[*attr].0;
            self.warnings.push(
                Diagnostic::warning(
                    "W0006",
                    format!("this window keeps one event per value of `{name}`, for ever"),
                )
                .at(*span)
                .help(format!(
                    "memory grows with the number of distinct `{name}` values; use it on a key with a bounded domain"
                )),
            );
        }
        let (window_kind, window_span) = match window {
            Some((k, s)) => (Some(k), Some(s)),
            None => (None, None),
        };
        let placement = placement(
            window_kind.as_ref(),
            !aggregates.is_empty(),
            &group_by,
            &group_attrs,
            !order_by.is_empty() || q.limit.is_some() || q.offset.is_some(),
            rate.as_ref(),
        );
        Ok(Some(StatefulPlan {
            window: window_kind,
            window_span,
            input_arity: base,
            aggregates,
            group_by,
            having,
            order_by,
            limit: q.limit.map(|(n, _)| n),
            offset: q.offset.map(|(n, _)| n).unwrap_or(0),
            rate,
            placement,
        }))
    }

    fn plan_rate(&mut self, q: &ast::Query, r: &ast::OutputRate) -> Result<RatePlan, Diagnostic> {
        let every = match &r.every {
            ast::RateEvery::Events(n, span) => {
                if *n == 0 {
                    return Err(
                        Diagnostic::error("E0511", "OUTPUT EVERY 0 EVENTS never emits")
                            .at(*span)
                            .help("the event count must be at least 1"),
                    );
                }
                if r.mode == ast::RateMode::Snapshot {
                    return Err(Diagnostic::error(
                        "E0511",
                        "OUTPUT SNAPSHOT takes a duration, not an event count",
                    )
                    .at(*span)
                    .help("write e.g. OUTPUT SNAPSHOT EVERY 1 SECOND"));
                }
                RateEvery::Events(*n)
            }
            ast::RateEvery::Time(d) => {
                let ms = d.millis();
                if ms <= 0 || d.has_calendar_unit() {
                    return Err(Diagnostic::error(
                        "E0511",
                        "the rate period must be a positive fixed duration",
                    )
                    .at(d.span)
                    .help("write e.g. OUTPUT EVERY 1 SECOND"));
                }
                RateEvery::Time(ms)
            }
        };
        let mode = match r.mode {
            ast::RateMode::Default | ast::RateMode::All => RateMode::All,
            ast::RateMode::First => RateMode::First,
            ast::RateMode::Last => RateMode::Last,
            ast::RateMode::Snapshot => {
                if let Some(k) = q.insert.as_ref().and_then(|i| i.kind) {
                    if k != EventKind::All {
                        let kind = if k == EventKind::Current {
                            "CURRENT"
                        } else {
                            "EXPIRED"
                        };
                        return Err(Diagnostic::error(
                            "E0511",
                            format!("OUTPUT SNAPSHOT cannot be combined with INSERT {kind} EVENTS"),
                        )
                        .at(r.span)
                        .label("a snapshot re-emits the whole state at each tick")
                        .help("write INSERT ALL EVENTS INTO, or INSERT INTO (which means ALL EVENTS here)"));
                    }
                }
                RateMode::Snapshot
            }
        };
        Ok(RatePlan { mode, every })
    }

    /// Output bindings may name implicit streams too, so they are resolved last.
    fn bind_outputs(&mut self) {
        for (name, path) in &self.bindings.outputs {
            match self.find(name) {
                Some(sid) => {
                    let format = if path.ends_with(".csv") {
                        Format::Csv
                    } else {
                        Format::Json
                    };
                    self.streams[sid].sinks.push(SinkSpec::File {
                        path: path.clone(),
                        format,
                    });
                }
                None => {
                    let d = self.unknown_binding("--output", name);
                    self.errors.push(d);
                }
            }
        }
    }
}

pub(super) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

pub(super) fn describe(cols: &[(Arc<str>, DataType)]) -> String {
    cols.iter()
        .map(|(n, t)| format!("{n} {t}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a join runs (§2.8, §3.8). Exchanging both sides by the key of an equality
/// conjunct of ON keeps every pair that can match in one key group. That is exact only
/// when each side's window treats its events independently (time-based windows, or no
/// window: a `length(n)` window partitioned by key would hold n events per key group),
/// when every aggregate group lies inside one key (an inner join grouped by a key
/// column), and when no clause sees a whole chunk or counts rows globally.
fn join_placement(j: &JoinPlan, st: &StatefulPlan, per_chunk_order: bool) -> PlacementPlan {
    let Some((first, _)) = j.keys.first() else {
        return PlacementPlan::Global;
    };
    if per_chunk_order || st.rate.is_some() {
        return PlacementPlan::Global;
    }
    let independent = j.sides.iter().all(|s| {
        s.window
            .as_ref()
            .is_none_or(|w| matches!(w.partitioning(), Partitioning::PerEvent))
    });
    if !independent {
        return PlacementPlan::Global;
    }
    if !st.aggregates.is_empty() || !st.group_by.is_empty() {
        let left_arity = j.sides[0].arity;
        let base = |e: &ScalarExpr| -> Option<usize> {
            match e {
                ScalarExpr::Column(c) => Some(*c),
                ScalarExpr::Widen { expr, .. } => match &**expr {
                    ScalarExpr::Column(c) => Some(*c),
                    _ => None,
                },
                _ => None,
            }
        };
        let grouped_by_key = st.group_by.iter().any(|g| {
            let Some(g) = base(g) else { return false };
            j.keys
                .iter()
                .any(|(l, r)| base(l) == Some(g) || base(r).map(|c| c + left_arity) == Some(g))
        });
        if j.kind != ast::JoinKind::Inner || !grouped_by_key {
            return PlacementPlan::Global;
        }
    }
    PlacementPlan::Keyed(vec![first.clone()])
}

/// Where a stateful query runs (§3.8). Keyed placement needs every group, every
/// window interaction and every per-chunk clause to stay inside one key.
fn placement(
    window: Option<&WindowKind>,
    has_aggs: bool,
    group_by: &[ScalarExpr],
    group_attrs: &[usize],
    per_chunk_order: bool,
    rate: Option<&RatePlan>,
) -> PlacementPlan {
    // ORDER BY/LIMIT/OFFSET see a whole chunk; event-count rate limits count globally.
    if per_chunk_order
        || matches!(
            rate,
            Some(RatePlan {
                every: RateEvery::Events(_),
                ..
            })
        )
    {
        return PlacementPlan::Global;
    }
    if rate.is_some() && group_by.is_empty() {
        return PlacementPlan::Global;
    }
    // A snapshot's last tick is the first after the query's last input event, which
    // only a worker that sees every event of the query knows.
    if rate.is_some_and(|r| r.mode == RateMode::Snapshot) {
        return PlacementPlan::Global;
    }
    let part = window.map_or(Partitioning::PerEvent, WindowKind::partitioning);
    let grouped = !group_by.is_empty();
    match part {
        Partitioning::Whole => PlacementPlan::Global,
        Partitioning::PerEvent if grouped => PlacementPlan::Keyed(group_by.to_vec()),
        Partitioning::PerEvent if has_aggs || window.is_none() => PlacementPlan::Global,
        Partitioning::PerEvent => PlacementPlan::ByRecord,
        Partitioning::ByAttrs(attrs) => {
            let keyed = attrs.iter().map(|&c| ScalarExpr::Column(c)).collect();
            // Without aggregates groups do not matter; with them, every group must
            // lie inside one window key.
            if (!has_aggs && !grouped) || (grouped && attrs.iter().all(|a| group_attrs.contains(a)))
            {
                PlacementPlan::Keyed(keyed)
            } else {
                PlacementPlan::Global
            }
        }
    }
}
