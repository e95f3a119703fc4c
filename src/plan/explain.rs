//! EXPLAIN: the physical plan as text — sources and how they are read, each query's
//! operators and where they run, exchanges, state, and sinks.

use std::fmt::Write;

use super::{
    ErrorStrategy, Format, JoinPlan, JoinSidePlan, LatePolicy, PlacementPlan, Plan, QueryPlan,
    RateEvery, RateMode, SinkSpec, SourceSpec, StatefulPlan,
};
use super::{TableOp, TableOpKind, TablePlacement, TablePlan};
use crate::expr::ir::ScalarExpr;
use crate::syntax::ast::JoinKind;

fn fmt_name(f: Format) -> &'static str {
    match f {
        Format::Json => "json",
        Format::Csv => "csv",
    }
}

/// Renders the plan; `source` is the app text (queries are shown as written).
pub fn explain(plan: &Plan, source: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "streams:");
    for (sid, s) in plan.streams.iter().enumerate() {
        let cols = s
            .columns
            .iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect::<Vec<_>>()
            .join(", ");
        let is_table = plan.tables.iter().any(|t| t.insert_stream == sid);
        let _ = writeln!(
            out,
            "  {} ({cols}){}",
            s.name,
            if is_table {
                "  [table: rows of INSERT INTO]"
            } else if s.declared {
                ""
            } else {
                "  [implicit]"
            }
        );
    }
    let _ = writeln!(out, "sources:");
    for (sid, s) in plan
        .streams
        .iter()
        .enumerate()
        .filter(|(_, s)| s.source.is_some())
    {
        let how = match &s.source {
            Some(SourceSpec::File { path, format, .. }) if path == "-" => {
                format!("stdin ({}), read by worker 0", fmt_name(*format))
            }
            Some(SourceSpec::File { path, format, .. }) => {
                format!("file {path} ({}), split into fixed-size chunks read in parallel by every worker", fmt_name(*format))
            }
            Some(SourceSpec::Api) => "host API, fed on worker 0".to_string(),
            None => continue,
        };
        let time = match s.time.event_time {
            Some(c) => format!(
                "event time `{}`, watermark delay {} ms",
                s.columns[c].0, s.time.watermark_delay_ms
            ),
            None => "ingestion time".to_string(),
        };
        let late = match &s.time.late {
            LatePolicy::Drop => "late: drop (counted)".to_string(),
            LatePolicy::Stream(t) => format!("late: → {}", plan.streams[*t].name),
        };
        let errors = match &s.errors {
            ErrorStrategy::Skip => "bad records: skip (logged, counted)".to_string(),
            ErrorStrategy::Fail => "bad records: fail".to_string(),
            ErrorStrategy::Dlq(t) => format!("bad records: → {}", plan.streams[*t].name),
        };
        let _ = writeln!(
            out,
            "  [rank {}] {}: {how}; {time}; {late}; {errors}",
            s.rank, s.name
        );
        if plan.source_prefilter(sid).is_some() {
            let _ = writeln!(
                out,
                "    filter pushdown: records no consumer's WHERE accepts are dropped before they become rows"
            );
        }
    }
    let _ = writeln!(out, "queries:");
    for q in &plan.queries {
        let text = source
            .get(q.span.range())
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let inputs = match &q.join {
            Some(j) => format!(
                "{} ⋈ {}",
                plan.streams[j.sides[0].stream].name, plan.streams[j.sides[1].stream].name
            ),
            None => match probe_of(plan, q.input) {
                Some((t, o)) => format!(
                    "{} {} {} (probe of table {}, op {})",
                    plan.streams[o.input].name,
                    if matches!(o.kind, TableOpKind::Exists { .. }) {
                        "∃"
                    } else {
                        "⋈"
                    },
                    t.name,
                    t.name,
                    t.op
                ),
                None => plan.streams[q.input].name.clone(),
            },
        };
        let _ = writeln!(
            out,
            "  op {} {}: {inputs} → {}",
            q.id, q.name, plan.streams[q.output].name
        );
        let _ = writeln!(out, "    {text}");
        match &q.stateful {
            None => {
                let mut ops = Vec::new();
                if q.filter.is_some() {
                    ops.push("filter");
                }
                ops.push("project");
                let _ = writeln!(
                    out,
                    "    operators: {} (fused, stateless); parallelism: every worker, no exchange",
                    ops.join(" + ")
                );
            }
            Some(st) => match &q.join {
                Some(j) => explain_join(&mut out, plan, q, st, j),
                None => explain_stateful(&mut out, plan, q, st),
            },
        }
    }
    if !plan.tables.is_empty() {
        let _ = writeln!(out, "tables:");
        for t in &plan.tables {
            explain_table(&mut out, plan, t);
        }
    }
    let _ = writeln!(out, "sinks:");
    for s in plan.streams.iter().filter(|s| !s.sinks.is_empty()) {
        for k in &s.sinks {
            let to = match k {
                SinkSpec::File { path, format } if path == "-" => {
                    format!("stdout ({})", fmt_name(*format))
                }
                SinkSpec::File { path, format } => format!("{path} ({})", fmt_name(*format)),
                SinkSpec::Api => "host API".to_string(),
            };
            let _ = writeln!(out, "  {} → {to}: exchange to worker 0 (single writer), ordered by (time, key) once the frontier passes", s.name);
        }
    }
    if !plan.warnings.is_empty() {
        let _ = writeln!(out, "warnings: {}", plan.warnings.len());
    }
    out
}

