//! Name resolution and typing of expressions (LANGUAGE.md §1.5–1.8, §2.7).
//!
//! Turns an AST expression into a typed [`ScalarExpr`] over column indexes of one
//! input schema, inserting numeric widening, desugaring `CASE x WHEN`, and folding
//! constants. Errors carry the span of the offending item and a help line.

// A plan error is built once per failed plan, never on a hot path: a large
// `Err(Diagnostic)` costs nothing that matters, and boxing it would obscure every `?`.
#![allow(clippy::result_large_err)]

use std::cell::RefCell;
use std::sync::Arc;

use crate::diagnostics::{did_you_mean, Diagnostic, Span};
use crate::expr::aggregate::{aggregate_names, resolve_aggregate, AggKind};
use crate::expr::cast::cast_ok;
use crate::expr::compile::fold;
use crate::expr::functions::{self, FnError};
use crate::expr::ir::{ArithOp, CmpOp, LikeSource, ScalarExpr};
use crate::expr::like::LikePattern;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Literal, UnaryOp};
use crate::syntax::printer::print_expr;
use crate::value::{DataType, Value};

/// Siddhi's `unionSet` parses as an aggregate call, so that it is reported as an
/// unsupported aggregate (there is no set type in v1) rather than an unknown function.
const RESERVED_AGGREGATES: &[&str] = &["unionSet"];

/// Aggregate function names (§2.6): the supported ones, then the reserved ones. They
/// are not scalar functions.
fn aggregate_call_names() -> impl Iterator<Item = &'static str> {
    aggregate_names().iter().chain(RESERVED_AGGREGATES).copied()
}

pub fn is_aggregate(name: &str) -> bool {
    aggregate_call_names().any(|a| a.eq_ignore_ascii_case(name))
}

/// Where an expression is written; decides what is allowed in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clause {
    Where,
    /// A join's ON condition.
    On,
    Select,
    Having,
    GroupBy,
    /// Inside an aggregate's argument (a nested aggregate is an error).
    AggregateArg,
    /// A window argument.
    Window,
}

impl Clause {
    fn word(self) -> &'static str {
        match self {
            Clause::Where => "WHERE",
            Clause::On => "ON",
            Clause::Select => "SELECT",
            Clause::Having => "HAVING",
            Clause::GroupBy => "GROUP BY",
            Clause::AggregateArg => "another aggregate's argument",
            Clause::Window => "a window argument",
        }
    }
}

/// One aggregate call of a query (§2.6), evaluated per group by the selector.
#[derive(Clone, Debug)]
pub struct AggCall {
    pub kind: AggKind,
    /// The argument over the input row; `None` for `count()`/`count(*)`.
    pub arg: Option<ScalarExpr>,
    pub arg_type: DataType,
    pub ty: DataType,
    /// Printed call, to share one accumulator between identical calls.
    pub text: String,
}

/// Collects the aggregate calls of SELECT and HAVING. A call resolves to the column
/// `base + j` of the selector's extended row (input columns, then aggregate values).
#[derive(Debug, Default)]
pub struct AggCollector {
    pub base: usize,
    pub calls: Vec<AggCall>,
}

/// The names visible to an expression: one input relation.
pub struct Scope<'a> {
    /// Qualifiers that name the input: the alias if one was given, else the stream name.
    pub qualifier: &'a str,
    /// The stream name (to explain why `S.x` is invalid once an alias exists).
    pub stream: &'a str,
    pub columns: &'a [(Arc<str>, DataType)],
    pub clause: Clause,
    /// Seed for deterministic `uuid()` (the query id).
    pub query_id: u32,
    /// Where SELECT and HAVING put their aggregate calls; `None` where aggregates are
    /// not allowed.
    pub aggs: Option<&'a RefCell<AggCollector>>,
    /// Output aliases visible in HAVING (resolved select expressions); they win over
    /// input attributes of the same name, as HAVING sees the output row (§2.4.4).
    pub aliases: &'a [(Arc<str>, ScalarExpr, DataType)],
    /// In a join query: the two inputs. `columns` is then the joined row (the left
    /// side's attributes, then the right side's) and names resolve through the sides.
    pub join: Option<&'a JoinScope<'a>>,
    /// `[NOT] EXISTS (SELECT * FROM T WHERE …)` sub-queries the planner has turned into
    /// lookups: the start offset of each one's span and the BOOL column its result is
    /// appended at. An EXISTS not listed here is not allowed where it is written.
    pub exists: &'a [(usize, usize)],
}

