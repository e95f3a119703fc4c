//! Plan → timely dataflow, on each worker. Decides the physical shape: every worker
//! reads its own file chunks and runs the stateless queries fused in place (no
//! exchange); each sink exchanges to global worker 0, its single ordered writer.
//! May import plan, expr, ops, connectors and runtime; never the AST.

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use timely::dataflow::channels::pact::Pipeline;
use timely::dataflow::operators::generic::Operator;
use timely::dataflow::operators::probe::Handle as ProbeHandle;
use timely::dataflow::operators::vec::Broadcast;
use timely::dataflow::operators::vec::{Filter, Map};
use timely::dataflow::operators::{Concatenate, Exchange as _, Probe};
use timely::dataflow::Scope;
use timely::worker::Worker;

use crate::connectors::file_sink::{
    encode, ChannelWriter, CsvLines, JsonLines, LineEncoder, LineWriter,
};
use crate::connectors::file_source::{file_source, ErrorMode, SourceConfig, SourceFormat};
use crate::connectors::format::Schema;
use crate::expr::compile::{compile, compile_pred};
use crate::expr::ir::ScalarExpr;
use crate::ops::filter_project::{CompiledQuery, FilterProject};
use crate::ops::join::{join_query, JoinConfig, JoinSideConfig, KeyColumn, RIGHT_OP_BIT};
use crate::ops::selector::{AggSpec, OutSlot, Selector};
use crate::ops::sink_order::{EncodedRec, ItemWriter, OrderedSink, SinkConfig};
use crate::ops::table::{table, OpKind, TableConfig, TableOpConfig};
use crate::ops::window_query::{window_query, QueryPlacement, WindowQueryConfig};
use crate::ops::RecStream;
use crate::plan::{
    ErrorStrategy, Format, JoinPlan, LatePolicy, Node, PlacementPlan, Plan, QueryPlan, SinkSpec,
    SourceSpec, StatefulPlan, StreamId, TableOpKind, TablePlacement, TablePlan,
};
use crate::runtime::api_source::{api_source, ApiSourceConfig};
use crate::runtime::metrics::Metrics;
use crate::runtime::record::Rec;
use crate::runtime::{Abort, HostIo, RunConfig};
use crate::syntax::ast::EventKind;