/// A join query (§2.8): both sides, the join, the selector, placement and state.
fn explain_join(out: &mut String, plan: &Plan, q: &QueryPlan, st: &StatefulPlan, j: &JoinPlan) {
    let side = |s: &JoinSidePlan| {
        let window = match &s.window {
            Some(w) => format!("window {}", w.name()),
            None => "no window (keeps nothing)".to_string(),
        };
        let role = if s.triggers {
            "triggers"
        } else {
            "never triggers"
        };
        format!(
            "{} = {}: {window}, {role}",
            s.qualifier, plan.streams[s.stream].name
        )
    };
    let kind = match j.kind {
        JoinKind::Inner => "inner join",
        JoinKind::Left => "left outer join",
        JoinKind::Right => "right outer join",
        JoinKind::Full => "full outer join",
    };
    let cond = if j.on.is_some() {
        "ON"
    } else {
        "no ON: cross join"
    };
    let mut ops = vec![format!(
        "{kind} of [{}] and [{}], {cond}; each side's window chunk probes the other side's contents",
        side(&j.sides[0]),
        side(&j.sides[1])
    )];
    if j.filter.is_some() {
        ops.push("WHERE on joined rows".into());
    }
    let mut sel = Vec::new();
    if !st.aggregates.is_empty() {
        let names: Vec<&str> = st.aggregates.iter().map(|a| a.kind.name()).collect();
        sel.push(format!("aggregates {}", names.join(", ")));
    }
    if !st.group_by.is_empty() {
        sel.push("GROUP BY".into());
    }
    if st.having.is_some() {
        sel.push("HAVING".into());
    }
    ops.push(if sel.is_empty() {
        "selector".to_string()
    } else {
        format!("selector ({})", sel.join("; "))
    });
    if st.rate.is_some() {
        ops.push("rate limit".into());
    }
    let _ = writeln!(out, "    operators: {}", ops.join(" → "));
    let placement = match &st.placement {
        PlacementPlan::Keyed(_) => format!(
            "keyed: both sides exchanged by hash of the ON equality ({} of them) into 128 key groups spread over all workers",
            j.keys.len()
        ),
        _ => {
            let why = if j.keys.is_empty() {
                "ON has no equality between a left-side and a right-side expression"
            } else {
                "a side's window, an aggregate, ORDER BY/LIMIT or a rate limit needs the whole stream"
            };
            format!(
                "global: runs on ONE worker (worker {} mod the number of workers); does not scale with -w/-n ({why})",
                q.id
            )
        }
    };
    let _ = writeln!(out, "    parallelism: {placement}");
    let _ = writeln!(
        out,
        "    state: per key group (both windows, one accumulator set per group); time: both inputs merged in (time, key) order, window timers first (left side's, then right side's)"
    );
}

