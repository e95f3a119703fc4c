//! Compiles a [`ScalarExpr`] into a closure, once, at plan time.
//!
//! Evaluation reads columns by index from the row slice and never looks at names or
//! types. Predicates get their own compiler returning `bool` directly, with fast paths
//! for the shapes that dominate filters (`column <op> constant`), so a filter costs a
//! few nanoseconds and no allocation.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::value::{DataType, Value};

use super::cast::cast;
use super::ir::{ArithOp, CmpOp, LikeSource, ScalarExpr};
use super::like::LikePattern;

/// What an expression can see besides literals: the input row and its event time.
pub struct EvalCtx<'a> {
    pub row: &'a [Value],
    /// Exact event time of the row (ms).
    pub time: i64,
    /// Hash of the row's ordering key; seeds deterministic `uuid()`.
    pub key_hash: u64,
}

impl<'a> EvalCtx<'a> {
    pub fn new(row: &'a [Value], time: i64) -> EvalCtx<'a> {
        EvalCtx {
            row,
            time,
            key_hash: 0,
        }
    }
}

pub type ValueFn = Box<dyn Fn(&EvalCtx) -> Value + Send + Sync>;
pub type PredFn = Box<dyn Fn(&EvalCtx) -> bool + Send + Sync>;

/// Evaluates an expression that [`ScalarExpr::is_constant`] says is constant.
pub fn eval_const(e: &ScalarExpr) -> Value {
    compile(e)(&EvalCtx::new(&[], 0))
}

/// Replaces constant sub-trees by their value (constant folding).
pub fn fold(e: ScalarExpr) -> ScalarExpr {
    if !matches!(e, ScalarExpr::Literal(_)) && e.is_constant() {
        return ScalarExpr::Literal(eval_const(&e));
    }
    e
}

fn col(row: &[Value], i: usize) -> &Value {
    // The planner guarantees `i` is in range for rows of this schema; a short row
    // (never produced by our decoders) reads as NULL rather than panicking.
    row.get(i).unwrap_or(&Value::Null)
}

pub fn compile(e: &ScalarExpr) -> ValueFn {
    use ScalarExpr::*;
    match e {
        Literal(v) => {
            let v = v.clone();
            Box::new(move |_| v.clone())
        }
        Column(i) => {
            let i = *i;
            Box::new(move |c| col(c.row, i).clone())
        }
        Neg(inner) => {
            let f = compile(inner);
            Box::new(move |c| match f(c) {
                Value::Int(v) => Value::Int(v.wrapping_neg()),
                Value::Long(v) => Value::Long(v.wrapping_neg()),
                Value::Float(v) => Value::Float(-v),
                Value::Double(v) => Value::Double(-v),
                _ => Value::Null,
            })
        }
        Arith {
            op,
            ty,
            left,
            right,
        } => compile_arith(*op, *ty, compile(left), compile(right)),
        Widen { expr, to } => {
            let f = compile(expr);
            let to = *to;
            Box::new(move |c| f(c).widen(to))
        }
        Cast { expr, to } => {
            let f = compile(expr);
            let to = *to;
            Box::new(move |c| cast(&f(c), to))
        }
        Func { f, args } => {
            let eval = f.eval;
            let args: Vec<ValueFn> = args.iter().map(compile).collect();
            match args.len() {
                0 => Box::new(move |_| eval(&[])),
                1 => Box::new(move |c| eval(&[args[0](c)])),
                2 => Box::new(move |c| eval(&[args[0](c), args[1](c)])),
                3 => Box::new(move |c| eval(&[args[0](c), args[1](c), args[2](c)])),
                _ => Box::new(move |c| {
                    let vals: Vec<Value> = args.iter().map(|a| a(c)).collect();
                    eval(&vals)
                }),
            }
        }
        Case { whens, else_ } => {
            let whens: Vec<(PredFn, ValueFn)> = whens
                .iter()
                .map(|(w, t)| (compile_pred(w), compile(t)))
                .collect();
            let else_ = else_.as_ref().map(|e| compile(e));
            Box::new(move |c| {
                for (w, t) in &whens {
                    if w(c) {
                        return t(c);
                    }
                }
                match &else_ {
                    Some(e) => e(c),
                    None => Value::Null,
                }
            })
        }
        EventTime => Box::new(|c| Value::Long(c.time)),
        WallClock => Box::new(|_| Value::Long(wall_clock_ms())),
        Uuid { seed } => {
            let seed = *seed;
            Box::new(move |c| Value::str(&deterministic_uuid(seed, c.key_hash, c.time)))
        }
        // Boolean-valued nodes: evaluate as predicates.
        Not(_)
        | Cmp { .. }
        | And(_)
        | Or(_)
        | IsNull { .. }
        | Between { .. }
        | InList { .. }
        | Like { .. } => {
            // A BOOL attribute that is NULL is the only NULL boolean; these operators
            // never produce NULL (§1.7).
            let p = compile_pred(e);
            Box::new(move |c| Value::Bool(p(c)))
        }
    }
}

fn compile_arith(op: ArithOp, ty: DataType, l: ValueFn, r: ValueFn) -> ValueFn {
    macro_rules! int_op {
        ($variant:ident) => {
            Box::new(move |c| match (l(c), r(c)) {
                (Value::$variant(a), Value::$variant(b)) => match op {
                    ArithOp::Add => Value::$variant(a.wrapping_add(b)),
                    ArithOp::Sub => Value::$variant(a.wrapping_sub(b)),
                    ArithOp::Mul => Value::$variant(a.wrapping_mul(b)),
                    ArithOp::Div if b == 0 => Value::Null,
                    ArithOp::Div => Value::$variant(a.wrapping_div(b)),
                    ArithOp::Mod if b == 0 => Value::Null,
                    ArithOp::Mod => Value::$variant(a.wrapping_rem(b)),
                },
                _ => Value::Null,
            })
        };
    }
    macro_rules! float_op {
        ($variant:ident) => {
            Box::new(move |c| match (l(c), r(c)) {
                (Value::$variant(a), Value::$variant(b)) => match op {
                    ArithOp::Add => Value::$variant(a + b),
                    ArithOp::Sub => Value::$variant(a - b),
                    ArithOp::Mul => Value::$variant(a * b),
                    ArithOp::Div | ArithOp::Mod if b == 0.0 => Value::Null,
                    ArithOp::Div => Value::$variant(a / b),
                    ArithOp::Mod => Value::$variant(a % b),
                },
                _ => Value::Null,
            })
        };
    }
    match ty {
        DataType::Int => int_op!(Int),
        DataType::Long => int_op!(Long),
        DataType::Float => float_op!(Float),
        _ => float_op!(Double),
    }
}

/// Compiles a BOOL-typed expression to a predicate; NULL counts as false.
pub fn compile_pred(e: &ScalarExpr) -> PredFn {
    use ScalarExpr::*;
    match e {
        Literal(v) => {
            let b = v.as_bool() == Some(true);
            Box::new(move |_| b)
        }
        Column(i) => {
            let i = *i;
            Box::new(move |c| matches!(col(c.row, i), Value::Bool(true)))
        }
        Not(inner) => {
            let p = compile_pred(inner);
            Box::new(move |c| !p(c))
        }
        And(parts) => {
            let ps: Vec<PredFn> = parts.iter().map(compile_pred).collect();
            Box::new(move |c| ps.iter().all(|p| p(c)))
        }
        Or(parts) => {
            let ps: Vec<PredFn> = parts.iter().map(compile_pred).collect();
            Box::new(move |c| ps.iter().any(|p| p(c)))
        }
        Cmp { op, left, right } => compile_cmp(*op, left, right),
        IsNull { expr, negated } => {
            let negated = *negated;
            if let Column(i) = **expr {
                return Box::new(move |c| col(c.row, i).is_null() != negated);
            }
            let f = compile(expr);
            Box::new(move |c| f(c).is_null() != negated)
        }
        Between {
            expr,
            low,
            high,
            negated,
        } => {
            let (f, lo, hi, negated) = (compile(expr), compile(low), compile(high), *negated);
            Box::new(move |c| {
                let v = f(c);
                match (v.sql_cmp(&lo(c)), v.sql_cmp(&hi(c))) {
                    (Some(a), Some(b)) => {
                        (a != Ordering::Less && b != Ordering::Greater) != negated
                    }
                    _ => false,
                }
            })
        }
        InList {
            expr,
            list,
            negated,
        } => {
            let f = compile(expr);
            let list: Vec<ValueFn> = list.iter().map(compile).collect();
            let negated = *negated;
            Box::new(move |c| {
                let v = f(c);
                if v.is_null() {
                    return false;
                }
                let mut found = false;
                for item in &list {
                    if v.sql_cmp(&item(c)) == Some(Ordering::Equal) {
                        found = true;
                        break;
                    }
                }
                found != negated
            })
        }
        Like {
            expr,
            pattern,
            negated,
        } => {
            let f = compile(expr);
            let negated = *negated;
            match pattern {
                LikeSource::Const(p) => {
                    let p = p.clone();
                    Box::new(move |c| match f(c) {
                        Value::Str(s) => p.matches(&s) != negated,
                        _ => false,
                    })
                }
                LikeSource::Dynamic { pattern, escape } => {
                    let pf = compile(pattern);
                    let escape = *escape;
                    Box::new(move |c| match (f(c), pf(c)) {
                        (Value::Str(s), Value::Str(p)) => match LikePattern::compile(&p, escape) {
                            Ok(p) => p.matches(&s) != negated,
                            Err(_) => false,
                        },
                        _ => false,
                    })
                }
            }
        }
        other => {
            let f = compile(other);
            Box::new(move |c| f(c).as_bool() == Some(true))
        }
    }
}

fn compile_cmp(op: CmpOp, left: &ScalarExpr, right: &ScalarExpr) -> PredFn {
    // Fast paths: column against a numeric or string constant.
    if let (ScalarExpr::Column(i), ScalarExpr::Literal(k)) = (left, right) {
        let i = *i;
        match k {
            Value::Double(k) => {
                let k = *k;
                return Box::new(move |c| match col(c.row, i) {
                    Value::Double(v) => v.partial_cmp(&k).is_some_and(|o| op.holds(o)),
                    v => v
                        .as_f64()
                        .and_then(|v| v.partial_cmp(&k))
                        .is_some_and(|o| op.holds(o)),
                });
            }
            Value::Long(k) => {
                let k = *k;
                return Box::new(move |c| match col(c.row, i) {
                    Value::Long(v) => op.holds(v.cmp(&k)),
                    v => v.as_i64().is_some_and(|v| op.holds(v.cmp(&k))),
                });
            }
            Value::Int(k) => {
                let k = *k;
                return Box::new(move |c| match col(c.row, i) {
                    Value::Int(v) => op.holds(v.cmp(&k)),
                    _ => false,
                });
            }
            Value::Str(k) => {
                let k = k.clone();
                return Box::new(move |c| match col(c.row, i) {
                    Value::Str(v) => op.holds(v.as_ref().cmp(k.as_ref())),
                    _ => false,
                });
            }
            _ => {}
        }
    }
    let (l, r) = (compile(left), compile(right));
    Box::new(move |c| l(c).sql_cmp(&r(c)).is_some_and(|o| op.holds(o)))
}

fn wall_clock_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A version-4-shaped UUID derived from (query seed, ordering-key hash, time), so the
/// same input gives the same ids on every run and worker count.
fn deterministic_uuid(seed: u64, key_hash: u64, time: i64) -> String {
    let mut h1 = rustc_hash::FxHasher::default();
    (seed, key_hash, time, 1u8).hash(&mut h1);
    let mut h2 = rustc_hash::FxHasher::default();
    (time, key_hash, seed, 2u8).hash(&mut h2);
    let a = h1.finish();
    let b = h2.finish();
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x4000;
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}