/// One input of a join as names see it.
pub struct JoinSide<'a> {
    /// The alias if one was given, else the stream name.
    pub qualifier: &'a str,
    pub stream: &'a str,
    pub columns: &'a [(Arc<str>, DataType)],
}

/// The two inputs of a join query (§2.8); the right side's columns follow the left
/// side's in the joined row.
pub struct JoinScope<'a> {
    pub left: JoinSide<'a>,
    pub right: JoinSide<'a>,
    /// Which side a bare name found on both sides belongs to; `None`: it is ambiguous.
    /// Table statements use it (§2.10: in UPDATE and DELETE a bare name refers to the
    /// table first; in UPSERT's ON, to the SELECT output).
    pub prefer: Option<Prefer>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefer {
    Left,
    Right,
}

pub type Typed = (ScalarExpr, DataType);

pub fn resolve(e: &Expr, scope: &Scope) -> Result<Typed, Diagnostic> {
    let (x, t) = resolve_inner(e, scope, 0)?;
    Ok((fold(x), t))
}

/// Resolves and requires BOOL (WHERE, HAVING, ON, filters).
pub fn resolve_bool(e: &Expr, scope: &Scope) -> Result<ScalarExpr, Diagnostic> {
    let (x, t) = resolve(e, scope)?;
    if t != DataType::Bool && t != DataType::Object {
        return Err(Diagnostic::error(
            "E0203",
            format!("{} condition must be BOOL, found {t}", scope.clause.word()),
        )
        .at(e.span)
        .label(format!("this is {t}"))
        .help("write a comparison, e.g. `price > 10.0`"));
    }
    Ok(x)
}

fn literal(l: &Literal) -> Typed {
    match l {
        Literal::Int { value, long_suffix } => {
            if !*long_suffix {
                if let Ok(v) = i32::try_from(*value) {
                    return (ScalarExpr::Literal(Value::Int(v)), DataType::Int);
                }
            }
            (ScalarExpr::Literal(Value::Long(*value)), DataType::Long)
        }
        Literal::Float {
            value,
            float_suffix: true,
        } => (
            ScalarExpr::Literal(Value::Float(*value as f32)),
            DataType::Float,
        ),
        Literal::Float { value, .. } => {
            (ScalarExpr::Literal(Value::Double(*value)), DataType::Double)
        }
        Literal::String(s) => (ScalarExpr::Literal(Value::str(s)), DataType::String),
        Literal::Bool(b) => (ScalarExpr::Literal(Value::Bool(*b)), DataType::Bool),
        Literal::Null => (ScalarExpr::Literal(Value::Null), DataType::Object),
    }
}

fn widen(x: ScalarExpr, from: DataType, to: DataType) -> ScalarExpr {
    if from == to || from == DataType::Object {
        x
    } else {
        ScalarExpr::Widen {
            expr: x.boxed(),
            to,
        }
    }
}