/// A stateful query: its operator chain, placement and state.
fn explain_stateful(out: &mut String, plan: &Plan, q: &QueryPlan, st: &StatefulPlan) {
    let cols = &plan.streams[q.input].columns;
    let name_of = |e: &ScalarExpr| match e {
        ScalarExpr::Column(c) => cols.get(*c).map_or("?".to_string(), |(n, _)| n.to_string()),
        _ => "expression".to_string(),
    };
    let mut ops = Vec::new();
    if q.filter.is_some() {
        ops.push("filter (before the window, on the reading worker)".to_string());
    }
    ops.push(match &st.window {
        Some(w) => format!("window {}", w.name()),
        None => "no window (aggregates over the whole history)".to_string(),
    });
    let mut sel = Vec::new();
    if !st.aggregates.is_empty() {
        let names: Vec<&str> = st.aggregates.iter().map(|a| a.kind.name()).collect();
        sel.push(format!("aggregates {}", names.join(", ")));
    }
    if !st.group_by.is_empty() {
        let keys: Vec<String> = st.group_by.iter().map(name_of).collect();
        sel.push(format!("GROUP BY {}", keys.join(", ")));
    }
    if st.having.is_some() {
        sel.push("HAVING".into());
    }
    if !st.order_by.is_empty() || st.limit.is_some() || st.offset > 0 {
        sel.push("ORDER BY/LIMIT/OFFSET per chunk".into());
    }
    ops.push(if sel.is_empty() {
        "selector".to_string()
    } else {
        format!("selector ({})", sel.join("; "))
    });
    if let Some(r) = &st.rate {
        let mode = match r.mode {
            RateMode::All => "ALL",
            RateMode::First => "FIRST",
            RateMode::Last => "LAST",
            RateMode::Snapshot => "SNAPSHOT",
        };
        ops.push(match r.every {
            RateEvery::Events(n) => format!("rate limit {mode} every {n} events"),
            RateEvery::Time(ms) => format!("rate limit {mode} every {ms} ms (event time)"),
        });
    }
    let _ = writeln!(out, "    operators: {}", ops.join(" → "));
    let placement = match &st.placement {
        PlacementPlan::Keyed(keys) => {
            let keys: Vec<String> = keys.iter().map(name_of).collect();
            format!(
                "keyed: exchange by hash({}) into 128 key groups spread over all workers",
                keys.join(", ")
            )
        }
        PlacementPlan::ByRecord => {
            "keyed by record: events never interact, exchange by hash of each record's ordering key over 128 key groups".to_string()
        }
        PlacementPlan::Global => format!(
            "global: runs on ONE worker (worker {} mod the number of workers); does not scale with -w/-n",
            q.id
        ),
    };
    let _ = writeln!(out, "    parallelism: {placement}");
    let _ = writeln!(
        out,
        "    state: per key group (window contents and one accumulator set per group); time: processed per event time in (time, key) order, timers first"
    );
}

/// The table probe whose output stream is `sid`, if any.
fn probe_of(plan: &Plan, sid: usize) -> Option<(&TablePlan, &TableOp)> {
    plan.tables.iter().find_map(|t| {
        t.ops
            .iter()
            .find(|o| o.kind.output() == Some(sid))
            .map(|o| (t, o))
    })
}

fn explain_table(out: &mut String, plan: &Plan, t: &TablePlan) {
    let cols = t
        .columns
        .iter()
        .map(|(n, ty)| format!("{n} {ty}"))
        .collect::<Vec<_>>()
        .join(", ");
    let key = if t.primary_key.is_empty() {
        "no primary key".to_string()
    } else {
        format!(
            "primary key ({})",
            t.primary_key
                .iter()
                .map(|&c| t.columns[c].0.as_ref())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let store = match t.cache_max {
        Some(n) => format!("cache, max_size {n} (evicts the least recently inserted row)"),
        None => "inMemory".to_string(),
    };
    let _ = writeln!(out, "  op {} {} ({cols}): {key}; {store}", t.op, t.name);
    match &t.placement {
        TablePlacement::Keyed => {
            let _ = writeln!(
                out,
                "    placement: keyed — rows in 128 key groups by primary key; every operation pins the key and goes to its key group (scales with workers)"
            );
        }
        TablePlacement::Global(why) => {
            let _ = writeln!(
                out,
                "    placement: global — the whole table and its operations on one worker (op {} mod workers), because {why}",
                t.op
            );
        }
    }
    let _ = writeln!(
        out,
        "    state: rows by insertion order and a primary-key index, per key group; order: (time, ordering key), a probe sees the mutations whose records sort before its own (same record: probes first)"
    );
    for o in &t.ops {
        let target = match o.kind.output() {
            Some(s) => format!(" → {}", plan.streams[s].name),
            None => String::new(),
        };
        let how = match &o.kind {
            TableOpKind::Insert if t.primary_key.is_empty() => "appends the row",
            TableOpKind::Insert => "appends the row unless its key is present",
            _ if o.key.is_some() && !t.primary_key.is_empty() => "pins the key: index lookup",
            _ => "scans the rows",
        };
        let from = match &o.kind {
            TableOpKind::Insert => format!("the rows of INSERT INTO {}", t.name),
            TableOpKind::Upsert { .. } => "the rows of its SELECT".to_string(),
            _ => plan.streams[o.input].name.clone(),
        };
        let _ = writeln!(
            out,
            "    {} (statement {}) from {from}{target}; {how}",
            o.kind.word(),
            o.stmt
        );
    }
}
