//! Window calls (LANGUAGE.md §2.5): the catalogue of window names, their argument
//! signatures, and the checked [`WindowKind`] the operators run.
//!
//! Names match ignoring ASCII case and `_` (`timeBatch` = `time_batch` = `TIMEBATCH`).
//! An argument that names an attribute must be a plain attribute of the input; every
//! other argument must be a constant. Errors point at the offending argument
//! (or at the window-name literal for unknown names and wrong arity).

// A plan error is built once per failed plan, never on a hot path.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::expr::compile::eval_const;
use crate::syntax::ast::{Expr, ExprKind, Literal, WindowSpec};
use crate::value::{DataType, Value};

use super::cron::CronSchedule;
use super::resolve::{resolve, Clause, Scope};

/// A checked window: what the window operator runs. Durations are milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub enum WindowKind {
    Length {
        n: u64,
    },
    LengthBatch {
        n: u64,
        stream_current: bool,
    },
    Time {
        t: i64,
    },
    /// `timeBatch` and `tumbling`: batches `[start + k·t, start + (k+1)·t)`.
    TimeBatch {
        t: i64,
        start: i64,
        stream_current: bool,
    },
    /// `hop` / `sliding`: windows `[k·slide, k·slide + size)`.
    Hop {
        size: i64,
        slide: i64,
    },
    ExternalTime {
        attr: usize,
        t: i64,
    },
    ExternalTimeBatch {
        attr: usize,
        t: i64,
        start: Option<i64>,
        timeout: Option<i64>,
        replace: bool,
    },
    Session {
        gap: i64,
        key: Option<usize>,
        latency: i64,
    },
    /// Keys with `desc` flags, most significant first.
    Sort {
        n: u64,
        keys: Vec<(usize, bool)>,
    },
    Unique {
        attr: usize,
    },
    FirstUnique {
        attr: usize,
    },
    Delay {
        t: i64,
    },
    /// `expression('count() <= max')` (`count() < N` is `max = N - 1`).
    Expression {
        max: u64,
    },
    ExpressionBatch {
        max: u64,
        include_trigger: bool,
        stream_current: bool,
    },
    /// Misra-Gries heavy hitters; an empty `attrs` means all attributes.
    Frequent {
        n: u64,
        attrs: Vec<usize>,
    },
    LossyFrequent {
        support: f64,
        error: f64,
        attrs: Vec<usize>,
    },
    Cron {
        schedule: CronSchedule,
    },
    TimeLength {
        t: i64,
        n: u64,
    },
}

/// How a window lets its query be partitioned over workers (§3.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Partitioning {
    /// Each event's fate depends only on itself and the clock: any partition works.
    PerEvent,
    /// Events interact only with events of equal values of these attributes.
    ByAttrs(Vec<usize>),
    /// Events interact across the whole stream (count-based windows).
    Whole,
}