fn column(
    qualifier: Option<&crate::syntax::ast::Ident>,
    name: &crate::syntax::ast::Ident,
    scope: &Scope,
) -> Result<Typed, Diagnostic> {
    if let Some(j) = scope.join {
        return join_column(qualifier, name, scope, j);
    }
    if let Some(q) = qualifier {
        if q.name != scope.qualifier {
            let mut d = Diagnostic::error("E0104", format!("unknown qualifier `{}`", q.name))
                .at(q.span)
                .label("not a relation of this query");
            d = if q.name == scope.stream {
                d.help(format!(
                    "`{}` has the alias `{}` here; write `{}.{}`",
                    scope.stream, scope.qualifier, scope.qualifier, name.name
                ))
            } else {
                d.help(format!("the input is `{}`", scope.qualifier))
            };
            return Err(d);
        }
    }
    if qualifier.is_none() {
        if let Some((_, x, t)) = scope
            .aliases
            .iter()
            .find(|(n, _, _)| n.as_ref() == name.name)
        {
            return Ok((x.clone(), *t));
        }
    }
    match scope
        .columns
        .iter()
        .position(|(n, _)| n.as_ref() == name.name)
    {
        Some(i) => Ok((ScalarExpr::Column(i), scope.columns[i].1)),
        None => {
            let mut d = Diagnostic::error(
                "E0102",
                format!("unknown attribute `{}` in `{}`", name.name, scope.stream),
            )
            .at(name.span)
            .label("not an attribute of the input");
            let names = scope.columns.iter().map(|(n, _)| n.as_ref());
            d = match did_you_mean(&name.name, names) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!(
                    "`{}` has: {}",
                    scope.stream,
                    scope
                        .columns
                        .iter()
                        .map(|(n, _)| n.as_ref())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            Err(d)
        }
    }
}

/// A column of a join query: `side.x` names one side; a bare `x` must belong to
/// exactly one side (§2.16 item 1), unless it is a HAVING alias.
fn join_column(
    qualifier: Option<&crate::syntax::ast::Ident>,
    name: &crate::syntax::ast::Ident,
    scope: &Scope,
    j: &JoinScope,
) -> Result<Typed, Diagnostic> {
    let offset = j.left.columns.len();
    let find = |side: &JoinSide, base: usize| {
        side.columns
            .iter()
            .position(|(n, _)| n.as_ref() == name.name)
            .map(|i| (ScalarExpr::Column(base + i), side.columns[i].1))
    };
    let unknown_in = |side: &JoinSide| {
        let mut d = Diagnostic::error(
            "E0102",
            format!("unknown attribute `{}` in `{}`", name.name, side.stream),
        )
        .at(name.span)
        .label(format!("not an attribute of `{}`", side.qualifier));
        let names = side.columns.iter().map(|(n, _)| n.as_ref());
        d = match did_you_mean(&name.name, names) {
            Some(s) => d.help(format!("did you mean `{}.{s}`?", side.qualifier)),
            None => d.help(format!(
                "`{}` has: {}",
                side.stream,
                side.columns
                    .iter()
                    .map(|(n, _)| n.as_ref())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        d
    };
    if let Some(q) = qualifier {
        let (side, base) = if q.name == j.left.qualifier {
            (&j.left, 0)
        } else if q.name == j.right.qualifier {
            (&j.right, offset)
        } else {
            let mut d = Diagnostic::error("E0104", format!("unknown qualifier `{}`", q.name))
                .at(q.span)
                .label("not a relation of this query");
            let renamed = [&j.left, &j.right]
                .into_iter()
                .find(|s| s.stream == q.name && s.qualifier != s.stream);
            d = match renamed {
                Some(s) => d.help(format!(
                    "`{}` has the alias `{}` here; write `{}.{}`",
                    s.stream, s.qualifier, s.qualifier, name.name
                )),
                None => d.help(format!(
                    "the inputs are `{}` and `{}`",
                    j.left.qualifier, j.right.qualifier
                )),
            };
            return Err(d);
        };
        return find(side, base).ok_or_else(|| unknown_in(side));
    }
    if let Some((_, x, t)) = scope
        .aliases
        .iter()
        .find(|(n, _, _)| n.as_ref() == name.name)
    {
        return Ok((x.clone(), *t));
    }
    match (find(&j.left, 0), find(&j.right, offset)) {
        (Some(x), Some(_)) if j.prefer == Some(Prefer::Left) => Ok(x),
        (Some(_), Some(x)) if j.prefer == Some(Prefer::Right) => Ok(x),
        (Some(_), Some(_)) => Err(Diagnostic::error(
            "E0106",
            format!("attribute `{}` is ambiguous", name.name),
        )
        .at(name.span)
        .label(format!(
            "both `{}` and `{}` have it",
            j.left.qualifier, j.right.qualifier
        ))
        .help(format!(
            "qualify it: `{}.{}` or `{}.{}`",
            j.left.qualifier, name.name, j.right.qualifier, name.name
        ))),
        (Some(x), None) | (None, Some(x)) => Ok(x),
        (None, None) => {
            let mut d = Diagnostic::error(
                "E0102",
                format!(
                    "unknown attribute `{}` in `{}` and `{}`",
                    name.name, j.left.stream, j.right.stream
                ),
            )
            .at(name.span)
            .label("not an attribute of either input");
            let qualified = |s: &JoinSide| {
                s.columns
                    .iter()
                    .map(|(n, _)| format!("{}.{n}", s.qualifier))
                    .collect::<Vec<_>>()
            };
            let all: Vec<String> = qualified(&j.left)
                .into_iter()
                .chain(qualified(&j.right))
                .collect();
            let bare = j
                .left
                .columns
                .iter()
                .map(|(n, _)| (n.as_ref(), &j.left))
                .chain(j.right.columns.iter().map(|(n, _)| (n.as_ref(), &j.right)));
            let guess = did_you_mean(&name.name, bare.clone().map(|(n, _)| n))
                .and_then(|g| bare.clone().find(|(n, _)| *n == g));
            d = match guess {
                Some((g, side)) => d.help(format!("did you mean `{}.{g}`?", side.qualifier)),
                None => d.help(format!("the inputs have: {}", all.join(", "))),
            };
            Err(d)
        }
    }
}

const MAX_DEPTH: usize = 512;

fn resolve_inner(e: &Expr, scope: &Scope, depth: usize) -> Result<Typed, Diagnostic> {
    if depth > MAX_DEPTH {
        return Err(Diagnostic::error("E0209", "expression nested too deeply").at(e.span));
    }
    let r = |x: &Expr| resolve_inner(x, scope, depth + 1);
    match &e.kind {
        ExprKind::Literal(l) => Ok(literal(l)),
        ExprKind::Duration(d) => {
            if d.has_calendar_unit() {
                return Err(calendar_error(d.span));
            }
            Ok((ScalarExpr::Literal(Value::Long(d.millis())), DataType::Long))
        }
        ExprKind::Column { qualifier, name } => column(qualifier.as_ref(), name, scope),
        ExprKind::Indexed { alias, .. } => Err(Diagnostic::error(
            "E0105",
            "indexed event references are only valid in pattern queries",
        )
        .at(alias.span)
        .help("`e[0].x` refers to an event of a counted pattern element")),
        ExprKind::Unary { op, expr } => {
            let (x, t) = r(expr)?;
            match op {
                UnaryOp::Plus | UnaryOp::Neg => {
                    if !t.is_numeric() && t != DataType::Object {
                        return Err(Diagnostic::error(
                            "E0202",
                            format!(
                                "unary `{}` needs a number, found {t}",
                                if *op == UnaryOp::Neg { "-" } else { "+" }
                            ),
                        )
                        .at(expr.span)
                        .label(format!("this is {t}"))
                        .help("use CAST to convert it to a number"));
                    }
                    Ok((
                        if *op == UnaryOp::Neg {
                            ScalarExpr::Neg(x.boxed())
                        } else {
                            x
                        },
                        t,
                    ))
                }
                UnaryOp::Not => {
                    bool_operand(t, expr.span, "NOT")?;
                    Ok((ScalarExpr::Not(x.boxed()), DataType::Bool))
                }
            }
        }
        ExprKind::Binary { op, left, right } => {
            let (lx, lt) = r(left)?;
            let (rx, rt) = r(right)?;
            binary(*op, (lx, lt, left.span), (rx, rt, right.span), e.span)
        }
        ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => {
            let (x, t) = r(expr)?;
            let (lo, lt) = r(low)?;
            let (hi, ht) = r(high)?;
            let ct = comparable(t, lt, expr.span, low.span, "BETWEEN")?;
            let ct = comparable(ct, ht, expr.span, high.span, "BETWEEN")?;
            Ok((
                ScalarExpr::Between {
                    expr: widen(x, t, ct).boxed(),
                    low: widen(lo, lt, ct).boxed(),
                    high: widen(hi, ht, ct).boxed(),
                    negated: *negated,
                },
                DataType::Bool,
            ))
        }
        ExprKind::InList {
            expr,
            list,
            negated,
        } => {
            let (x, t) = r(expr)?;
            let mut items = Vec::with_capacity(list.len());
            for item in list {
                let (ix, it) = r(item)?;
                comparable(t, it, expr.span, item.span, "IN")?;
                items.push(ix);
            }
            Ok((
                ScalarExpr::InList {
                    expr: x.boxed(),
                    list: items,
                    negated: *negated,
                },
                DataType::Bool,
            ))
        }
        ExprKind::Like {
            expr,
            pattern,
            escape,
            negated,
        } => {
            let (x, t) = r(expr)?;
            string_operand(t, expr.span, "LIKE")?;
            let (px, pt) = r(pattern)?;
            string_operand(pt, pattern.span, "LIKE")?;
            let esc = match escape {
                None => None,
                Some(esc) => {
                    let (ex, _) = r(esc)?;
                    match fold(ex) {
                        ScalarExpr::Literal(Value::Str(s)) if s.chars().count() == 1 => {
                            s.chars().next()
                        }
                        _ => {
                            return Err(Diagnostic::error(
                                "E0210",
                                "ESCAPE must be a one-character string literal",
                            )
                            .at(esc.span))
                        }
                    }
                }
            };
            let px = fold(px);
            let pattern = match &px {
                ScalarExpr::Literal(Value::Str(p)) => {
                    LikeSource::Const(LikePattern::compile(p, esc).map_err(|m| {
                        Diagnostic::error("E0210", format!("bad LIKE pattern: {m}"))
                            .at(pattern.span)
                    })?)
                }
                ScalarExpr::Literal(Value::Null) => {
                    return Ok((ScalarExpr::Literal(Value::Bool(false)), DataType::Bool))
                }
                _ => LikeSource::Dynamic {
                    pattern: px.boxed(),
                    escape: esc,
                },
            };
            Ok((
                ScalarExpr::Like {
                    expr: x.boxed(),
                    pattern,
                    negated: *negated,
                },
                DataType::Bool,
            ))
        }
        ExprKind::IsNull { expr, negated } => {
            let (x, _) = r(expr)?;
            Ok((
                ScalarExpr::IsNull {
                    expr: x.boxed(),
                    negated: *negated,
                },
                DataType::Bool,
            ))
        }
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            let op = match operand {
                Some(o) => Some((r(o)?, o.span)),
                None => None,
            };
            let mut conds = Vec::new();
            let mut results: Vec<(ScalarExpr, DataType, Span)> = Vec::new();
            for (w, t) in whens {
                let (wx, wt) = r(w)?;
                let cond = match &op {
                    Some(((ox, ot), ospan)) => {
                        let ct = comparable(*ot, wt, *ospan, w.span, "CASE")?;
                        ScalarExpr::Cmp {
                            op: CmpOp::Eq,
                            left: widen(ox.clone(), *ot, ct).boxed(),
                            right: widen(wx, wt, ct).boxed(),
                        }
                    }
                    None => {
                        if wt != DataType::Bool && wt != DataType::Object {
                            return Err(Diagnostic::error(
                                "E0203",
                                format!("WHEN condition must be BOOL, found {wt}"),
                            )
                            .at(w.span)
                            .label(format!("this is {wt}"))
                            .help(
                                "write a comparison, or `CASE x WHEN value THEN …` to match values",
                            ));
                        }
                        wx
                    }
                };
                conds.push(cond);
                let (tx, tt) = r(t)?;
                results.push((tx, tt, t.span));
            }
            if let Some(e) = else_ {
                let (ex, et) = r(e)?;
                results.push((ex, et, e.span));
            }
            let ty = common_type(results.iter().map(|(_, t, s)| (*t, *s)))?;
            let mut results: Vec<ScalarExpr> = results
                .into_iter()
                .map(|(x, t, _)| widen(x, t, ty))
                .collect();
            let else_x = if else_.is_some() {
                results.pop().map(Box::new)
            } else {
                None
            };
            Ok((
                ScalarExpr::Case {
                    whens: conds.into_iter().zip(results).collect(),
                    else_: else_x,
                },
                ty,
            ))
        }
        ExprKind::Cast { expr, ty } => {
            let (x, t) = r(expr)?;
            if !cast_ok(t, ty.ty) {
                return Err(
                    Diagnostic::error("E0207", format!("cannot CAST {t} to {}", ty.ty)).at(e.span),
                );
            }
            Ok((
                ScalarExpr::Cast {
                    expr: x.boxed(),
                    to: ty.ty,
                },
                ty.ty,
            ))
        }
        ExprKind::Func {
            ns,
            name,
            args,
            star,
            distinct,
        } => {
            if is_aggregate(&name.name) && ns.is_none() {
                return aggregate_call(e, name, args, *star, *distinct, scope, depth);
            }
            if let Some(ns) = ns {
                return Err(Diagnostic::error(
                    "E0205",
                    format!("unknown function `{}:{}`", ns.name, name.name),
                )
                .at(ns.span.to(name.span))
                .help("no extension namespaces are registered"));
            }
            if *distinct {
                return Err(Diagnostic::error(
                    "E0206",
                    "DISTINCT inside a function call is not supported",
                )
                .at(e.span)
                .help("use `distinctCount(x)`"));
            }
            if *star {
                return Err(Diagnostic::error(
                    "E0206",
                    format!("`{}(*)` is only valid for count", name.name),
                )
                .at(e.span));
            }
            special_or_builtin(name, args, e.span, scope, depth)
        }
        ExprKind::Exists { table, negated, .. } => {
            match scope.exists.iter().find(|(start, _)| *start == e.span.start) {
                Some((_, col)) => {
                    let x = ScalarExpr::Column(*col);
                    Ok((
                        if *negated { ScalarExpr::Not(x.boxed()) } else { x },
                        DataType::Bool,
                    ))
                }
                None => Err(Diagnostic::error(
                    "E0536",
                    "EXISTS is allowed only in the WHERE clause of a query over one stream",
                )
                .at(table.span)
                .label("membership test on a table")
                .help("write `FROM S WHERE EXISTS (SELECT * FROM T WHERE …)`; a join query can use a LEFT OUTER JOIN and `T.col IS NULL` instead")),
            }
        }
    }
}

fn special_or_builtin(
    name: &crate::syntax::ast::Ident,
    args: &[Expr],
    span: Span,
    scope: &Scope,
    depth: usize,
) -> Result<Typed, Diagnostic> {
    let n = name.name.to_ascii_lowercase();
    let nullary = |x: ScalarExpr, t: DataType| -> Result<Typed, Diagnostic> {
        if !args.is_empty() {
            return Err(
                Diagnostic::error("E0206", format!("`{}` takes no arguments", name.name)).at(span),
            );
        }
        Ok((x, t))
    };
    match n.as_str() {
        // Deterministic mode (§2.7): now() is the event time of the current event.
        "eventtimestamp" | "now" | "currenttimemillis" => {
            return nullary(ScalarExpr::EventTime, DataType::Long)
        }
        "uuid" => {
            return nullary(
                ScalarExpr::Uuid {
                    seed: u64::from(scope.query_id),
                },
                DataType::String,
            )
        }
        _ => {}
    }
    let mut xs = Vec::with_capacity(args.len());
    let mut ts = Vec::with_capacity(args.len());
    for a in args {
        let (x, t) = resolve_inner(a, scope, depth + 1)?;
        xs.push(x);
        ts.push(t);
    }
    match functions::resolve(&name.name, &ts) {
        Ok(f) => Ok((ScalarExpr::Func { f, args: xs }, f.ret)),
        Err(FnError::Unknown) => {
            let mut d = Diagnostic::error("E0205", format!("unknown function `{}`", name.name))
                .at(name.span)
                .label("no such function");
            let cands = functions::names()
                .iter()
                .copied()
                .chain(aggregate_call_names());
            if let Some(s) = did_you_mean(&name.name, cands) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            Err(d)
        }
        Err(FnError::Arity { expected, got }) => {
            let noun = if expected == "1" || expected == "at least 1" {
                "argument"
            } else {
                "arguments"
            };
            Err(Diagnostic::error(
                "E0206",
                format!("`{}` expects {expected} {noun}, got {got}", name.name),
            )
            .at(span)
            .label(format!("called with {got}")))
        }
        Err(FnError::Type(m)) => Err(Diagnostic::error("E0206", m).at(span)),
    }
}

fn calendar_error(span: Span) -> Diagnostic {
    Diagnostic::error("E0211", "MONTH and YEAR have no fixed length here")
        .at(span)
        .help("write DAYS (a month is not a fixed number of milliseconds)")
}

fn bool_operand(t: DataType, span: Span, op: &str) -> Result<(), Diagnostic> {
    if t == DataType::Bool || t == DataType::Object {
        Ok(())
    } else {
        Err(
            Diagnostic::error("E0204", format!("operand of {op} must be BOOL, found {t}"))
                .at(span)
                .label(format!("this is {t}"))
                .help(format!(
                    "{op} combines conditions; write a comparison, e.g. `x > 0`"
                )),
        )
    }
}

fn string_operand(t: DataType, span: Span, op: &str) -> Result<(), Diagnostic> {
    if t == DataType::String || t == DataType::Object {
        Ok(())
    } else {
        Err(
            Diagnostic::error("E0201", format!("{op} needs STRING operands, found {t}"))
                .at(span)
                .label(format!("this is {t}"))
                .help("use CAST(x AS STRING) to match the text of a value"),
        )
    }
}

/// The type both sides of a comparison are widened to; error if they do not compare.
fn comparable(
    a: DataType,
    b: DataType,
    aspan: Span,
    bspan: Span,
    op: &str,
) -> Result<DataType, Diagnostic> {
    if a == DataType::Object {
        return Ok(b);
    }
    if b == DataType::Object || a == b {
        return Ok(a);
    }
    DataType::promote(a, b).ok_or_else(|| {
        Diagnostic::error("E0201", format!("cannot compare {a} with {b} in {op}"))
            .at(aspan.to(bspan))
            .with_secondary(aspan, format!("{a}"))
            .with_secondary(bspan, format!("{b}"))
            .help(if a == DataType::String || b == DataType::String {
                "strings compare only with strings; use CAST to convert"
            } else {
                "use CAST to convert one side"
            })
    })
}

fn common_type(items: impl Iterator<Item = (DataType, Span)>) -> Result<DataType, Diagnostic> {
    let mut acc = DataType::Object;
    // The first branch that fixed the type, for the secondary label.
    let mut first = Span::default();
    for (t, span) in items {
        if t == DataType::Object || t == acc {
            continue;
        }
        if acc == DataType::Object {
            acc = t;
            first = span;
            continue;
        }
        acc = DataType::promote(acc, t).ok_or_else(|| {
            Diagnostic::error(
                "E0208",
                format!("CASE branches have incompatible types {acc} and {t}"),
            )
            .at(span)
            .label(format!("this is {t}"))
            .with_secondary(first, format!("this is {acc}"))
            .help("every THEN/ELSE must have the same type (numbers widen); use CAST")
        })?;
    }
    Ok(acc)
}

fn binary(
    op: BinaryOp,
    l: (ScalarExpr, DataType, Span),
    r: (ScalarExpr, DataType, Span),
    span: Span,
) -> Result<Typed, Diagnostic> {
    let (lx, lt, lspan) = l;
    let (rx, rt, rspan) = r;
    let arith = |a: ArithOp| -> Result<Typed, Diagnostic> {
        for (t, s) in [(lt, lspan), (rt, rspan)] {
            if !t.is_numeric() && t != DataType::Object {
                return Err(Diagnostic::error(
                    "E0202",
                    format!("arithmetic needs numbers, found {t}"),
                )
                .at(s)
                .help(if t == DataType::String {
                    "use concat() to join strings"
                } else {
                    "use CAST to convert"
                }));
            }
        }
        let ty = match (lt, rt) {
            (DataType::Object, DataType::Object) => {
                return Ok((ScalarExpr::Literal(Value::Null), DataType::Object))
            }
            (DataType::Object, t) | (t, DataType::Object) => t,
            (a, b) => DataType::promote(a, b).unwrap_or(DataType::Double),
        };
        Ok((
            ScalarExpr::Arith {
                op: a,
                ty,
                left: widen(lx.clone(), lt, ty).boxed(),
                right: widen(rx.clone(), rt, ty).boxed(),
            },
            ty,
        ))
    };
    let cmp = |c: CmpOp| -> Result<Typed, Diagnostic> {
        let ty = comparable(lt, rt, lspan, rspan, c.symbol())?;
        Ok((
            ScalarExpr::Cmp {
                op: c,
                left: widen(lx.clone(), lt, ty).boxed(),
                right: widen(rx.clone(), rt, ty).boxed(),
            },
            DataType::Bool,
        ))
    };
    let _ = span;
    match op {
        BinaryOp::Add => arith(ArithOp::Add),
        BinaryOp::Sub => arith(ArithOp::Sub),
        BinaryOp::Mul => arith(ArithOp::Mul),
        BinaryOp::Div => arith(ArithOp::Div),
        BinaryOp::Mod => arith(ArithOp::Mod),
        BinaryOp::Eq => cmp(CmpOp::Eq),
        BinaryOp::NotEq => cmp(CmpOp::NotEq),
        BinaryOp::Lt => cmp(CmpOp::Lt),
        BinaryOp::Le => cmp(CmpOp::Le),
        BinaryOp::Gt => cmp(CmpOp::Gt),
        BinaryOp::Ge => cmp(CmpOp::Ge),
        BinaryOp::And | BinaryOp::Or => {
            let word = if op == BinaryOp::And { "AND" } else { "OR" };
            bool_operand(lt, lspan, word)?;
            bool_operand(rt, rspan, word)?;
            // Flatten chains so evaluation is one loop.
            let mut parts = Vec::new();
            for x in [lx, rx] {
                match (op, x) {
                    (BinaryOp::And, ScalarExpr::And(v)) | (BinaryOp::Or, ScalarExpr::Or(v)) => {
                        parts.extend(v)
                    }
                    (_, x) => parts.push(x),
                }
            }
            Ok((
                if op == BinaryOp::And {
                    ScalarExpr::And(parts)
                } else {
                    ScalarExpr::Or(parts)
                },
                DataType::Bool,
            ))
        }
    }
}

/// Output name of a select item without alias: a bare column keeps its name, any other
/// expression is `expr_<i>` (§2.4.2).
pub fn default_name(e: &Expr, position: usize) -> (String, bool) {
    match &e.kind {
        ExprKind::Column { name, .. } => (name.name.clone(), false),
        _ => (format!("expr_{position}"), true),
    }
}

/// Text of an expression for messages and EXPLAIN.
pub fn expr_text(e: &Expr) -> String {
    print_expr(e)
}

/// An aggregate call in SELECT or HAVING: resolves its argument over the input row and
/// registers it with the query's collector (identical calls share one accumulator).
fn aggregate_call(
    e: &Expr,
    name: &crate::syntax::ast::Ident,
    args: &[Expr],
    star: bool,
    distinct: bool,
    scope: &Scope,
    depth: usize,
) -> Result<Typed, Diagnostic> {
    let collector = match (scope.clause, scope.aggs) {
        (Clause::Select | Clause::Having, Some(c)) => c,
        (c, _) => {
            let help = match c {
                Clause::Where => "filter aggregated rows with HAVING",
                Clause::AggregateArg => {
                    "aggregates cannot be nested; compute the inner one in an earlier query"
                }
                _ => "aggregates belong in SELECT or HAVING",
            };
            return Err(Diagnostic::error(
                "E0301",
                format!("aggregate `{}` is not allowed in {}", name.name, c.word()),
            )
            .at(e.span)
            .help(help));
        }
    };
    if distinct {
        return Err(Diagnostic::error(
            "E0206",
            format!("DISTINCT inside `{}` is not supported", name.name),
        )
        .at(e.span)
        .help("count distinct values with `distinctCount(x)`"));
    }
    let inner = Scope {
        clause: Clause::AggregateArg,
        aggs: None,
        aliases: &[],
        ..*scope
    };
    let mut resolved = Vec::with_capacity(args.len());
    for a in args {
        let (x, t) = resolve_inner(a, &inner, depth + 1)?;
        resolved.push((fold(x), t));
    }
    let types: Vec<DataType> = resolved.iter().map(|(_, t)| *t).collect();
    let (kind, ty) = resolve_aggregate(&name.name, &types, star).map_err(|err| {
        Diagnostic::error("E0206", err.message(&name.name))
            .at(e.span)
            .help("see the aggregate functions of LANGUAGE.md §2.6")
    })?;
    let (arg, arg_type) = match kind {
        AggKind::CountAll => (None, DataType::Long),
        _ => match resolved.into_iter().next() {
            Some((x, t)) => (Some(x), t),
            None => (None, DataType::Object),
        },
    };
    let text = format!(
        "{:?}({})",
        kind,
        args.iter().map(print_expr).collect::<Vec<_>>().join(", ")
    );
    let mut c = collector.borrow_mut();
    let j = match c.calls.iter().position(|k| k.text == text) {
        Some(j) => j,
        None => {
            c.calls.push(AggCall {
                kind,
                arg,
                arg_type,
                ty,
                text,
            });
            c.calls.len() - 1
        }
    };
    Ok((ScalarExpr::Column(c.base + j), ty))
}