/// Builds the whole app as one dataflow on `worker`.
pub fn build(
    worker: &mut Worker,
    plan: &Plan,
    cfg: &RunConfig,
    metrics: &Arc<Metrics>,
    abort: &Arc<Abort>,
    host: &HostIo,
) {
    worker.dataflow::<u64, _, _>(|scope| {
        let mut producers: HashMap<StreamId, Vec<RecStream>> = HashMap::new();
        let mut built: HashMap<StreamId, RecStream> = HashMap::new();
        let total = cfg.total_workers().max(1) as f64;
        let mut fatal = Vec::new();
        // The slowest file source's time, on every worker: it paces the others.
        let file_progress = ProbeHandle::<u64>::new();
        let mut file_streams = Vec::new();
        // Sources.
        for (sid, s) in plan.streams.iter().enumerate() {
            match &s.source {
                Some(SourceSpec::File {
                    path,
                    format,
                    csv_delimiter,
                    json_fail_on_missing,
                }) => {
                    let sc = SourceConfig {
                        stream: s.name.clone(),
                        metrics_index: sid,
                        path: PathBuf::from(path),
                        format: match format {
                            Format::Json => SourceFormat::Json {
                                fail_on_missing: *json_fail_on_missing,
                            },
                            Format::Csv => SourceFormat::Csv {
                                delimiter: *csv_delimiter,
                            },
                        },
                        schema: Arc::new(Schema {
                            names: s.names(),
                            types: s.types(),
                        }),
                        rank: s.rank,
                        event_time: s.time.event_time,
                        delay_ms: s.time.watermark_delay_ms,
                        route_late: matches!(s.time.late, LatePolicy::Stream(_)),
                        errors: match s.errors {
                            ErrorStrategy::Skip => ErrorMode::Skip,
                            ErrorStrategy::Fail => ErrorMode::Fail,
                            ErrorStrategy::Dlq(_) => ErrorMode::Dlq,
                        },
                        chunk_size: cfg.chunk_size,
                        tick_ms: cfg.tick_ms,
                        rate_per_worker: cfg.rate.map(|r| r / total),
                        metrics: Arc::clone(metrics),
                        abort: Arc::clone(abort),
                        prefilter: plan
                            .source_prefilter(sid)
                            .map(|f| Arc::new(compile_pred(&f))),
                        progress: Some(file_progress.clone()),
                    };
                    let out = file_source(scope, sc);
                    file_streams.push(out.progress);
                    producers.entry(sid).or_default().push(out.records);
                    if let LatePolicy::Stream(t) = s.time.late {
                        producers.entry(t).or_default().push(out.late);
                    }
                    if let ErrorStrategy::Dlq(t) = s.errors {
                        producers.entry(t).or_default().push(out.dead_letters);
                    }
                    fatal.push(out.fatal);
                }
                Some(SourceSpec::Api) => {
                    let rx = if scope.index() == 0 {
                        host.inputs
                            .iter()
                            .find(|(id, _)| *id == sid)
                            .and_then(|(_, m)| m.lock().ok().and_then(|mut g| g.take()))
                    } else {
                        None
                    };
                    let ac = ApiSourceConfig {
                        stream: s.name.clone(),
                        rank: s.rank,
                        arity: s.columns.len(),
                        event_time: s.time.event_time,
                        delay_ms: s.time.watermark_delay_ms,
                        tick_ms: cfg.tick_ms,
                        metrics: Arc::clone(metrics),
                        metrics_index: sid,
                    };
                    producers
                        .entry(sid)
                        .or_default()
                        .push(api_source(scope, ac, rx));
                }
                None => {}
            }
        }
        if !file_streams.is_empty() {
            // No record flows here; the exchange only joins every worker's source frontier.
            scope
                .concatenate(file_streams)
                .exchange(|_: &Rec| 0)
                .probe_with(&file_progress);
        }
        // A fatal error on any worker reaches every worker of every process, so all of
        // them stop reading and the whole run exits with code 1.
        if !fatal.is_empty() {
            let abort = Arc::clone(abort);
            scope.concatenate(fatal).broadcast().sink(
                Pipeline,
                "Abort",
                move |(input, _frontier)| {
                    input.for_each(|_cap, msgs| {
                        for m in msgs.drain(..) {
                            abort.fail(m);
                        }
                    });
                },
            );
        }
        // Queries and tables, every input complete before it is read.
        for node in plan.build_order().0 {
            let q = match node {
                Node::Query(i) => &plan.queries[i],
                Node::Table(t) => {
                    build_table(
                        scope,
                        &plan.tables[t],
                        cfg,
                        metrics,
                        &mut producers,
                        &mut built,
                    );
                    continue;
                }
            };
            let input = stream_of(scope, q.input, &mut producers, &mut built);
            let out = match (&q.stateful, &q.join) {
                (Some(st), Some(j)) => {
                    let right = stream_of(scope, j.sides[1].stream, &mut producers, &mut built);
                    join_query(input, right, q.id, compile_join(q, st, j, cfg.tick_ms))
                }
                (None, _) => {
                    input.filter_project(compile_query(q, plan.streams[q.input].columns.len()))
                }
                (Some(st), None) => window_query(input, q.id, compile_stateful(q, st, cfg.tick_ms)),
            };
            producers.entry(q.output).or_default().push(out);
        }
        // Sinks: one ordered writer per output, on worker 0. File outputs are encoded
        // on the producing workers first, so the writer only sorts and writes bytes.
        for (sid, s) in plan.streams.iter().enumerate() {
            if s.sinks.is_empty() {
                continue;
            }
            let stream = stream_of(scope, sid, &mut producers, &mut built);
            let names = s.names();
            let sink_cfg = || SinkConfig {
                name: s.name.clone(),
                tick_ms: cfg.tick_ms,
                metrics: Arc::clone(metrics),
                metrics_index: sid,
                abort: Arc::clone(abort),
            };
            for k in &s.sinks {
                match k {
                    SinkSpec::File { path, format } => {
                        let encoder: Rc<dyn LineEncoder> = match format {
                            Format::Json => Rc::new(JsonLines::new(&names)),
                            Format::Csv => Rc::new(CsvLines::new(&names)),
                        };
                        let mut writers: Vec<Box<dyn ItemWriter<EncodedRec>>> = Vec::new();
                        if scope.index() == 0 {
                            match LineWriter::create(path, encoder.header()) {
                                Ok(w) => writers.push(Box::new(w)),
                                Err(e) => abort.fail(format!(
                                    "cannot open output `{path}` of `{}`: {e}",
                                    s.name
                                )),
                            }
                        }
                        let enc = Rc::clone(&encoder);
                        stream
                            .clone()
                            .map(move |rec| encode(enc.as_ref(), rec))
                            .ordered_sink(sink_cfg(), writers);
                    }
                    SinkSpec::Api => {
                        let mut writers: Vec<Box<dyn ItemWriter<Rec>>> = Vec::new();
                        if scope.index() == 0 {
                            for (_, tx) in host.outputs.iter().filter(|(id, _)| *id == sid) {
                                writers.push(Box::new(ChannelWriter {
                                    stream: s.name.clone(),
                                    tx: tx.clone(),
                                }));
                            }
                        }
                        stream.clone().ordered_sink(sink_cfg(), writers);
                    }
                }
            }
        }
    });
}