impl WindowKind {
    /// Canonical SQL name (EXPLAIN).
    pub fn name(&self) -> &'static str {
        match self {
            WindowKind::Length { .. } => "length",
            WindowKind::LengthBatch { .. } => "lengthBatch",
            WindowKind::Time { .. } => "time",
            WindowKind::TimeBatch { .. } => "timeBatch",
            WindowKind::Hop { .. } => "hop",
            WindowKind::ExternalTime { .. } => "externalTime",
            WindowKind::ExternalTimeBatch { .. } => "externalTimeBatch",
            WindowKind::Session { .. } => "session",
            WindowKind::Sort { .. } => "sort",
            WindowKind::Unique { .. } => "unique",
            WindowKind::FirstUnique { .. } => "firstUnique",
            WindowKind::Delay { .. } => "delay",
            WindowKind::Expression { .. } => "expression",
            WindowKind::ExpressionBatch { .. } => "expressionBatch",
            WindowKind::Frequent { .. } => "frequent",
            WindowKind::LossyFrequent { .. } => "lossyFrequent",
            WindowKind::Cron { .. } => "cron",
            WindowKind::TimeLength { .. } => "timeLength",
        }
    }

    /// Whether events leave the window only in arrival order (or all at once by a
    /// RESET), so `min`/`max`/`first`/`last` can use deques instead of ordered maps.
    pub fn removes_in_arrival_order(&self) -> bool {
        !matches!(
            self,
            WindowKind::Sort { .. }
                | WindowKind::Unique { .. }
                | WindowKind::FirstUnique { .. }
                | WindowKind::Frequent { .. }
                | WindowKind::LossyFrequent { .. }
                | WindowKind::Session { .. }
        )
    }

    /// Whether the window emits its events in batch flushes (§2.4.8).
    pub fn is_batch(&self) -> bool {
        matches!(
            self,
            WindowKind::LengthBatch { .. }
                | WindowKind::TimeBatch { .. }
                | WindowKind::ExternalTimeBatch { .. }
                | WindowKind::ExpressionBatch { .. }
                | WindowKind::Cron { .. }
                | WindowKind::Hop { .. }
        )
    }

    pub fn partitioning(&self) -> Partitioning {
        match self {
            WindowKind::Time { .. }
            | WindowKind::TimeBatch { .. }
            | WindowKind::Hop { .. }
            | WindowKind::Delay { .. }
            | WindowKind::Cron { .. } => Partitioning::PerEvent,
            WindowKind::Session { key: Some(k), .. } => Partitioning::ByAttrs(vec![*k]),
            WindowKind::Unique { attr } | WindowKind::FirstUnique { attr } => {
                Partitioning::ByAttrs(vec![*attr])
            }
            _ => Partitioning::Whole,
        }
    }
}

/// The window names of the SQL surface, canonical spelling first.
const NAMES: &[&str] = &[
    "length",
    "lengthBatch",
    "time",
    "timeBatch",
    "tumbling",
    "hop",
    "sliding",
    "externalTime",
    "externalTimeBatch",
    "session",
    "sort",
    "unique",
    "firstUnique",
    "delay",
    "expression",
    "expressionBatch",
    "frequent",
    "lossyFrequent",
    "cron",
    "timeLength",
];

fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Checks a `WINDOW('name', args…)` call against the input `columns`.
pub fn plan_window(
    spec: &WindowSpec,
    columns: &[(Arc<str>, DataType)],
    qualifier: &str,
    stream: &str,
) -> Result<WindowKind, Diagnostic> {
    let wanted = normalize(&spec.name.value);
    let Some(canonical) = NAMES.iter().copied().find(|n| normalize(n) == wanted) else {
        if wanted == "batch" || wanted == "lossycounting" {
            return Err(Diagnostic::error(
                "E0900",
                format!("window '{}' is not supported yet", spec.name.value),
            )
            .at(spec.name.span)
            .label("Siddhi-only window")
            .help("use 'lengthBatch' or 'timeBatch' instead"));
        }
        let mut d = Diagnostic::error("E0401", format!("unknown window '{}'", spec.name.value))
            .at(spec.name.span)
            .label("not a window name");
        let folded: Vec<(String, &str)> = NAMES.iter().map(|n| (normalize(n), *n)).collect();
        d = match did_you_mean(&wanted, folded.iter().map(|(f, _)| f.as_str())) {
            Some(f) => {
                let name = folded
                    .iter()
                    .find(|(g, _)| g == f)
                    .map(|(_, n)| *n)
                    .unwrap_or(f);
                d.help(format!("did you mean '{name}'?"))
            }
            None => d.help(format!("windows are: {}", NAMES.join(", "))),
        };
        return Err(d);
    };
    let a = Args {
        window: canonical,
        spec,
        columns,
        qualifier,
        stream,
    };
    let kind = match canonical {
        "length" => {
            a.arity(1, 1, "length(n)")?;
            WindowKind::Length { n: a.count(0)? }
        }
        "lengthBatch" => {
            a.arity(1, 2, "lengthBatch(n [, streamCurrent])")?;
            WindowKind::LengthBatch {
                n: a.count(0)?,
                stream_current: a.opt_bool(1)?.unwrap_or(false),
            }
        }
        "time" => {
            a.arity(1, 1, "time(duration)")?;
            WindowKind::Time { t: a.duration(0)? }
        }
        "timeBatch" | "tumbling" => {
            a.arity(1, 3, "timeBatch(duration [, start] [, streamCurrent])")?;
            // The second argument is the start (LONG) or streamCurrent (BOOL).
            let mut start = 0;
            let mut stream_current = false;
            if a.len() >= 2 {
                match a.constant(1)? {
                    (Value::Bool(b), _) if a.len() == 2 => stream_current = b,
                    _ => start = a.long(1)?,
                }
            }
            if a.len() == 3 {
                stream_current = a.bool(2)?;
            }
            WindowKind::TimeBatch {
                t: a.duration(0)?,
                start,
                stream_current,
            }
        }
        "hop" | "sliding" => {
            a.arity(2, 2, "hop(size, slide)")?;
            let size = a.duration(0)?;
            let slide = a.duration(1)?;
            WindowKind::Hop { size, slide }
        }
        "externalTime" => {
            a.arity(2, 2, "externalTime(tsAttr, duration)")?;
            WindowKind::ExternalTime {
                attr: a.long_attr(0)?,
                t: a.duration(1)?,
            }
        }
        "externalTimeBatch" => {
            a.arity(
                2,
                5,
                "externalTimeBatch(tsAttr, duration [, start [, timeout [, replaceTs]]])",
            )?;
            WindowKind::ExternalTimeBatch {
                attr: a.long_attr(0)?,
                t: a.duration(1)?,
                start: if a.len() > 2 { Some(a.long(2)?) } else { None },
                timeout: if a.len() > 3 {
                    Some(a.duration(3)?)
                } else {
                    None
                },
                replace: a.opt_bool(4)?.unwrap_or(false),
            }
        }
        "session" => {
            a.arity(1, 3, "session(gap [, keyAttr] [, allowedLatency])")?;
            let gap = a.duration(0)?;
            let mut key = None;
            let mut latency = 0;
            match a.len() {
                2 => {
                    if a.is_attr(1) {
                        key = Some(a.attr(1)?);
                    } else {
                        latency = a.duration_nonneg(1)?;
                    }
                }
                3 => {
                    key = Some(a.attr(1)?);
                    latency = a.duration_nonneg(2)?;
                }
                _ => {}
            }
            if latency >= gap {
                return Err(a.bad(
                    a.len() - 1,
                    "allowedLatency must be shorter than the gap",
                    "Siddhi requires allowedLatency < gap",
                ));
            }
            WindowKind::Session { gap, key, latency }
        }
        "sort" => {
            if a.len() < 2 {
                return Err(a.arity_error(
                    "at least 2 arguments",
                    "sort(n, attr [, 'asc'|'desc'] {, attr [, order]})",
                ));
            }
            let n = a.count(0)?;
            let mut keys = Vec::new();
            let mut i = 1;
            while i < a.len() {
                let attr = a.attr(i)?;
                i += 1;
                let mut desc = false;
                if i < a.len() && !a.is_attr(i) {
                    let s = a.string(i)?;
                    desc = match s.to_ascii_lowercase().as_str() {
                        "asc" => false,
                        "desc" => true,
                        _ => {
                            return Err(a.bad(
                                i,
                                "sort order must be 'asc' or 'desc'",
                                "write 'asc' or 'desc'",
                            ))
                        }
                    };
                    i += 1;
                }
                keys.push((attr, desc));
            }
            WindowKind::Sort { n, keys }
        }
        "unique" => {
            a.arity(1, 1, "unique(keyAttr)")?;
            WindowKind::Unique { attr: a.attr(0)? }
        }
        "firstUnique" => {
            a.arity(1, 1, "firstUnique(keyAttr)")?;
            WindowKind::FirstUnique { attr: a.attr(0)? }
        }
        "delay" => {
            a.arity(1, 1, "delay(duration)")?;
            WindowKind::Delay {
                t: a.duration_nonneg(0)?,
            }
        }
        "expression" => {
            a.arity(1, 1, "expression('count() <= N')")?;
            WindowKind::Expression {
                max: a.count_expression(0)?,
            }
        }
        "expressionBatch" => {
            a.arity(
                1,
                3,
                "expressionBatch('count() <= N' [, includeTrigger [, streamCurrent]])",
            )?;
            WindowKind::ExpressionBatch {
                max: a.count_expression(0)?,
                include_trigger: a.opt_bool(1)?.unwrap_or(false),
                stream_current: a.opt_bool(2)?.unwrap_or(false),
            }
        }
        "frequent" => {
            if a.is_empty() {
                return Err(a.arity_error("at least 1 argument", "frequent(n [, attr…])"));
            }
            let n = a.count(0)?;
            let attrs = (1..a.len()).map(|i| a.attr(i)).collect::<Result<_, _>>()?;
            WindowKind::Frequent { n, attrs }
        }
        "lossyFrequent" => {
            if a.is_empty() {
                return Err(a.arity_error(
                    "at least 1 argument",
                    "lossyFrequent(support [, error] [, attr…])",
                ));
            }
            let support = a.fraction(0)?;
            let mut i = 1;
            let mut error = support / 10.0;
            if a.len() > 1 && !a.is_attr(1) {
                error = a.fraction(1)?;
                i = 2;
            }
            if error >= support {
                return Err(a.bad(
                    1,
                    "the error must be smaller than the support",
                    "e.g. lossyFrequent(0.1, 0.01, attr)",
                ));
            }
            let attrs = (i..a.len()).map(|i| a.attr(i)).collect::<Result<_, _>>()?;
            WindowKind::LossyFrequent {
                support,
                error,
                attrs,
            }
        }
        "cron" => {
            a.arity(1, 1, "cron('sec min hour day month weekday')")?;
            let text = a.string(0)?;
            let schedule = CronSchedule::parse(&text).map_err(|m| {
                a.bad(
                    0,
                    &format!("bad cron expression: {m}"),
                    "six fields, seconds first, e.g. '0 */5 * * * *'",
                )
            })?;
            WindowKind::Cron { schedule }
        }
        "timeLength" => {
            a.arity(2, 2, "timeLength(duration, n)")?;
            WindowKind::TimeLength {
                t: a.duration(0)?,
                n: a.count(1)?,
            }
        }
        _ => unreachable!("every name of NAMES is handled"),
    };
    if let WindowKind::Hop { size, slide } = kind {
        if slide > size {
            return Err(a.bad(
                1,
                "the slide must not exceed the size",
                "windows would leave gaps; use 'tumbling' for slide = size",
            ));
        }
    }
    if !RUNNABLE.contains(&kind.name()) {
        return Err(Diagnostic::error(
            "E0900",
            format!("window '{}' is not supported yet", spec.name.value),
        )
        .at(spec.name.span)
        .label("parsed and checked, but this engine cannot run it yet")
        .help(format!("windows that run now: {}", RUNNABLE.join(", "))));
    }
    Ok(kind)
}

