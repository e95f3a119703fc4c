//! The typed, name-resolved expression tree the planner produces.
//!
//! Column references are indexes into the input row; every operand has already been
//! widened to the type its operator works on, so evaluation never inspects types.
//! [`super::compile`] turns a tree into a closure once, at plan time.

use std::cmp::Ordering;

use crate::value::{DataType, Value};

use super::functions::ScalarFn;
use super::like::LikePattern;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn holds(self, o: Ordering) -> bool {
        match self {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::NotEq => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Ge => o != Ordering::Less,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::NotEq => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A LIKE pattern: compiled at plan time when it is a constant.
#[derive(Clone, Debug)]
pub enum LikeSource {
    Const(LikePattern),
    Dynamic {
        pattern: Box<ScalarExpr>,
        escape: Option<char>,
    },
}

#[derive(Clone, Debug)]
pub enum ScalarExpr {
    Literal(Value),
    Column(usize),
    /// Numeric negation in the operand's own type (wrapping for integers).
    Neg(Box<ScalarExpr>),
    /// Siddhi NOT (§1.7): true unless the operand is true.
    Not(Box<ScalarExpr>),
    /// Both operands already widened to `ty`.
    Arith {
        op: ArithOp,
        ty: DataType,
        left: Box<ScalarExpr>,
        right: Box<ScalarExpr>,
    },
    /// False when either side is NULL (§1.7).
    Cmp {
        op: CmpOp,
        left: Box<ScalarExpr>,
        right: Box<ScalarExpr>,
    },
    And(Vec<ScalarExpr>),
    Or(Vec<ScalarExpr>),
    IsNull {
        expr: Box<ScalarExpr>,
        negated: bool,
    },
    /// Atomic predicate: NULL operand gives false even when negated (Decisions, top of LANGUAGE.md).
    Between {
        expr: Box<ScalarExpr>,
        low: Box<ScalarExpr>,
        high: Box<ScalarExpr>,
        negated: bool,
    },
    InList {
        expr: Box<ScalarExpr>,
        list: Vec<ScalarExpr>,
        negated: bool,
    },
    Like {
        expr: Box<ScalarExpr>,
        pattern: LikeSource,
        negated: bool,
    },
    /// Searched form; the simple form is desugared to `operand = v` conditions.
    Case {
        whens: Vec<(ScalarExpr, ScalarExpr)>,
        else_: Option<Box<ScalarExpr>>,
    },
    Cast {
        expr: Box<ScalarExpr>,
        to: DataType,
    },
    /// Numeric widening inserted by the type checker.
    Widen {
        expr: Box<ScalarExpr>,
        to: DataType,
    },
    Func {
        f: ScalarFn,
        args: Vec<ScalarExpr>,
    },
    /// Event time of the row being evaluated (`eventTimestamp()`, deterministic `now()`).
    EventTime,
    /// Wall-clock milliseconds (`now()` with `'now' = 'wallclock'`).
    WallClock,
    /// `uuid()`: seeded from the query id and the row's ordering key.
    Uuid {
        seed: u64,
    },
}

impl ScalarExpr {
    pub fn boxed(self) -> Box<ScalarExpr> {
        Box::new(self)
    }
    /// Whether the value depends only on literals (so it can be folded at plan time).
    pub fn is_constant(&self) -> bool {
        use ScalarExpr::*;
        match self {
            Literal(_) => true,
            Column(_) | EventTime | WallClock | Uuid { .. } => false,
            Neg(e)
            | Not(e)
            | IsNull { expr: e, .. }
            | Cast { expr: e, .. }
            | Widen { expr: e, .. } => e.is_constant(),
            Arith { left, right, .. } | Cmp { left, right, .. } => {
                left.is_constant() && right.is_constant()
            }
            And(v) | Or(v) => v.iter().all(ScalarExpr::is_constant),
            Between {
                expr, low, high, ..
            } => expr.is_constant() && low.is_constant() && high.is_constant(),
            InList { expr, list, .. } => {
                expr.is_constant() && list.iter().all(ScalarExpr::is_constant)
            }
            Like { expr, pattern, .. } => {
                expr.is_constant() && matches!(pattern, LikeSource::Const(_))
            }
            Case { whens, else_ } => {
                whens
                    .iter()
                    .all(|(c, v)| c.is_constant() && v.is_constant())
                    && else_.as_ref().is_none_or(|e| e.is_constant())
            }
            Func { args, .. } => args.iter().all(ScalarExpr::is_constant),
        }
    }
    /// The same expression over a row whose columns start `by` places earlier: a
    /// join's right-side expression, written over the joined row, evaluated over the
    /// right row alone. Every column read must be `>= by`.
    pub fn shift_columns(&mut self, by: usize) {
        use ScalarExpr::*;
        match self {
            Column(i) => *i -= by,
            Literal(_) | EventTime | WallClock | Uuid { .. } => {}
            Neg(e)
            | Not(e)
            | IsNull { expr: e, .. }
            | Cast { expr: e, .. }
            | Widen { expr: e, .. } => e.shift_columns(by),
            Arith { left, right, .. } | Cmp { left, right, .. } => {
                left.shift_columns(by);
                right.shift_columns(by)
            }
            And(v) | Or(v) => v.iter_mut().for_each(|e| e.shift_columns(by)),
            Between {
                expr, low, high, ..
            } => {
                expr.shift_columns(by);
                low.shift_columns(by);
                high.shift_columns(by)
            }
            InList { expr, list, .. } => {
                expr.shift_columns(by);
                list.iter_mut().for_each(|e| e.shift_columns(by))
            }
            Like { expr, pattern, .. } => {
                expr.shift_columns(by);
                if let LikeSource::Dynamic { pattern, .. } = pattern {
                    pattern.shift_columns(by)
                }
            }
            Case { whens, else_ } => {
                for (c, v) in whens {
                    c.shift_columns(by);
                    v.shift_columns(by)
                }
                if let Some(e) = else_ {
                    e.shift_columns(by)
                }
            }
            Func { args, .. } => args.iter_mut().for_each(|e| e.shift_columns(by)),
        }
    }
    /// Column indexes read by this expression.
    pub fn columns(&self, out: &mut Vec<usize>) {
        use ScalarExpr::*;
        match self {
            Column(i) => out.push(*i),
            Literal(_) | EventTime | WallClock | Uuid { .. } => {}
            Neg(e)
            | Not(e)
            | IsNull { expr: e, .. }
            | Cast { expr: e, .. }
            | Widen { expr: e, .. } => e.columns(out),
            Arith { left, right, .. } | Cmp { left, right, .. } => {
                left.columns(out);
                right.columns(out)
            }
            And(v) | Or(v) => v.iter().for_each(|e| e.columns(out)),
            Between {
                expr, low, high, ..
            } => {
                expr.columns(out);
                low.columns(out);
                high.columns(out)
            }
            InList { expr, list, .. } => {
                expr.columns(out);
                list.iter().for_each(|e| e.columns(out))
            }
            Like { expr, pattern, .. } => {
                expr.columns(out);
                if let LikeSource::Dynamic { pattern, .. } = pattern {
                    pattern.columns(out)
                }
            }
            Case { whens, else_ } => {
                for (c, v) in whens {
                    c.columns(out);
                    v.columns(out)
                }
                if let Some(e) = else_ {
                    e.columns(out)
                }
            }
            Func { args, .. } => args.iter().for_each(|e| e.columns(out)),
        }
    }
}