/// The stream of `sid`: its producers merged (once all of them are built).
fn stream_of<'s>(
    scope: Scope<'s, u64>,
    sid: StreamId,
    producers: &mut HashMap<StreamId, Vec<RecStream<'s>>>,
    built: &mut HashMap<StreamId, RecStream<'s>>,
) -> RecStream<'s> {
    if let Some(s) = built.get(&sid) {
        return s.clone();
    }
    let parts = producers.remove(&sid).unwrap_or_default();
    let s = if parts.len() == 1 {
        parts
            .into_iter()
            .next()
            .unwrap_or_else(|| timely::dataflow::operators::generic::operator::empty(scope))
    } else if parts.is_empty() {
        timely::dataflow::operators::generic::operator::empty(scope)
    } else {
        scope.concatenate(parts)
    };
    built.insert(sid, s.clone());
    s
}

fn compile_query(q: &QueryPlan, input_arity: usize) -> CompiledQuery {
    let identity = q.project.len() == input_arity
        && q.project
            .iter()
            .enumerate()
            .all(|(i, e)| matches!(e, ScalarExpr::Column(c) if *c == i));
    CompiledQuery {
        id: q.id,
        name: q.name.clone(),
        filter: q.filter.as_ref().map(compile_pred),
        project: if identity {
            None
        } else {
            Some(q.project.iter().map(compile).collect())
        },
        emits: q.kind != EventKind::Expired,
    }
}

/// `Some(i)` for a plain column reference.
fn column_of(e: &ScalarExpr) -> Option<usize> {
    match e {
        ScalarExpr::Column(c) => Some(*c),
        _ => None,
    }
}

/// The selector of a stateful query; `op` numbers its rows, `fifo` says removals
/// come in arrival order.
fn compile_selector(q: &QueryPlan, st: &StatefulPlan, op: u32, fifo: bool) -> Selector {
    // Output columns over the extended row (input columns, then aggregates) that are
    // plain references need no expression; HAVING reads the extended row itself.
    let direct = if st.having.is_none() {
        q.project
            .iter()
            .map(|e| {
                column_of(e).map(|c| match c.checked_sub(st.input_arity) {
                    None => OutSlot::Column(c),
                    Some(a) => OutSlot::Aggregate(a),
                })
            })
            .collect::<Option<Vec<_>>>()
    } else {
        None
    };
    Selector {
        op,
        aggs: st
            .aggregates
            .iter()
            .map(|a| AggSpec {
                kind: a.kind,
                arg_type: a.arg_type,
                arg: a.arg.as_ref().map(compile),
                arg_col: a.arg.as_ref().and_then(column_of),
                fifo,
            })
            .collect(),
        group_by: st.group_by.iter().map(compile).collect(),
        project: q.project.iter().map(compile).collect(),
        having: st.having.as_ref().map(compile_pred),
        order_by: st.order_by.clone(),
        limit: st.limit,
        offset: st.offset,
        wants_current: q.kind != EventKind::Expired,
        wants_expired: q.kind != EventKind::Current,
        group_cols: st.group_by.iter().map(column_of).collect(),
        direct,
    }
}

fn compile_join(q: &QueryPlan, st: &StatefulPlan, j: &JoinPlan, tick_ms: u64) -> JoinConfig {
    // Joined rows leave aggregates in no particular order (an expiry on one side
    // removes rows added by either side's arrivals).
    let selector = |op| compile_selector(q, st, op, false);
    let keyed = matches!(st.placement, PlacementPlan::Keyed(_)) && !j.keys.is_empty();
    // Equality-key operands that are plain (possibly widened) columns: probes look
    // their matches up by them (`KeyIndex`), and placement reads them directly.
    let key_column = |e: &ScalarExpr| match e {
        ScalarExpr::Column(c) => Some(KeyColumn {
            col: *c,
            widen: None,
        }),
        ScalarExpr::Widen { expr, to } => match **expr {
            ScalarExpr::Column(c) => Some(KeyColumn {
                col: c,
                widen: Some(*to),
            }),
            _ => None,
        },
        _ => None,
    };
    let side = |k: usize| {
        let s = &j.sides[k];
        JoinSideConfig {
            window: s.window.clone(),
            triggers: s.triggers,
            preserved: s.preserved,
            arity: s.arity,
            key: if keyed {
                j.keys
                    .iter()
                    .map(|(l, r)| compile(if k == 0 { l } else { r }))
                    .collect()
            } else {
                Vec::new()
            },
            key_columns: j
                .keys
                .iter()
                .map(|(l, r)| key_column(if k == 0 { l } else { r }))
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default(),
        }
    };
    JoinConfig {
        name: q.name.clone(),
        sides: [side(0), side(1)],
        on: j.on.as_ref().map(compile_pred),
        filter: j.filter.as_ref().map(compile_pred),
        selectors: [selector(q.id), selector(q.id | RIGHT_OP_BIT)],
        keyed,
        tick_ms,
        rate: st.rate,
    }
}