/// Window kinds the operators implement (by [`WindowKind::name`]).
const RUNNABLE: &[&str] = &[
    "length",
    "time",
    "timeBatch",
    "cron",
    "frequent",
    "lossyFrequent",
    "lengthBatch",
    "externalTime",
    "externalTimeBatch",
    "hop",
    "expression",
    "expressionBatch",
    "session",
    "sort",
    "unique",
    "firstUnique",
    "timeLength",
    "delay",
];

struct Args<'a> {
    window: &'a str,
    spec: &'a WindowSpec,
    columns: &'a [(Arc<str>, DataType)],
    qualifier: &'a str,
    stream: &'a str,
}

impl Args<'_> {
    fn len(&self) -> usize {
        self.spec.args.len()
    }
    fn is_empty(&self) -> bool {
        self.spec.args.is_empty()
    }
    fn arg(&self, i: usize) -> &Expr {
        &self.spec.args[i]
    }
    /// `expects` completes "'name' takes …", e.g. "1 argument", "at least 2 arguments".
    fn arity_error(&self, expects: &str, signature: &str) -> Diagnostic {
        Diagnostic::error(
            "E0402",
            format!(
                "window '{}' does not take {} argument{}",
                self.window,
                self.len(),
                if self.len() == 1 { "" } else { "s" }
            ),
        )
        .at(self.spec.name.span)
        .label(format!("'{}' takes {expects}", self.window))
        .help(format!("the form is {signature}"))
    }
    fn arity(&self, min: usize, max: usize, signature: &str) -> Result<(), Diagnostic> {
        if self.len() < min || self.len() > max {
            let plural = if max == 1 { "" } else { "s" };
            let expects = if min == max {
                format!("{min} argument{plural}")
            } else {
                format!("{min} to {max} arguments")
            };
            return Err(self.arity_error(&expects, signature));
        }
        Ok(())
    }
    fn bad(&self, i: usize, msg: &str, help: &str) -> Diagnostic {
        let span = self
            .spec
            .args
            .get(i)
            .map(|e| e.span)
            .unwrap_or(self.spec.name.span);
        Diagnostic::error("E0403", msg.to_string())
            .at(span)
            .label(format!("argument {} of '{}'", i + 1, self.window))
            .help(help.to_string())
    }
    /// A constant argument, folded.
    fn constant(&self, i: usize) -> Result<(Value, DataType), Diagnostic> {
        let scope = Scope {
            qualifier: self.qualifier,
            stream: self.stream,
            columns: self.columns,
            clause: Clause::Window,
            query_id: 0,
            aggs: None,
            aliases: &[],
            join: None,
            exists: &[],
        };
        let (x, t) = resolve(self.arg(i), &scope)?;
        if !x.is_constant() {
            return Err(self.bad(
                i,
                "window arguments must be constants",
                "write a literal such as 10 or 5 SECONDS",
            ));
        }
        Ok((eval_const(&x), t))
    }
    fn long(&self, i: usize) -> Result<i64, Diagnostic> {
        match self.constant(i)? {
            (Value::Int(v), _) => Ok(i64::from(v)),
            (Value::Long(v), _) => Ok(v),
            (_, t) => Err(self.bad(
                i,
                &format!("expected an integer, found {t}"),
                "write an integer literal",
            )),
        }
    }
    /// A count: an integer ≥ 1.
    fn count(&self, i: usize) -> Result<u64, Diagnostic> {
        let v = self.long(i)?;
        if v < 1 {
            return Err(self.bad(
                i,
                &format!("expected a count of at least 1, found {v}"),
                "a window must hold at least one event",
            ));
        }
        Ok(v as u64)
    }
    /// A duration literal (`5 SECONDS`) or an integer number of milliseconds, > 0.
    fn duration(&self, i: usize) -> Result<i64, Diagnostic> {
        let v = self.duration_nonneg(i)?;
        if v == 0 {
            return Err(self.bad(i, "a duration must be positive", "e.g. 100 MILLISECONDS"));
        }
        Ok(v)
    }
    fn duration_nonneg(&self, i: usize) -> Result<i64, Diagnostic> {
        let v = match &self.arg(i).kind {
            ExprKind::Duration(_) => self.long(i)?,
            _ => match self.constant(i)? {
                (Value::Int(v), _) => i64::from(v),
                (Value::Long(v), _) => v,
                (_, t) => {
                    return Err(self.bad(
                        i,
                        &format!("expected a duration, found {t}"),
                        "write e.g. 5 SECONDS or a number of milliseconds",
                    ))
                }
            },
        };
        if v < 0 {
            return Err(self.bad(i, "a duration cannot be negative", "e.g. 100 MILLISECONDS"));
        }
        Ok(v)
    }
    fn bool(&self, i: usize) -> Result<bool, Diagnostic> {
        match self.constant(i)? {
            (Value::Bool(b), _) => Ok(b),
            (_, t) => Err(self.bad(
                i,
                &format!("expected BOOL, found {t}"),
                "write true or false",
            )),
        }
    }
    fn opt_bool(&self, i: usize) -> Result<Option<bool>, Diagnostic> {
        if i < self.len() {
            self.bool(i).map(Some)
        } else {
            Ok(None)
        }
    }
    fn string(&self, i: usize) -> Result<String, Diagnostic> {
        match self.constant(i)? {
            (Value::Str(s), _) => Ok(s.to_string()),
            (_, t) => Err(self.bad(
                i,
                &format!("expected a STRING, found {t}"),
                "write a string literal in single quotes",
            )),
        }
    }
    /// A number in (0, 1).
    fn fraction(&self, i: usize) -> Result<f64, Diagnostic> {
        let v = match self.constant(i)? {
            (Value::Double(v), _) => v,
            (Value::Float(v), _) => f64::from(v),
            (_, t) => {
                return Err(self.bad(
                    i,
                    &format!("expected a DOUBLE, found {t}"),
                    "write e.g. 0.1",
                ))
            }
        };
        if !(v > 0.0 && v < 1.0) {
            return Err(self.bad(i, "expected a fraction between 0 and 1", "write e.g. 0.1"));
        }
        Ok(v)
    }
    fn is_attr(&self, i: usize) -> bool {
        matches!(self.arg(i).kind, ExprKind::Column { .. })
    }
    /// A plain attribute of the input.
    fn attr(&self, i: usize) -> Result<usize, Diagnostic> {
        let ExprKind::Column { qualifier, name } = &self.arg(i).kind else {
            // A quoted attribute name is the likely slip (Siddhi's extensions take
            // some keys as strings).
            let help = match &self.arg(i).kind {
                ExprKind::Literal(Literal::String(s))
                    if self.columns.iter().any(|(n, _)| n.as_ref() == s) =>
                {
                    format!("write the attribute without quotes: {s}")
                }
                _ => match self.columns.first() {
                    Some((n, _)) => {
                        format!("name an attribute of `{}`, e.g. {n}", self.stream)
                    }
                    None => format!("name an attribute of `{}`", self.stream),
                },
            };
            return Err(self.bad(i, "expected an attribute of the input", &help));
        };
        if let Some(q) = qualifier {
            if q.name != self.qualifier {
                return Err(
                    Diagnostic::error("E0104", format!("unknown qualifier `{}`", q.name))
                        .at(q.span)
                        .help(format!("the input is `{}`", self.qualifier)),
                );
            }
        }
        match self
            .columns
            .iter()
            .position(|(n, _)| n.as_ref() == name.name)
        {
            Some(c) => Ok(c),
            None => {
                let mut d = Diagnostic::error(
                    "E0102",
                    format!("unknown attribute `{}` in `{}`", name.name, self.stream),
                )
                .at(name.span)
                .label("not an attribute of the input");
                if let Some(s) =
                    did_you_mean(&name.name, self.columns.iter().map(|(n, _)| n.as_ref()))
                {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                Err(d)
            }
        }
    }
    fn long_attr(&self, i: usize) -> Result<usize, Diagnostic> {
        let c = self.attr(i)?;
        let t = self.columns[c].1;
        if !matches!(t, DataType::Long | DataType::Int) {
            return Err(self.bad(
                i,
                &format!("the timestamp attribute must be LONG, found {t}"),
                "name a LONG attribute holding milliseconds",
            ));
        }
        Ok(c)
    }
    /// `'count() <= N'` or `'count() < N'`, the forms of expression windows in v1.
    fn count_expression(&self, i: usize) -> Result<u64, Diagnostic> {
        let text = self.string(i)?;
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let lower = compact.to_ascii_lowercase();
        let parsed = if let Some(n) = lower.strip_prefix("count()<=") {
            n.parse::<u64>().ok()
        } else if let Some(n) = lower.strip_prefix("count()<") {
            n.parse::<u64>().ok().and_then(|n| n.checked_sub(1))
        } else {
            None
        };
        match parsed {
            Some(m) if m >= 1 => Ok(m),
            Some(_) => Err(self.bad(
                i,
                "the window would hold no events",
                "use a bound of at least 1",
            )),
            None => Err(Diagnostic::error(
                "E0900",
                format!("expression window '{text}' is not supported yet"),
            )
            .at(self.arg(i).span)
            .label("only 'count() <= N' and 'count() < N' run in this version")
            .help("rewrite the condition as a count bound, e.g. 'count() <= 10'")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn names_ignore_case_and_underscores() {
        assert_eq!(normalize("time_Batch"), normalize("timeBatch"));
        assert_eq!(normalize("LENGTH"), "length");
    }
}
