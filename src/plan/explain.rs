//! EXPLAIN: the physical plan as text — sources and how they are read, each query's
//! operators and where they run, exchanges, state, and sinks.

use std::fmt::Write;

use super::{ErrorStrategy, Format, LatePolicy, Plan, SinkSpec, SourceSpec};

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
    for s in &plan.streams {
        let cols = s
            .columns
            .iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "  {} ({cols}){}",
            s.name,
            if s.declared { "" } else { "  [implicit]" }
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
        let _ = writeln!(
            out,
            "  op {} {}: {} → {}",
            q.id, q.name, plan.streams[q.input].name, plan.streams[q.output].name
        );
        let _ = writeln!(out, "    {text}");
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