fn compile_stateful(q: &QueryPlan, st: &StatefulPlan, tick_ms: u64) -> WindowQueryConfig {
    let fifo = st
        .window
        .as_ref()
        .is_none_or(|w| w.removes_in_arrival_order());
    let selector = compile_selector(q, st, q.id, fifo);
    let placement = match &st.placement {
        PlacementPlan::Global => QueryPlacement::Global,
        PlacementPlan::ByRecord => QueryPlacement::ByRecord,
        PlacementPlan::Keyed(exprs) => {
            let cols: Vec<usize> = exprs
                .iter()
                .filter_map(|e| match e {
                    ScalarExpr::Column(c) => Some(*c),
                    _ => None,
                })
                .collect();
            if cols.len() == exprs.len() {
                QueryPlacement::KeyedColumns(cols)
            } else {
                QueryPlacement::Keyed(exprs.iter().map(compile).collect())
            }
        }
    };
    WindowQueryConfig {
        name: q.name.clone(),
        filter: q.filter.as_ref().map(compile_pred),
        window: st.window.clone(),
        selector,
        placement,
        tick_ms,
        rate: st.rate,
    }
}

/// A table's operator (see [`crate::ops::table`]): every operation's input, tagged with
/// the operation's position, into one keyed operator; its output split by probe.
fn build_table<'s>(
    scope: Scope<'s, u64>,
    t: &TablePlan,
    cfg: &RunConfig,
    metrics: &Arc<Metrics>,
    producers: &mut HashMap<StreamId, Vec<RecStream<'s>>>,
    built: &mut HashMap<StreamId, RecStream<'s>>,
) {
    let mut inputs = Vec::new();
    for (i, o) in t.ops.iter().enumerate() {
        let tag = i as u64;
        inputs.push(
            stream_of(scope, o.input, producers, built).map(move |mut r: Rec| {
                r.key.push(tag);
                r
            }),
        );
    }
    let input = scope.concatenate(inputs);
    let ops = t
        .ops
        .iter()
        .map(|o| TableOpConfig {
            kind: match &o.kind {
                TableOpKind::Insert => OpKind::Insert,
                TableOpKind::Update { cond, sets } => OpKind::Update {
                    cond: compile_pred(cond),
                    sets: sets.iter().map(|(c, x)| (*c, compile(x))).collect(),
                },
                TableOpKind::Delete { cond } => OpKind::Delete {
                    cond: compile_pred(cond),
                },
                TableOpKind::Upsert { cond } => OpKind::Upsert {
                    cond: compile_pred(cond),
                },
                TableOpKind::Join {
                    on,
                    table_left,
                    outer,
                    out_op,
                    ..
                } => OpKind::Join {
                    on: on.as_ref().map(compile_pred),
                    table_left: *table_left,
                    outer: *outer,
                    out_op: *out_op,
                },
                TableOpKind::Exists {
                    cond,
                    stream_arity,
                    out_op,
                    ..
                } => OpKind::Exists {
                    cond: compile_pred(cond),
                    stream_arity: *stream_arity,
                    out_op: *out_op,
                },
            },
            key: o.key.as_ref().map(|k| k.iter().map(compile).collect()),
        })
        .collect();
    let out = table(
        input,
        t.op,
        TableConfig {
            name: t.name.clone(),
            arity: t.columns.len(),
            primary_key: t.primary_key.clone(),
            cache_max: t.cache_max,
            keyed: t.placement == TablePlacement::Keyed,
            ops,
            tick_ms: cfg.tick_ms,
            dropped: Arc::clone(&metrics.table_dropped),
        },
    );
    for o in &t.ops {
        let (Some(sid), TableOpKind::Join { out_op, .. } | TableOpKind::Exists { out_op, .. }) =
            (o.kind.output(), &o.kind)
        else {
            continue;
        };
        let word = u64::from(*out_op);
        producers.entry(sid).or_default().push(
            out.clone()
                .filter(move |r: &Rec| r.key.last().is_some_and(|w| w >> 32 == word)),
        );
    }
}
