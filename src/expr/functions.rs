//! Built-in scalar functions (§2.7), resolved at plan time by name and argument types.
//!
//! [`resolve`] picks one plain `fn(&[Value]) -> Value` per (function, type family), so
//! evaluation never re-inspects types: arguments arrive already evaluated, with runtime
//! variants matching the resolved argument types (or NULL). Evaluation is nevertheless
//! total: an unexpected variant is treated like NULL (or read through `as_f64`), never a
//! panic. OBJECT arguments (a bare `NULL`, or an opaque value) are accepted wherever a
//! typed argument is expected; the result type then follows the other arguments, or is
//! DOUBLE for math functions whose only argument is OBJECT.
//!
//! Choices where §2.7 is silent:
//! * **NULL:** every function returns NULL when an argument it reads is NULL, except
//!   `coalesce`/`default`/`ifnull` (first non-NULL), `nullif` (NULL second argument
//!   keeps the first), `concat` (NULL arguments are skipped; all-NULL gives `''`),
//!   `ifThenElse` (a NULL condition selects the else branch, as a NULL filter is
//!   false) and `instanceOf*` (false for NULL). `maximum`/`minimum` are NULL as soon
//!   as any argument is NULL.
//! * **Result types:** `coalesce`, `default`, `nullif`, `ifThenElse`, `maximum`,
//!   `minimum` and `mod` give the common type of their (value) arguments, numbers
//!   widening along INT < LONG < FLOAT < DOUBLE. `abs` keeps its argument's type.
//!   `ceil`, `floor`, `round` and `trunc` keep INT/LONG and give DOUBLE for
//!   FLOAT/DOUBLE. `sign`, `length`, `position` and `ascii` give INT; the remaining math
//!   functions DOUBLE.
//! * **Integers wrap** on overflow: `abs(INT_MIN) = INT_MIN`, `mod(INT_MIN, -1) = 0`,
//!   `round(2147483647, -1)` wraps.
//! * **Domain errors give NULL:** a NaN result from non-NaN inputs (`sqrt(-1)`,
//!   `asin(2)`, `power(-8, 0.5)`, `ln(-1)`, `log(1, 1)`) is NULL. Infinite results stay
//!   infinite (`ln(0) = -Infinity`, `exp(1000) = Infinity`), and a NaN input propagates
//!   as NaN.
//! * **Rounding** is half away from zero. `round(x, n)`/`trunc(x, n)` with negative `n`
//!   work left of the point (`round(1250, -2) = 1300`). On doubles the scaling by 10ⁿ
//!   is binary floating point, so `round(2.675, 2)` is 2.67 as in Java. A negative zero
//!   result is normalised to `0.0`.
//! * `mod` has the sign of the dividend (as `%`), and a zero divisor gives NULL.
//! * `maximum`/`minimum` accept numbers (widened), or STRING or BOOL arguments of one
//!   type; a NaN argument makes the result NaN (as Java's `Math.max`).
//! * **Strings** count characters (Unicode scalar values), not bytes. `trim` removes
//!   Unicode whitespace. `left`/`right` with negative `n` drop `|n|` characters from the
//!   other end, and `lpad`/`rpad` truncate to `n` characters and return the string
//!   unchanged for an empty pad (all as Postgres). `substring(s, start[, len])` is 1-based
//!   and a start ≤ 0 counts positions before the string (Postgres); a negative length is
//!   NULL. `replace` with an empty search string returns the input. `position(sub, s)`
//!   (also `locate`, `instr`; the substring comes first) of an empty `sub` is 1. `ascii`
//!   of `''` is 0; `chr` of a negative number, a surrogate or anything above U+10FFFF is
//!   NULL.
//! * **Size guard:** `repeat`, `lpad`, `rpad` and `replace` return NULL instead of
//!   building a result longer than [`MAX_BUILT_LEN`] (bytes, or characters for the pads),
//!   so one absurd argument cannot abort the process on allocation.
//! * `log(x)` is the natural log (a lint is the planner's job); `log(b, x)` uses exact
//!   `log2`/`log10` for bases 2 and 10.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::sync::OnceLock;

use crate::value::{DataType, Value};

/// Evaluation entry point of a resolved function.
pub type Eval = fn(&[Value]) -> Value;

/// A resolved built-in scalar function.
#[derive(Clone, Copy, Debug)]
pub struct ScalarFn {
    /// Canonical name.
    pub name: &'static str,
    /// Result type for the argument types it was resolved for.
    pub ret: DataType,
    /// Arguments already evaluated; NULL handling inside.
    pub eval: fn(&[Value]) -> Value,
}

/// Why [`resolve`] failed. The caller adds the span and any "did you mean" help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FnError {
    /// No built-in scalar function has this name.
    Unknown,
    /// Wrong number of arguments; `expected` is the count without the noun: "1",
    /// "1 or 2", "2 to 4" or "at least 1" (see [`FnError::message`] for a sentence).
    Arity { expected: String, got: usize },
    /// A complete message, e.g. "sqrt expects a numeric argument, got STRING".
    Type(String),
}

impl FnError {
    /// The full message for a call of `name` (as the user spelled it).
    pub fn message(&self, name: &str) -> String {
        match self {
            FnError::Unknown => format!("unknown function '{name}'"),
            FnError::Arity { expected, got } => {
                let noun = if expected == "1" || expected == "at least 1" {
                    "argument"
                } else {
                    "arguments"
                };
                format!("{name} expects {expected} {noun}, got {got}")
            }
            FnError::Type(m) => m.clone(),
        }
    }
}

impl fmt::Display for FnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FnError::Unknown => f.write_str("unknown function"),
            FnError::Arity { expected, got } => {
                write!(f, "expects {expected} argument(s), got {got}")
            }
            FnError::Type(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for FnError {}

/// Results longer than this (bytes, or characters for `lpad`/`rpad`) are NULL.
pub const MAX_BUILT_LEN: usize = 1 << 24;

/// Resolves `name` (ASCII case ignored; aliases of §2.7) for `arg_types`.
pub fn resolve(name: &str, arg_types: &[DataType]) -> Result<ScalarFn, FnError> {
    let entry = ENTRIES
        .iter()
        .find(|e| e.names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .ok_or(FnError::Unknown)?;
    let call = Call {
        name,
        canonical: entry.names[0],
        args: arg_types,
    };
    match &entry.sig {
        Sig::Fixed(kinds, ret, eval) => {
            call.exact(kinds.len())?;
            for (i, kind) in kinds.iter().enumerate() {
                call.expect(i, *kind)?;
            }
            call.ok(*ret, *eval)
        }
        Sig::Custom(r) => r(&call),
    }
}

/// All built-in scalar names, aliases included (for "did you mean" suggestions).
pub fn names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        ENTRIES
            .iter()
            .flat_map(|e| e.names.iter().copied())
            .collect()
    })
}

// ---------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------

struct Entry {
    /// Canonical name first, then aliases.
    names: &'static [&'static str],
    sig: Sig,
}

enum Sig {
    /// Fixed arity, one kind per argument, fixed result type.
    Fixed(&'static [Kind], DataType, Eval),
    /// Anything whose arity or result type depends on the arguments.
    Custom(fn(&Call) -> Result<ScalarFn, FnError>),
}

#[derive(Clone, Copy)]
enum Kind {
    Numeric,
    Integral,
    Str,
    Bool,
    Any,
}

use DataType as T;
use Kind::{Any, Integral, Numeric, Str};

static ENTRIES: &[Entry] = &[
    // null handling
    Entry {
        names: &["coalesce"],
        sig: Sig::Custom(r_coalesce),
    },
    Entry {
        names: &["default", "ifnull"],
        sig: Sig::Custom(r_default),
    },
    Entry {
        names: &["nullif"],
        sig: Sig::Custom(r_nullif),
    },
    Entry {
        names: &["ifThenElse"],
        sig: Sig::Custom(r_if_then_else),
    },
    // math
    Entry {
        names: &["abs"],
        sig: Sig::Custom(r_abs),
    },
    Entry {
        names: &["ceil"],
        sig: Sig::Custom(r_ceil),
    },
    Entry {
        names: &["floor"],
        sig: Sig::Custom(r_floor),
    },
    Entry {
        names: &["round"],
        sig: Sig::Custom(r_round),
    },
    Entry {
        names: &["trunc", "truncate"],
        sig: Sig::Custom(r_trunc),
    },
    Entry {
        names: &["sqrt"],
        sig: Sig::Fixed(&[Numeric], T::Double, sqrt),
    },
    Entry {
        names: &["exp"],
        sig: Sig::Fixed(&[Numeric], T::Double, exp),
    },
    Entry {
        names: &["power", "pow"],
        sig: Sig::Fixed(&[Numeric, Numeric], T::Double, power),
    },
    Entry {
        names: &["ln"],
        sig: Sig::Fixed(&[Numeric], T::Double, ln),
    },
    Entry {
        names: &["log"],
        sig: Sig::Custom(r_log),
    },
    Entry {
        names: &["log10"],
        sig: Sig::Fixed(&[Numeric], T::Double, log10),
    },
    Entry {
        names: &["sin"],
        sig: Sig::Fixed(&[Numeric], T::Double, sin),
    },
    Entry {
        names: &["cos"],
        sig: Sig::Fixed(&[Numeric], T::Double, cos),
    },
    Entry {
        names: &["tan"],
        sig: Sig::Fixed(&[Numeric], T::Double, tan),
    },
    Entry {
        names: &["asin"],
        sig: Sig::Fixed(&[Numeric], T::Double, asin),
    },
    Entry {
        names: &["acos"],
        sig: Sig::Fixed(&[Numeric], T::Double, acos),
    },
    Entry {
        names: &["atan"],
        sig: Sig::Fixed(&[Numeric], T::Double, atan),
    },
    Entry {
        names: &["sign"],
        sig: Sig::Fixed(&[Numeric], T::Int, sign),
    },
    Entry {
        names: &["mod"],
        sig: Sig::Custom(r_mod),
    },
    Entry {
        names: &["maximum"],
        sig: Sig::Custom(r_maximum),
    },
    Entry {
        names: &["minimum"],
        sig: Sig::Custom(r_minimum),
    },
    // string
    Entry {
        names: &["upper"],
        sig: Sig::Fixed(&[Str], T::String, upper),
    },
    Entry {
        names: &["lower"],
        sig: Sig::Fixed(&[Str], T::String, lower),
    },
    Entry {
        names: &["length"],
        sig: Sig::Fixed(&[Str], T::Int, length),
    },
    Entry {
        names: &["concat"],
        sig: Sig::Custom(r_concat),
    },
    Entry {
        names: &["replace"],
        sig: Sig::Fixed(&[Str, Str, Str], T::String, replace),
    },
    Entry {
        names: &["trim"],
        sig: Sig::Fixed(&[Str], T::String, trim),
    },
    Entry {
        names: &["ltrim"],
        sig: Sig::Fixed(&[Str], T::String, ltrim),
    },
    Entry {
        names: &["rtrim"],
        sig: Sig::Fixed(&[Str], T::String, rtrim),
    },
    Entry {
        names: &["left"],
        sig: Sig::Fixed(&[Str, Integral], T::String, left),
    },
    Entry {
        names: &["right"],
        sig: Sig::Fixed(&[Str, Integral], T::String, right),
    },
    Entry {
        names: &["lpad"],
        sig: Sig::Fixed(&[Str, Integral, Str], T::String, lpad),
    },
    Entry {
        names: &["rpad"],
        sig: Sig::Fixed(&[Str, Integral, Str], T::String, rpad),
    },
    Entry {
        names: &["reverse"],
        sig: Sig::Fixed(&[Str], T::String, reverse),
    },
    Entry {
        names: &["repeat"],
        sig: Sig::Fixed(&[Str, Integral], T::String, repeat),
    },
    Entry {
        names: &["position", "locate", "instr"],
        sig: Sig::Fixed(&[Str, Str], T::Int, position),
    },
    Entry {
        names: &["ascii"],
        sig: Sig::Fixed(&[Str], T::Int, ascii),
    },
    Entry {
        names: &["chr", "char"],
        sig: Sig::Fixed(&[Integral], T::String, chr),
    },
    Entry {
        names: &["substring", "substr"],
        sig: Sig::Custom(r_substring),
    },
    // type tests (Siddhi core)
    Entry {
        names: &["instanceOfBoolean"],
        sig: Sig::Fixed(&[Any], T::Bool, instance_of_bool),
    },
    Entry {
        names: &["instanceOfString"],
        sig: Sig::Fixed(&[Any], T::Bool, instance_of_string),
    },
    Entry {
        names: &["instanceOfInteger"],
        sig: Sig::Fixed(&[Any], T::Bool, instance_of_int),
    },
    Entry {
        names: &["instanceOfLong"],
        sig: Sig::Fixed(&[Any], T::Bool, instance_of_long),
    },
    Entry {
        names: &["instanceOfFloat"],
        sig: Sig::Fixed(&[Any], T::Bool, instance_of_float),
    },
    Entry {
        names: &["instanceOfDouble"],
        sig: Sig::Fixed(&[Any], T::Bool, instance_of_double),
    },
];

/// One call being resolved.
struct Call<'a> {
    /// As written, for messages.
    name: &'a str,
    canonical: &'static str,
    args: &'a [DataType],
}

impl Call<'_> {
    fn arity(&self, lo: usize, hi: Option<usize>) -> Result<(), FnError> {
        let n = self.args.len();
        if n >= lo && hi.is_none_or(|hi| n <= hi) {
            return Ok(());
        }
        let expected = match hi {
            Some(hi) if hi == lo => lo.to_string(),
            Some(hi) if hi == lo + 1 => format!("{lo} or {hi}"),
            Some(hi) => format!("{lo} to {hi}"),
            None => format!("at least {lo}"),
        };
        Err(FnError::Arity { expected, got: n })
    }

    fn exact(&self, n: usize) -> Result<(), FnError> {
        self.arity(n, Some(n))
    }

    /// Checks argument `i` against `kind` (OBJECT always passes) and returns its type.
    fn expect(&self, i: usize, kind: Kind) -> Result<DataType, FnError> {
        let t = self.args.get(i).copied().unwrap_or(DataType::Object);
        let ok = t == DataType::Object
            || match kind {
                Kind::Numeric => t.is_numeric(),
                Kind::Integral => t.is_integral(),
                Kind::Str => t == DataType::String,
                Kind::Bool => t == DataType::Bool,
                Kind::Any => true,
            };
        if ok {
            return Ok(t);
        }
        let what = match kind {
            Kind::Numeric => "a numeric",
            Kind::Integral => "an integral (INT or LONG)",
            Kind::Str => "a STRING",
            Kind::Bool => "a BOOL",
            Kind::Any => "an",
        };
        const ORDINALS: [&str; 5] = ["first ", "second ", "third ", "fourth ", "fifth "];
        let pos = if self.args.len() == 1 {
            ""
        } else {
            ORDINALS.get(i).copied().unwrap_or("")
        };
        Err(FnError::Type(format!(
            "{} expects {what} {pos}argument, got {t}",
            self.name
        )))
    }

    /// The common type of the arguments at `idx`: equal types, or numbers widened to
    /// the widest; OBJECT is ignored (OBJECT if all are OBJECT).
    fn common(&self, idx: impl Iterator<Item = usize>) -> Result<DataType, FnError> {
        let mut acc: Option<DataType> = None;
        for i in idx {
            let t = self.args.get(i).copied().unwrap_or(DataType::Object);
            acc = match acc {
                _ if t == DataType::Object => acc,
                None => Some(t),
                Some(a) if a == t => Some(a),
                Some(a) => match DataType::promote(a, t) {
                    Some(p) => Some(p),
                    None => {
                        return Err(FnError::Type(format!(
                            "{} expects arguments of a common type, got {a} and {t}",
                            self.name
                        )))
                    }
                },
            };
        }
        Ok(acc.unwrap_or(DataType::Object))
    }

    /// The widest numeric type among all arguments (each checked numeric); DOUBLE when
    /// every argument is OBJECT.
    fn numeric_common(&self) -> Result<DataType, FnError> {
        for i in 0..self.args.len() {
            self.expect(i, Kind::Numeric)?;
        }
        let t = self.common(0..self.args.len())?;
        Ok(if t == DataType::Object {
            DataType::Double
        } else {
            t
        })
    }

    fn ok(&self, ret: DataType, eval: Eval) -> Result<ScalarFn, FnError> {
        Ok(ScalarFn {
            name: self.canonical,
            ret,
            eval,
        })
    }
}

/// Instantiates a function generic over a result-type code for a runtime `DataType`.
macro_rules! typed {
    ($f:ident, $t:expr) => {
        match $t {
            DataType::String => $f::<TY_STRING> as Eval,
            DataType::Int => $f::<TY_INT> as Eval,
            DataType::Long => $f::<TY_LONG> as Eval,
            DataType::Float => $f::<TY_FLOAT> as Eval,
            DataType::Double => $f::<TY_DOUBLE> as Eval,
            DataType::Bool => $f::<TY_BOOL> as Eval,
            DataType::Object => $f::<TY_OBJECT> as Eval,
        }
    };
}

// Const-generic codes for result types: `fn` pointers cannot capture the type, so each
// result type gets its own monomorphised function.
const TY_STRING: u8 = 0;
const TY_INT: u8 = 1;
const TY_LONG: u8 = 2;
const TY_FLOAT: u8 = 3;
const TY_DOUBLE: u8 = 4;
const TY_BOOL: u8 = 5;
const TY_OBJECT: u8 = 6;

const fn ty(code: u8) -> DataType {
    match code {
        TY_STRING => DataType::String,
        TY_INT => DataType::Int,
        TY_LONG => DataType::Long,
        TY_FLOAT => DataType::Float,
        TY_DOUBLE => DataType::Double,
        TY_BOOL => DataType::Bool,
        _ => DataType::Object,
    }
}

fn r_coalesce(c: &Call) -> Result<ScalarFn, FnError> {
    c.arity(1, None)?;
    let t = c.common(0..c.args.len())?;
    c.ok(t, typed!(coalesce, t))
}

fn r_default(c: &Call) -> Result<ScalarFn, FnError> {
    c.exact(2)?;
    let t = c.common(0..2)?;
    c.ok(t, typed!(coalesce, t))
}

fn r_nullif(c: &Call) -> Result<ScalarFn, FnError> {
    c.exact(2)?;
    let t = c.common(0..2)?;
    c.ok(t, typed!(nullif, t))
}

fn r_if_then_else(c: &Call) -> Result<ScalarFn, FnError> {
    c.exact(3)?;
    c.expect(0, Kind::Bool)?;
    let t = c.common(1..3)?;
    c.ok(t, typed!(if_then_else, t))
}

fn r_abs(c: &Call) -> Result<ScalarFn, FnError> {
    c.exact(1)?;
    let (ret, eval): (DataType, Eval) = match c.expect(0, Numeric)? {
        DataType::Int => (T::Int, abs_int),
        DataType::Long => (T::Long, abs_long),
        DataType::Float => (T::Float, abs_float),
        _ => (T::Double, abs_double),
    };
    c.ok(ret, eval)
}

/// `ceil`/`floor`/1-argument `round`/`trunc`: identity on integers, `op` on doubles.
fn r_integral_or(c: &Call, on_double: Eval) -> Result<ScalarFn, FnError> {
    match c.expect(0, Numeric)? {
        DataType::Int => c.ok(T::Int, same_int),
        DataType::Long => c.ok(T::Long, same_long),
        _ => c.ok(T::Double, on_double),
    }
}

fn r_ceil(c: &Call) -> Result<ScalarFn, FnError> {
    c.exact(1)?;
    r_integral_or(c, ceil)
}

fn r_floor(c: &Call) -> Result<ScalarFn, FnError> {
    c.exact(1)?;
    r_integral_or(c, floor)
}

/// `round`/`trunc` with an optional digits argument.
fn r_digits(
    c: &Call,
    one: Eval,
    int2: Eval,
    long2: Eval,
    double2: Eval,
) -> Result<ScalarFn, FnError> {
    c.arity(1, Some(2))?;
    if c.args.len() == 1 {
        return r_integral_or(c, one);
    }
    let t = c.expect(0, Numeric)?;
    c.expect(1, Integral)?;
    match t {
        DataType::Int => c.ok(T::Int, int2),
        DataType::Long => c.ok(T::Long, long2),
        _ => c.ok(T::Double, double2),
    }
}

fn r_round(c: &Call) -> Result<ScalarFn, FnError> {
    r_digits(c, round1, round_int2, round_long2, round_double2)
}

fn r_trunc(c: &Call) -> Result<ScalarFn, FnError> {
    r_digits(c, trunc1, trunc_int2, trunc_long2, trunc_double2)
}

fn r_log(c: &Call) -> Result<ScalarFn, FnError> {
    c.arity(1, Some(2))?;
    for i in 0..c.args.len() {
        c.expect(i, Numeric)?;
    }
    c.ok(T::Double, if c.args.len() == 1 { ln } else { log_base })
}

fn r_mod(c: &Call) -> Result<ScalarFn, FnError> {
    c.exact(2)?;
    let t = c.numeric_common()?;
    let eval: Eval = match t {
        DataType::Int => mod_int,
        DataType::Long => mod_long,
        DataType::Float => mod_float,
        _ => mod_double,
    };
    c.ok(t, eval)
}

fn r_extreme(c: &Call) -> Result<DataType, FnError> {
    c.arity(1, None)?;
    // Any common type compares (numbers, STRING, BOOL); OBJECT alone stays OBJECT.
    c.common(0..c.args.len())
}

fn r_maximum(c: &Call) -> Result<ScalarFn, FnError> {
    let t = r_extreme(c)?;
    c.ok(t, typed!(maximum, t))
}

fn r_minimum(c: &Call) -> Result<ScalarFn, FnError> {
    let t = r_extreme(c)?;
    c.ok(t, typed!(minimum, t))
}

fn r_concat(c: &Call) -> Result<ScalarFn, FnError> {
    // Every type converts through its canonical text.
    c.arity(1, None)?;
    c.ok(T::String, concat)
}

fn r_substring(c: &Call) -> Result<ScalarFn, FnError> {
    c.arity(2, Some(3))?;
    c.expect(0, Str)?;
    for i in 1..c.args.len() {
        c.expect(i, Integral)?;
    }
    c.ok(T::String, substring)
}

// ---------------------------------------------------------------------------------
// Evaluation helpers
// ---------------------------------------------------------------------------------

static NULL: Value = Value::Null;

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&NULL)
}

fn f_arg(a: &[Value], i: usize) -> Option<f64> {
    arg(a, i).as_f64()
}

fn i_arg(a: &[Value], i: usize) -> Option<i64> {
    arg(a, i).as_i64()
}

fn s_arg(a: &[Value], i: usize) -> Option<&str> {
    arg(a, i).as_str()
}

fn text(s: String) -> Value {
    Value::Str(crate::value::Str::from(s))
}

/// `sub` (a slice of `orig`'s text) as a value, sharing `orig`'s allocation when it is
/// the whole string.
fn keep(orig: &Value, sub: &str) -> Value {
    match orig {
        Value::Str(o) if o.len() == sub.len() => orig.clone(),
        _ => Value::str(sub),
    }
}

/// A DOUBLE result, NULL for a domain error (NaN from non-NaN inputs).
fn domain(inputs_nan: bool, r: f64) -> Value {
    if r.is_nan() && !inputs_nan {
        Value::Null
    } else {
        Value::Double(r)
    }
}

fn unary_double(a: &[Value], f: fn(f64) -> f64) -> Value {
    match f_arg(a, 0) {
        Some(x) => domain(x.is_nan(), f(x)),
        None => Value::Null,
    }
}

fn binary_double(a: &[Value], f: fn(f64, f64) -> f64) -> Value {
    match (f_arg(a, 0), f_arg(a, 1)) {
        (Some(x), Some(y)) => domain(x.is_nan() || y.is_nan(), f(x, y)),
        _ => Value::Null,
    }
}

/// Normalises `-0.0` to `0.0` (adding positive zero does exactly that in IEEE 754).
fn no_neg_zero(x: f64) -> f64 {
    x + 0.0
}

/// Byte offset after the first `n` characters of `s` (`s.len()` if it is shorter).
fn byte_after_chars(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

fn to_usize(n: i64) -> usize {
    usize::try_from(n).unwrap_or(if n < 0 { 0 } else { usize::MAX })
}

// ---------------------------------------------------------------------------------
// Null handling
// ---------------------------------------------------------------------------------

fn coalesce<const R: u8>(a: &[Value]) -> Value {
    a.iter()
        .find(|v| !v.is_null())
        .map_or(Value::Null, |v| v.clone().widen(ty(R)))
}

fn nullif<const R: u8>(a: &[Value]) -> Value {
    let (x, y) = (arg(a, 0), arg(a, 1));
    if x.sql_cmp(y) == Some(Ordering::Equal) {
        Value::Null
    } else {
        x.clone().widen(ty(R))
    }
}

fn if_then_else<const R: u8>(a: &[Value]) -> Value {
    let pick = if arg(a, 0).as_bool() == Some(true) {
        1
    } else {
        2
    };
    arg(a, pick).clone().widen(ty(R))
}

// ---------------------------------------------------------------------------------
// Math
// ---------------------------------------------------------------------------------

fn abs_int(a: &[Value]) -> Value {
    match arg(a, 0) {
        Value::Int(v) => Value::Int(v.wrapping_abs()),
        _ => Value::Null,
    }
}

fn abs_long(a: &[Value]) -> Value {
    match arg(a, 0) {
        Value::Long(v) => Value::Long(v.wrapping_abs()),
        _ => Value::Null,
    }
}

fn abs_float(a: &[Value]) -> Value {
    match arg(a, 0) {
        Value::Float(v) => Value::Float(v.abs()),
        _ => Value::Null,
    }
}

fn abs_double(a: &[Value]) -> Value {
    unary_double(a, f64::abs)
}

fn same_int(a: &[Value]) -> Value {
    match arg(a, 0) {
        v @ Value::Int(_) => v.clone(),
        _ => Value::Null,
    }
}

fn same_long(a: &[Value]) -> Value {
    match arg(a, 0) {
        v @ Value::Long(_) => v.clone(),
        _ => Value::Null,
    }
}

fn ceil(a: &[Value]) -> Value {
    unary_double(a, |x| no_neg_zero(x.ceil()))
}

fn floor(a: &[Value]) -> Value {
    unary_double(a, |x| no_neg_zero(x.floor()))
}

fn round1(a: &[Value]) -> Value {
    unary_double(a, |x| no_neg_zero(x.round()))
}

fn trunc1(a: &[Value]) -> Value {
    unary_double(a, |x| no_neg_zero(x.trunc()))
}

/// Rounds (or truncates) an integer at decimal position `n` (`n < 0`: left of the point).
/// Computed in i128 so only the final narrowing wraps.
fn digits_int(x: i64, n: i64, half_away: bool) -> i64 {
    if n >= 0 {
        return x;
    }
    let k = n.unsigned_abs();
    // 10^20 exceeds twice any i64, so everything rounds to 0.
    if k >= 20 {
        return 0;
    }
    let p = 10i128.pow(k as u32);
    let x = i128::from(x);
    let (mut q, r) = (x / p, x % p);
    if half_away && 2 * r.abs() >= p {
        q += x.signum();
    }
    (q * p) as i64
}

/// Rounds (or truncates, per `op`) a double at decimal position `n`.
fn digits_double(x: f64, n: i64, op: fn(f64) -> f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    // Beyond ±400 digits the answer no longer depends on n; clamping keeps powi in range.
    let n = n.clamp(-400, 400) as i32;
    let r = if n >= 0 {
        let p = 10f64.powi(n);
        let y = x * p;
        // Already integral at this scale (or too large to scale): nothing to round, and
        // dividing back would only add noise.
        if !y.is_finite() || y.abs() >= 4_503_599_627_370_496.0 {
            return x;
        }
        op(y) / p
    } else {
        let p = 10f64.powi(-n);
        if !p.is_finite() {
            return 0.0;
        }
        op(x / p) * p
    };
    no_neg_zero(r)
}

fn round_int2(a: &[Value]) -> Value {
    match (arg(a, 0), i_arg(a, 1)) {
        (Value::Int(x), Some(n)) => Value::Int(digits_int(i64::from(*x), n, true) as i32),
        _ => Value::Null,
    }
}

fn round_long2(a: &[Value]) -> Value {
    match (arg(a, 0), i_arg(a, 1)) {
        (Value::Long(x), Some(n)) => Value::Long(digits_int(*x, n, true)),
        _ => Value::Null,
    }
}

fn round_double2(a: &[Value]) -> Value {
    match (f_arg(a, 0), i_arg(a, 1)) {
        (Some(x), Some(n)) => Value::Double(digits_double(x, n, f64::round)),
        _ => Value::Null,
    }
}

fn trunc_int2(a: &[Value]) -> Value {
    match (arg(a, 0), i_arg(a, 1)) {
        (Value::Int(x), Some(n)) => Value::Int(digits_int(i64::from(*x), n, false) as i32),
        _ => Value::Null,
    }
}

fn trunc_long2(a: &[Value]) -> Value {
    match (arg(a, 0), i_arg(a, 1)) {
        (Value::Long(x), Some(n)) => Value::Long(digits_int(*x, n, false)),
        _ => Value::Null,
    }
}

fn trunc_double2(a: &[Value]) -> Value {
    match (f_arg(a, 0), i_arg(a, 1)) {
        (Some(x), Some(n)) => Value::Double(digits_double(x, n, f64::trunc)),
        _ => Value::Null,
    }
}

fn sqrt(a: &[Value]) -> Value {
    unary_double(a, f64::sqrt)
}

fn exp(a: &[Value]) -> Value {
    unary_double(a, f64::exp)
}

fn power(a: &[Value]) -> Value {
    binary_double(a, f64::powf)
}

fn ln(a: &[Value]) -> Value {
    unary_double(a, f64::ln)
}

fn log10(a: &[Value]) -> Value {
    unary_double(a, f64::log10)
}

/// `log(b, x)`: exact routines for the common bases so `log(10, 1000)` is 3, not
/// 2.9999999999999996.
fn log_base(a: &[Value]) -> Value {
    binary_double(a, |b, x| {
        if b == 2.0 {
            x.log2()
        } else if b == 10.0 {
            x.log10()
        } else {
            x.ln() / b.ln()
        }
    })
}

fn sin(a: &[Value]) -> Value {
    unary_double(a, f64::sin)
}

fn cos(a: &[Value]) -> Value {
    unary_double(a, f64::cos)
}

fn tan(a: &[Value]) -> Value {
    unary_double(a, f64::tan)
}

fn asin(a: &[Value]) -> Value {
    unary_double(a, f64::asin)
}

fn acos(a: &[Value]) -> Value {
    unary_double(a, f64::acos)
}

fn atan(a: &[Value]) -> Value {
    unary_double(a, f64::atan)
}

fn sign(a: &[Value]) -> Value {
    let v = arg(a, 0);
    if let Some(i) = v.as_i64() {
        return Value::Int(i.signum() as i32);
    }
    match v.as_f64() {
        Some(f) if f.is_nan() => Value::Null,
        Some(f) if f > 0.0 => Value::Int(1),
        Some(f) if f < 0.0 => Value::Int(-1),
        Some(_) => Value::Int(0),
        None => Value::Null,
    }
}

fn mod_int(a: &[Value]) -> Value {
    // Narrow before the zero test: a stray LONG divisor could narrow to 0.
    match (i_arg(a, 0), i_arg(a, 1).map(|y| y as i32)) {
        (Some(x), Some(y)) if y != 0 => Value::Int((x as i32).wrapping_rem(y)),
        _ => Value::Null,
    }
}

fn mod_long(a: &[Value]) -> Value {
    match (i_arg(a, 0), i_arg(a, 1)) {
        (Some(x), Some(y)) if y != 0 => Value::Long(x.wrapping_rem(y)),
        _ => Value::Null,
    }
}

fn mod_float(a: &[Value]) -> Value {
    match (f_arg(a, 0), f_arg(a, 1)) {
        // Narrow before the zero test: a tiny divisor can narrow to 0.
        (Some(x), Some(y)) if y as f32 != 0.0 => Value::Float(x as f32 % y as f32),
        _ => Value::Null,
    }
}

fn mod_double(a: &[Value]) -> Value {
    match (f_arg(a, 0), f_arg(a, 1)) {
        (Some(x), Some(y)) if y != 0.0 => Value::Double(x % y),
        _ => Value::Null,
    }
}

fn is_nan(v: &Value) -> bool {
    matches!(v, Value::Float(_) | Value::Double(_)) && v.as_f64().is_some_and(f64::is_nan)
}

/// The argument that is `want` relative to all others; NULL if any is NULL (or two
/// arguments do not compare), NaN if any is NaN.
fn extreme(a: &[Value], ret: DataType, want: Ordering) -> Value {
    let mut best: Option<&Value> = None;
    for v in a {
        if v.is_null() {
            return Value::Null;
        }
        if is_nan(v) {
            return v.clone().widen(ret);
        }
        best = match best {
            None => Some(v),
            Some(b) => match v.sql_cmp(b) {
                Some(o) if o == want => Some(v),
                Some(_) => Some(b),
                None => return Value::Null,
            },
        };
    }
    best.map_or(Value::Null, |b| b.clone().widen(ret))
}

fn maximum<const R: u8>(a: &[Value]) -> Value {
    extreme(a, ty(R), Ordering::Greater)
}

fn minimum<const R: u8>(a: &[Value]) -> Value {
    extreme(a, ty(R), Ordering::Less)
}

// ---------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------

fn upper(a: &[Value]) -> Value {
    s_arg(a, 0).map_or(Value::Null, |s| text(s.to_uppercase()))
}

fn lower(a: &[Value]) -> Value {
    s_arg(a, 0).map_or(Value::Null, |s| text(s.to_lowercase()))
}

fn length(a: &[Value]) -> Value {
    s_arg(a, 0).map_or(Value::Null, |s| Value::Int(s.chars().count() as i32))
}

fn concat(a: &[Value]) -> Value {
    let mut out = String::new();
    for v in a {
        match v {
            Value::Null => {}
            Value::Str(s) => out.push_str(s),
            // Writing to a String cannot fail.
            other => {
                let _ = write!(out, "{other}");
            }
        }
    }
    text(out)
}

fn replace(a: &[Value]) -> Value {
    let (Some(s), Some(from), Some(to)) = (s_arg(a, 0), s_arg(a, 1), s_arg(a, 2)) else {
        return Value::Null;
    };
    if from.is_empty() || !s.contains(from) {
        return arg(a, 0).clone();
    }
    if to.len() > from.len() {
        let grows = s
            .matches(from)
            .count()
            .saturating_mul(to.len() - from.len());
        if s.len().saturating_add(grows) > MAX_BUILT_LEN {
            return Value::Null;
        }
    }
    text(s.replace(from, to))
}

fn trim(a: &[Value]) -> Value {
    s_arg(a, 0).map_or(Value::Null, |s| keep(arg(a, 0), s.trim()))
}

fn ltrim(a: &[Value]) -> Value {
    s_arg(a, 0).map_or(Value::Null, |s| keep(arg(a, 0), s.trim_start()))
}

fn rtrim(a: &[Value]) -> Value {
    s_arg(a, 0).map_or(Value::Null, |s| keep(arg(a, 0), s.trim_end()))
}

fn left(a: &[Value]) -> Value {
    let (Some(s), Some(n)) = (s_arg(a, 0), i_arg(a, 1)) else {
        return Value::Null;
    };
    let take = if n >= 0 {
        to_usize(n)
    } else {
        s.chars()
            .count()
            .saturating_sub(to_usize(n.saturating_neg()))
    };
    keep(arg(a, 0), &s[..byte_after_chars(s, take)])
}

fn right(a: &[Value]) -> Value {
    let (Some(s), Some(n)) = (s_arg(a, 0), i_arg(a, 1)) else {
        return Value::Null;
    };
    let skip = if n >= 0 {
        s.chars().count().saturating_sub(to_usize(n))
    } else {
        to_usize(n.saturating_neg())
    };
    keep(arg(a, 0), &s[byte_after_chars(s, skip)..])
}

fn pad(a: &[Value], on_left: bool) -> Value {
    let (Some(s), Some(n), Some(p)) = (s_arg(a, 0), i_arg(a, 1), s_arg(a, 2)) else {
        return Value::Null;
    };
    let n = to_usize(n);
    let len = s.chars().count();
    if len >= n {
        return keep(arg(a, 0), &s[..byte_after_chars(s, n)]);
    }
    if p.is_empty() {
        return arg(a, 0).clone();
    }
    if n > MAX_BUILT_LEN {
        return Value::Null;
    }
    let mut out = String::with_capacity(s.len() + (n - len) * 4);
    if !on_left {
        out.push_str(s);
    }
    out.extend(p.chars().cycle().take(n - len));
    if on_left {
        out.push_str(s);
    }
    text(out)
}

fn lpad(a: &[Value]) -> Value {
    pad(a, true)
}

fn rpad(a: &[Value]) -> Value {
    pad(a, false)
}

fn reverse(a: &[Value]) -> Value {
    s_arg(a, 0).map_or(Value::Null, |s| text(s.chars().rev().collect()))
}

fn repeat(a: &[Value]) -> Value {
    let (Some(s), Some(n)) = (s_arg(a, 0), i_arg(a, 1)) else {
        return Value::Null;
    };
    let n = to_usize(n);
    match s.len().checked_mul(n) {
        Some(total) if total <= MAX_BUILT_LEN => text(s.repeat(n)),
        _ => Value::Null,
    }
}

fn position(a: &[Value]) -> Value {
    let (Some(sub), Some(s)) = (s_arg(a, 0), s_arg(a, 1)) else {
        return Value::Null;
    };
    Value::Int(s.find(sub).map_or(0, |i| s[..i].chars().count() as i32 + 1))
}

fn ascii(a: &[Value]) -> Value {
    s_arg(a, 0).map_or(Value::Null, |s| {
        Value::Int(s.chars().next().map_or(0, |c| c as i32))
    })
}

fn chr(a: &[Value]) -> Value {
    i_arg(a, 0)
        .and_then(|n| u32::try_from(n).ok())
        .and_then(char::from_u32)
        .map_or(Value::Null, |c| text(c.to_string()))
}

/// SQL `substring(s FROM start [FOR len])`: the characters at 1-based positions
/// `[start, start + len)` that exist.
fn substring(a: &[Value]) -> Value {
    let (Some(s), Some(start)) = (s_arg(a, 0), i_arg(a, 1)) else {
        return Value::Null;
    };
    let first = start.max(1);
    let end = if a.len() > 2 {
        match i_arg(a, 2) {
            Some(len) if len >= 0 => Some(start.saturating_add(len)),
            _ => return Value::Null,
        }
    } else {
        None
    };
    let begin = byte_after_chars(s, to_usize(first - 1));
    let stop = match end {
        Some(end) if end <= first => return Value::str(""),
        Some(end) => begin + byte_after_chars(&s[begin..], to_usize(end - first)),
        None => s.len(),
    };
    keep(arg(a, 0), &s[begin..stop])
}

// ---------------------------------------------------------------------------------
// Type tests
// ---------------------------------------------------------------------------------

fn instance_of_bool(a: &[Value]) -> Value {
    Value::Bool(matches!(arg(a, 0), Value::Bool(_)))
}

fn instance_of_string(a: &[Value]) -> Value {
    Value::Bool(matches!(arg(a, 0), Value::Str(_)))
}

fn instance_of_int(a: &[Value]) -> Value {
    Value::Bool(matches!(arg(a, 0), Value::Int(_)))
}

fn instance_of_long(a: &[Value]) -> Value {
    Value::Bool(matches!(arg(a, 0), Value::Long(_)))
}

fn instance_of_float(a: &[Value]) -> Value {
    Value::Bool(matches!(arg(a, 0), Value::Float(_)))
}

fn instance_of_double(a: &[Value]) -> Value {
    Value::Bool(matches!(arg(a, 0), Value::Double(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DataType::{
        Bool as B, Double as D, Float as F, Int as I, Long as L, Object as O, String as S,
    };

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    /// Resolves `name` for the runtime types of `args` (NULL counts as OBJECT) and calls it.
    #[track_caller]
    fn call(name: &str, args: &[Value]) -> Value {
        let types: Vec<DataType> = args.iter().map(|v| v.data_type().unwrap_or(O)).collect();
        let f = resolve(name, &types).unwrap_or_else(|e| panic!("{}", e.message(name)));
        let out = (f.eval)(args);
        if let Some(t) = out.data_type() {
            assert!(
                f.ret == O || t == f.ret,
                "{name}: result {out:?} does not have the resolved type {}",
                f.ret
            );
        }
        out
    }

    /// Variant-exact equality (NaN equals NaN), unlike `Value`'s cross-type `==`.
    #[track_caller]
    fn eq(got: Value, want: Value) {
        let same = got.data_type() == want.data_type()
            && match (&got, &want) {
                (Value::Double(a), Value::Double(b)) => {
                    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
                }
                (Value::Float(a), Value::Float(b)) => {
                    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
                }
                _ => got == want,
            };
        assert!(same, "got {got:?}, want {want:?}");
    }

    fn ret(name: &str, types: &[DataType]) -> DataType {
        match resolve(name, types) {
            Ok(f) => f.ret,
            Err(e) => panic!("{}", e.message(name)),
        }
    }

    fn err(name: &str, types: &[DataType]) -> String {
        match resolve(name, types) {
            Ok(f) => panic!("{name} unexpectedly resolved to {}", f.name),
            Err(e) => e.message(name),
        }
    }

    #[test]
    fn names_are_case_insensitive_and_aliases_resolve_to_the_canonical_name() {
        assert_eq!(resolve("UPPER", &[S]).map(|f| f.name).ok(), Some("upper"));
        assert_eq!(
            resolve("Coalesce", &[I]).map(|f| f.name).ok(),
            Some("coalesce")
        );
        for (alias, canonical, types) in [
            ("ifnull", "default", &[I, I][..]),
            ("IFNULL", "default", &[I, I]),
            ("truncate", "trunc", &[D]),
            ("pow", "power", &[D, D]),
            ("locate", "position", &[S, S]),
            ("instr", "position", &[S, S]),
            ("char", "chr", &[I]),
            ("substr", "substring", &[S, I]),
            ("ifthenelse", "ifThenElse", &[B, I, I]),
            ("INSTANCEOFSTRING", "instanceOfString", &[S]),
        ] {
            assert_eq!(
                resolve(alias, types).map(|f| f.name).ok(),
                Some(canonical),
                "{alias}"
            );
        }
    }

    #[test]
    fn unknown_names() {
        assert!(matches!(resolve("nosuch", &[]), Err(FnError::Unknown)));
        // not ours: handled by the compiler or aggregates
        for n in [
            "uuid",
            "now",
            "eventTimestamp",
            "currentTimeMillis",
            "sum",
            "count",
        ] {
            assert!(matches!(resolve(n, &[]), Err(FnError::Unknown)), "{n}");
        }
        assert_eq!(FnError::Unknown.message("frob"), "unknown function 'frob'");
    }

    #[test]
    fn every_listed_name_resolves_to_something_but_unknown() {
        let all = names();
        assert!(all.len() > 50);
        for n in all {
            assert!(!matches!(resolve(n, &[]), Err(FnError::Unknown)), "{n}");
        }
        for n in [
            "coalesce",
            "ifnull",
            "substr",
            "instr",
            "truncate",
            "ifThenElse",
            "instanceOfDouble",
        ] {
            assert!(all.contains(&n), "{n}");
        }
    }

    #[test]
    fn arity_errors() {
        assert_eq!(err("upper", &[S, S]), "upper expects 1 argument, got 2");
        assert_eq!(err("UPPER", &[]), "UPPER expects 1 argument, got 0");
        assert_eq!(
            err("round", &[D, I, I]),
            "round expects 1 or 2 arguments, got 3"
        );
        assert_eq!(
            err("substring", &[S]),
            "substring expects 2 or 3 arguments, got 1"
        );
        assert_eq!(
            err("coalesce", &[]),
            "coalesce expects at least 1 argument, got 0"
        );
        assert_eq!(
            err("replace", &[S, S]),
            "replace expects 3 arguments, got 2"
        );
        assert_eq!(
            resolve("power", &[D]).err(),
            Some(FnError::Arity {
                expected: "2".into(),
                got: 1
            })
        );
        assert_eq!(
            resolve("log", &[]).err(),
            Some(FnError::Arity {
                expected: "1 or 2".into(),
                got: 0
            })
        );
    }

    #[test]
    fn type_errors() {
        assert_eq!(
            err("sqrt", &[S]),
            "sqrt expects a numeric argument, got STRING"
        );
        assert_eq!(
            err("upper", &[I]),
            "upper expects a STRING argument, got INT"
        );
        assert_eq!(
            err("round", &[D, D]),
            "round expects an integral (INT or LONG) second argument, got DOUBLE"
        );
        assert_eq!(
            err("left", &[S, S]),
            "left expects an integral (INT or LONG) second argument, got STRING"
        );
        assert_eq!(
            err("ifThenElse", &[I, I, I]),
            "ifThenElse expects a BOOL first argument, got INT"
        );
        assert_eq!(
            err("coalesce", &[I, S]),
            "coalesce expects arguments of a common type, got INT and STRING"
        );
        assert_eq!(
            err("ifThenElse", &[B, S, D]),
            "ifThenElse expects arguments of a common type, got STRING and DOUBLE"
        );
        assert_eq!(
            err("nullif", &[B, L]),
            "nullif expects arguments of a common type, got BOOL and LONG"
        );
        assert_eq!(
            err("mod", &[I, B]),
            "mod expects a numeric second argument, got BOOL"
        );
        assert_eq!(err("abs", &[B]), "abs expects a numeric argument, got BOOL");
        assert_eq!(
            err("chr", &[D]),
            "chr expects an integral (INT or LONG) argument, got DOUBLE"
        );
        assert_eq!(
            err("maximum", &[I, S]),
            "maximum expects arguments of a common type, got INT and STRING"
        );
        assert!(matches!(resolve("length", &[D]), Err(FnError::Type(_))));
    }

    #[test]
    fn object_arguments_are_accepted() {
        assert_eq!(ret("abs", &[O]), D);
        assert_eq!(ret("sqrt", &[O]), D);
        assert_eq!(ret("upper", &[O]), S);
        assert_eq!(ret("coalesce", &[O, I]), I);
        assert_eq!(ret("coalesce", &[O]), O);
        assert_eq!(ret("coalesce", &[O, O]), O);
        assert_eq!(ret("mod", &[O, L]), L);
        assert_eq!(ret("mod", &[O, O]), D);
        assert_eq!(ret("round", &[O, O]), D);
        assert_eq!(ret("ifThenElse", &[O, S, O]), S);
        eq(call("abs", &[Value::Null]), Value::Null);
        eq(call("upper", &[Value::Null]), Value::Null);
    }

    #[test]
    fn result_types() {
        for (name, types, want) in [
            ("abs", &[I][..], I),
            ("abs", &[L], L),
            ("abs", &[F], F),
            ("abs", &[D], D),
            ("ceil", &[I], I),
            ("ceil", &[F], D),
            ("floor", &[L], L),
            ("floor", &[D], D),
            ("round", &[I], I),
            ("round", &[L, I], L),
            ("round", &[F], D),
            ("round", &[D, L], D),
            ("trunc", &[I, I], I),
            ("trunc", &[F, I], D),
            ("sqrt", &[I], D),
            ("power", &[I, I], D),
            ("log", &[I], D),
            ("log", &[I, L], D),
            ("sign", &[D], I),
            ("sign", &[L], I),
            ("mod", &[I, I], I),
            ("mod", &[I, L], L),
            ("mod", &[F, I], F),
            ("mod", &[L, D], D),
            ("maximum", &[I, L, F], F),
            ("minimum", &[I, I], I),
            ("maximum", &[S, S], S),
            ("coalesce", &[I, L], L),
            ("coalesce", &[S, S, S], S),
            ("default", &[I, D], D),
            ("nullif", &[L, I], L),
            ("ifThenElse", &[B, I, D], D),
            ("length", &[S], I),
            ("position", &[S, S], I),
            ("ascii", &[S], I),
            ("chr", &[L], S),
            ("concat", &[I, D, B, S], S),
            ("instanceOfLong", &[I], B),
        ] {
            assert_eq!(ret(name, types), want, "{name}{types:?}");
        }
    }

    #[test]
    fn coalesce_default_nullif() {
        eq(
            call("coalesce", &[Value::Null, Value::Int(2), Value::Int(3)]),
            Value::Int(2),
        );
        eq(call("coalesce", &[Value::Null, Value::Null]), Value::Null);
        eq(
            call("coalesce", &[Value::Null, Value::Int(2), Value::Long(3)]),
            Value::Long(2),
        );
        eq(
            call("coalesce", &[Value::Int(1), Value::Double(0.5)]),
            Value::Double(1.0),
        );
        eq(call("coalesce", &[s("a"), s("b")]), s("a"));
        eq(
            call("default", &[Value::Null, Value::Double(1.5)]),
            Value::Double(1.5),
        );
        eq(
            call("ifnull", &[Value::Int(7), Value::Double(1.5)]),
            Value::Double(7.0),
        );
        eq(call("nullif", &[Value::Int(1), Value::Int(1)]), Value::Null);
        eq(
            call("nullif", &[Value::Int(1), Value::Long(2)]),
            Value::Long(1),
        );
        eq(
            call("nullif", &[Value::Int(1), Value::Double(1.0)]),
            Value::Null,
        );
        eq(call("nullif", &[s("a"), s("b")]), s("a"));
        eq(call("nullif", &[s("a"), s("a")]), Value::Null);
        eq(call("nullif", &[Value::Null, Value::Int(1)]), Value::Null);
        eq(call("nullif", &[Value::Int(1), Value::Null]), Value::Int(1));
    }

    #[test]
    fn if_then_else() {
        eq(
            call(
                "ifThenElse",
                &[Value::Bool(true), Value::Int(1), Value::Double(2.0)],
            ),
            Value::Double(1.0),
        );
        eq(
            call(
                "ifThenElse",
                &[Value::Bool(false), Value::Int(1), Value::Int(2)],
            ),
            Value::Int(2),
        );
        eq(call("ifThenElse", &[Value::Null, s("a"), s("b")]), s("b"));
        eq(
            call("ifThenElse", &[Value::Bool(true), Value::Null, s("b")]),
            Value::Null,
        );
    }

    #[test]
    fn abs_keeps_type_and_wraps() {
        eq(call("abs", &[Value::Int(-3)]), Value::Int(3));
        eq(call("abs", &[Value::Int(i32::MIN)]), Value::Int(i32::MIN));
        eq(
            call("abs", &[Value::Long(i64::MIN + 1)]),
            Value::Long(i64::MAX),
        );
        eq(call("abs", &[Value::Float(-1.5)]), Value::Float(1.5));
        eq(call("abs", &[Value::Double(-2.5)]), Value::Double(2.5));
        eq(
            call("abs", &[Value::Double(f64::NAN)]),
            Value::Double(f64::NAN),
        );
    }

    #[test]
    fn ceil_floor() {
        eq(call("ceil", &[Value::Int(3)]), Value::Int(3));
        eq(call("floor", &[Value::Long(-3)]), Value::Long(-3));
        eq(call("ceil", &[Value::Double(1.2)]), Value::Double(2.0));
        eq(call("ceil", &[Value::Double(-0.5)]), Value::Double(0.0));
        eq(call("floor", &[Value::Double(-1.2)]), Value::Double(-2.0));
        eq(call("floor", &[Value::Float(2.5)]), Value::Double(2.0));
        eq(call("ceil", &[Value::Null]), Value::Null);
    }

    #[test]
    fn round_and_trunc() {
        eq(call("round", &[Value::Double(2.5)]), Value::Double(3.0));
        eq(call("round", &[Value::Double(-2.5)]), Value::Double(-3.0));
        eq(call("round", &[Value::Double(-0.4)]), Value::Double(0.0));
        eq(call("round", &[Value::Float(1.5)]), Value::Double(2.0));
        eq(call("round", &[Value::Int(7)]), Value::Int(7));
        eq(
            call("round", &[Value::Double(1.23456), Value::Int(2)]),
            Value::Double(1.23),
        );
        eq(
            call("round", &[Value::Double(-3.145), Value::Int(1)]),
            Value::Double(-3.1),
        );
        eq(
            call("round", &[Value::Double(1234.5), Value::Int(-2)]),
            Value::Double(1200.0),
        );
        eq(
            call("round", &[Value::Double(1250.0), Value::Long(-2)]),
            Value::Double(1300.0),
        );
        eq(
            call("round", &[Value::Double(0.1), Value::Int(30)]),
            Value::Double(0.1),
        );
        eq(
            call("round", &[Value::Double(1e300), Value::Int(20)]),
            Value::Double(1e300),
        );
        eq(
            call("round", &[Value::Double(1e300), Value::Int(-400)]),
            Value::Double(0.0),
        );
        eq(
            call("round", &[Value::Double(123.0), Value::Long(i64::MIN)]),
            Value::Double(0.0),
        );
        eq(
            call("round", &[Value::Double(f64::INFINITY), Value::Int(2)]),
            Value::Double(f64::INFINITY),
        );
        eq(
            call("round", &[Value::Int(1250), Value::Int(-2)]),
            Value::Int(1300),
        );
        eq(
            call("round", &[Value::Int(-1250), Value::Int(-2)]),
            Value::Int(-1300),
        );
        eq(
            call("round", &[Value::Int(1249), Value::Int(-2)]),
            Value::Int(1200),
        );
        eq(
            call("round", &[Value::Int(1249), Value::Int(3)]),
            Value::Int(1249),
        );
        eq(
            call("round", &[Value::Long(i64::MAX), Value::Int(-30)]),
            Value::Long(0),
        );
        // wraps like every integer operation
        eq(
            call("round", &[Value::Int(i32::MAX), Value::Int(-1)]),
            Value::Int(2_147_483_650_i64 as i32),
        );
        eq(
            call("round", &[Value::Double(2.5), Value::Null]),
            Value::Null,
        );
        eq(call("trunc", &[Value::Double(-2.7)]), Value::Double(-2.0));
        eq(call("trunc", &[Value::Double(-0.7)]), Value::Double(0.0));
        eq(
            call("truncate", &[Value::Double(3.789), Value::Int(2)]),
            Value::Double(3.78),
        );
        eq(
            call("trunc", &[Value::Double(1299.0), Value::Int(-2)]),
            Value::Double(1200.0),
        );
        eq(
            call("trunc", &[Value::Long(-1299), Value::Int(-2)]),
            Value::Long(-1200),
        );
        eq(
            call("trunc", &[Value::Int(1299), Value::Int(-2)]),
            Value::Int(1200),
        );
        eq(call("trunc", &[Value::Long(5)]), Value::Long(5));
    }

    #[test]
    fn transcendental_functions_and_domain_errors() {
        eq(call("sqrt", &[Value::Int(16)]), Value::Double(4.0));
        eq(call("sqrt", &[Value::Double(-1.0)]), Value::Null);
        eq(
            call("sqrt", &[Value::Double(f64::NAN)]),
            Value::Double(f64::NAN),
        );
        eq(call("exp", &[Value::Int(0)]), Value::Double(1.0));
        eq(
            call("exp", &[Value::Int(1000)]),
            Value::Double(f64::INFINITY),
        );
        eq(
            call("power", &[Value::Int(2), Value::Int(10)]),
            Value::Double(1024.0),
        );
        eq(
            call("pow", &[Value::Double(-8.0), Value::Double(0.5)]),
            Value::Null,
        );
        eq(
            call("power", &[Value::Int(0), Value::Int(-1)]),
            Value::Double(f64::INFINITY),
        );
        eq(
            call("ln", &[Value::Double(std::f64::consts::E)]),
            Value::Double(1.0),
        );
        eq(
            call("ln", &[Value::Int(0)]),
            Value::Double(f64::NEG_INFINITY),
        );
        eq(call("ln", &[Value::Int(-1)]), Value::Null);
        eq(
            call("log", &[Value::Double(std::f64::consts::E)]),
            Value::Double(1.0),
        );
        eq(
            call("log", &[Value::Int(10), Value::Int(1000)]),
            Value::Double(3.0),
        );
        eq(
            call("log", &[Value::Int(2), Value::Long(1024)]),
            Value::Double(10.0),
        );
        eq(
            call("log", &[Value::Int(3), Value::Int(81)]),
            Value::Double(81f64.ln() / 3f64.ln()),
        );
        eq(call("log", &[Value::Int(1), Value::Int(1)]), Value::Null);
        eq(call("log", &[Value::Null, Value::Int(1)]), Value::Null);
        eq(call("log10", &[Value::Long(1000)]), Value::Double(3.0));
        eq(call("sin", &[Value::Int(0)]), Value::Double(0.0));
        eq(call("cos", &[Value::Int(0)]), Value::Double(1.0));
        eq(call("tan", &[Value::Int(0)]), Value::Double(0.0));
        eq(
            call("asin", &[Value::Int(1)]),
            Value::Double(std::f64::consts::FRAC_PI_2),
        );
        eq(call("asin", &[Value::Int(2)]), Value::Null);
        eq(call("acos", &[Value::Int(1)]), Value::Double(0.0));
        eq(call("acos", &[Value::Double(-1.5)]), Value::Null);
        eq(call("atan", &[Value::Float(0.0)]), Value::Double(0.0));
        eq(call("sqrt", &[Value::Null]), Value::Null);
    }

    #[test]
    fn sign() {
        eq(call("sign", &[Value::Int(-5)]), Value::Int(-1));
        eq(call("sign", &[Value::Long(0)]), Value::Int(0));
        eq(call("sign", &[Value::Long(i64::MAX)]), Value::Int(1));
        eq(call("sign", &[Value::Double(-0.0)]), Value::Int(0));
        eq(call("sign", &[Value::Float(2.5)]), Value::Int(1));
        eq(
            call("sign", &[Value::Double(f64::NEG_INFINITY)]),
            Value::Int(-1),
        );
        eq(call("sign", &[Value::Double(f64::NAN)]), Value::Null);
        eq(call("sign", &[Value::Null]), Value::Null);
    }

    #[test]
    fn modulo() {
        eq(call("mod", &[Value::Int(7), Value::Int(3)]), Value::Int(1));
        eq(
            call("mod", &[Value::Int(-7), Value::Int(3)]),
            Value::Int(-1),
        );
        eq(call("mod", &[Value::Int(7), Value::Int(0)]), Value::Null);
        eq(
            call("mod", &[Value::Int(i32::MIN), Value::Int(-1)]),
            Value::Int(0),
        );
        eq(
            call("mod", &[Value::Long(i64::MIN), Value::Long(-1)]),
            Value::Long(0),
        );
        eq(
            call("mod", &[Value::Int(7), Value::Long(4)]),
            Value::Long(3),
        );
        eq(
            call("mod", &[Value::Double(7.5), Value::Int(2)]),
            Value::Double(1.5),
        );
        eq(
            call("mod", &[Value::Float(7.5), Value::Int(2)]),
            Value::Float(1.5),
        );
        eq(
            call("mod", &[Value::Double(7.5), Value::Double(0.0)]),
            Value::Null,
        );
        eq(call("mod", &[Value::Null, Value::Int(2)]), Value::Null);
        eq(call("mod", &[Value::Int(2), Value::Null]), Value::Null);
    }

    #[test]
    fn maximum_minimum() {
        eq(
            call("maximum", &[Value::Int(1), Value::Int(5), Value::Int(3)]),
            Value::Int(5),
        );
        eq(
            call("minimum", &[Value::Int(1), Value::Int(5), Value::Int(-3)]),
            Value::Int(-3),
        );
        eq(
            call("maximum", &[Value::Int(1), Value::Double(0.5)]),
            Value::Double(1.0),
        );
        eq(
            call(
                "maximum",
                &[Value::Long(i64::MAX), Value::Long(i64::MAX - 1)],
            ),
            Value::Long(i64::MAX),
        );
        eq(call("minimum", &[Value::Int(4)]), Value::Int(4));
        eq(call("maximum", &[s("apple"), s("pear")]), s("pear"));
        eq(
            call("minimum", &[Value::Bool(true), Value::Bool(false)]),
            Value::Bool(false),
        );
        eq(call("maximum", &[Value::Int(1), Value::Null]), Value::Null);
        eq(call("minimum", &[Value::Null, Value::Int(1)]), Value::Null);
        eq(
            call("maximum", &[Value::Double(1.0), Value::Double(f64::NAN)]),
            Value::Double(f64::NAN),
        );
        eq(
            call("minimum", &[Value::Double(f64::NAN), Value::Double(1.0)]),
            Value::Double(f64::NAN),
        );
    }

    #[test]
    fn case_and_length() {
        eq(call("upper", &[s("abc é")]), s("ABC É"));
        eq(call("lower", &[s("ÀBC")]), s("àbc"));
        eq(call("upper", &[s("straße")]), s("STRASSE"));
        eq(call("length", &[s("日本語")]), Value::Int(3));
        eq(call("length", &[s("")]), Value::Int(0));
        eq(call("length", &[Value::Null]), Value::Null);
        eq(call("lower", &[Value::Null]), Value::Null);
    }

    #[test]
    fn concat_skips_nulls_and_uses_canonical_text() {
        eq(call("concat", &[s("a"), Value::Null, s("b")]), s("ab"));
        eq(call("concat", &[Value::Null]), s(""));
        eq(
            call(
                "concat",
                &[
                    s("x="),
                    Value::Int(1),
                    s(","),
                    Value::Double(2.0),
                    Value::Bool(true),
                    Value::Long(-3),
                ],
            ),
            s("x=1,2.0true-3"),
        );
        eq(call("concat", &[Value::Double(f64::NAN)]), s("NaN"));
        eq(call("concat", &[Value::Float(0.5)]), s("0.5"));
    }

    #[test]
    fn replace() {
        eq(call("replace", &[s("a-b-c"), s("-"), s("+")]), s("a+b+c"));
        eq(call("replace", &[s("aaa"), s("aa"), s("b")]), s("ba"));
        eq(call("replace", &[s("abc"), s(""), s("x")]), s("abc"));
        eq(call("replace", &[s("abc"), s("b"), s("")]), s("ac"));
        eq(call("replace", &[s("abc"), s("z"), s("y")]), s("abc"));
        eq(
            call("replace", &[s("abc"), Value::Null, s("y")]),
            Value::Null,
        );
        let big = "a".repeat(1 << 12);
        let to = "b".repeat(1 << 13);
        eq(call("replace", &[s(&big), s("a"), s(&to)]), Value::Null);
    }

    #[test]
    fn trims() {
        eq(call("trim", &[s("  a b \t\n")]), s("a b"));
        eq(call("ltrim", &[s("  a ")]), s("a "));
        eq(call("rtrim", &[s("  a ")]), s("  a"));
        eq(call("trim", &[s("\u{3000}x\u{3000}")]), s("x"));
        eq(call("trim", &[s("")]), s(""));
        eq(call("trim", &[Value::Null]), Value::Null);
        // an already trimmed string is returned without copying
        let v = s("a string longer than the inline limit");
        let out = call("trim", std::slice::from_ref(&v));
        match (&v, &out) {
            (Value::Str(crate::value::Str::Heap(a)), Value::Str(crate::value::Str::Heap(b))) => {
                assert!(std::sync::Arc::ptr_eq(a, b))
            }
            _ => panic!("not shared strings"),
        }
    }

    #[test]
    fn left_right() {
        eq(call("left", &[s("héllo"), Value::Int(2)]), s("hé"));
        eq(call("left", &[s("héllo"), Value::Int(0)]), s(""));
        eq(call("left", &[s("héllo"), Value::Int(99)]), s("héllo"));
        eq(call("left", &[s("héllo"), Value::Int(-2)]), s("hél"));
        eq(call("left", &[s("héllo"), Value::Long(-99)]), s(""));
        eq(call("left", &[s("abc"), Value::Long(i64::MIN)]), s(""));
        eq(call("right", &[s("héllo"), Value::Int(4)]), s("éllo"));
        eq(call("right", &[s("héllo"), Value::Int(99)]), s("héllo"));
        eq(call("right", &[s("héllo"), Value::Int(-1)]), s("éllo"));
        eq(call("right", &[s("héllo"), Value::Int(-99)]), s(""));
        eq(call("right", &[s("abc"), Value::Long(i64::MAX)]), s("abc"));
        eq(call("left", &[s("abc"), Value::Null]), Value::Null);
        eq(call("right", &[Value::Null, Value::Int(1)]), Value::Null);
    }

    #[test]
    fn pads() {
        eq(call("lpad", &[s("7"), Value::Int(3), s("0")]), s("007"));
        eq(call("lpad", &[s("hi"), Value::Int(5), s("xy")]), s("xyxhi"));
        eq(call("rpad", &[s("hi"), Value::Int(5), s("xy")]), s("hixyx"));
        eq(call("lpad", &[s("hello"), Value::Int(3), s("x")]), s("hel"));
        eq(call("rpad", &[s("hello"), Value::Int(3), s("x")]), s("hel"));
        eq(call("lpad", &[s("hi"), Value::Int(5), s("")]), s("hi"));
        eq(call("lpad", &[s("hi"), Value::Int(0), s("x")]), s(""));
        eq(call("lpad", &[s("hi"), Value::Int(-1), s("x")]), s(""));
        eq(call("rpad", &[s("é"), Value::Int(3), s("ü")]), s("éüü"));
        eq(
            call("lpad", &[s("hi"), Value::Long(i64::MAX), s("x")]),
            Value::Null,
        );
        eq(
            call("rpad", &[s("hi"), Value::Int(5), Value::Null]),
            Value::Null,
        );
    }

    #[test]
    fn reverse_and_repeat() {
        eq(call("reverse", &[s("abc日")]), s("日cba"));
        eq(call("reverse", &[s("")]), s(""));
        eq(call("repeat", &[s("ab"), Value::Int(3)]), s("ababab"));
        eq(call("repeat", &[s("ab"), Value::Int(0)]), s(""));
        eq(call("repeat", &[s("ab"), Value::Int(-2)]), s(""));
        eq(call("repeat", &[s(""), Value::Long(i64::MAX)]), s(""));
        eq(
            call("repeat", &[s("ab"), Value::Long(i64::MAX)]),
            Value::Null,
        );
        eq(call("repeat", &[s("ab"), Value::Int(1 << 24)]), Value::Null);
        eq(call("repeat", &[Value::Null, Value::Int(2)]), Value::Null);
    }

    #[test]
    fn position_family() {
        eq(call("position", &[s("lo"), s("hello")]), Value::Int(4));
        eq(call("locate", &[s("z"), s("hello")]), Value::Int(0));
        eq(call("instr", &[s("l"), s("héllo")]), Value::Int(3));
        eq(call("position", &[s(""), s("abc")]), Value::Int(1));
        eq(call("position", &[s("a"), s("")]), Value::Int(0));
        eq(call("position", &[Value::Null, s("abc")]), Value::Null);
    }

    #[test]
    fn ascii_and_chr() {
        eq(call("ascii", &[s("A")]), Value::Int(65));
        eq(call("ascii", &[s("é!")]), Value::Int(233));
        eq(call("ascii", &[s("")]), Value::Int(0));
        eq(call("chr", &[Value::Int(65)]), s("A"));
        eq(call("char", &[Value::Long(0x65E5)]), s("日"));
        eq(call("chr", &[Value::Int(-1)]), Value::Null);
        eq(call("chr", &[Value::Int(0xD800)]), Value::Null);
        eq(call("chr", &[Value::Long(0x110000)]), Value::Null);
        eq(call("chr", &[Value::Null]), Value::Null);
    }

    #[test]
    fn substring_is_one_based_like_postgres() {
        let h = s("héllo");
        eq(call("substring", &[h.clone(), Value::Int(2)]), s("éllo"));
        eq(
            call("substring", &[h.clone(), Value::Int(2), Value::Int(3)]),
            s("éll"),
        );
        eq(
            call("substr", &[h.clone(), Value::Int(1), Value::Int(1)]),
            s("h"),
        );
        eq(
            call("substring", &[h.clone(), Value::Int(0), Value::Int(2)]),
            s("h"),
        );
        eq(
            call("substring", &[h.clone(), Value::Int(-1), Value::Int(3)]),
            s("h"),
        );
        eq(
            call("substring", &[h.clone(), Value::Int(-5), Value::Int(3)]),
            s(""),
        );
        eq(call("substring", &[h.clone(), Value::Int(0)]), s("héllo"));
        eq(call("substring", &[h.clone(), Value::Int(-3)]), s("héllo"));
        eq(call("substring", &[h.clone(), Value::Int(6)]), s(""));
        eq(
            call("substring", &[h.clone(), Value::Int(99), Value::Int(2)]),
            s(""),
        );
        eq(
            call("substring", &[h.clone(), Value::Int(4), Value::Int(99)]),
            s("lo"),
        );
        eq(
            call("substring", &[h.clone(), Value::Int(2), Value::Int(0)]),
            s(""),
        );
        eq(
            call("substring", &[h.clone(), Value::Int(2), Value::Int(-1)]),
            Value::Null,
        );
        eq(
            call(
                "substring",
                &[h.clone(), Value::Long(i64::MAX), Value::Long(i64::MAX)],
            ),
            s(""),
        );
        eq(
            call(
                "substring",
                &[h.clone(), Value::Long(i64::MIN), Value::Long(i64::MAX)],
            ),
            s(""),
        );
        eq(call("substring", &[h.clone(), Value::Null]), Value::Null);
        eq(
            call("substring", &[h, Value::Int(1), Value::Null]),
            Value::Null,
        );
    }

    #[test]
    fn instance_of() {
        let vals = [
            Value::Bool(true),
            s("x"),
            Value::Int(1),
            Value::Long(1),
            Value::Float(1.0),
            Value::Double(1.0),
        ];
        let fns = [
            "instanceOfBoolean",
            "instanceOfString",
            "instanceOfInteger",
            "instanceOfLong",
            "instanceOfFloat",
            "instanceOfDouble",
        ];
        for (i, f) in fns.iter().enumerate() {
            for (j, v) in vals.iter().enumerate() {
                eq(call(f, std::slice::from_ref(v)), Value::Bool(i == j));
            }
            eq(call(f, &[Value::Null]), Value::Bool(false));
        }
    }

    /// Every resolved function survives any argument variant, missing arguments and
    /// extra arguments without panicking.
    #[test]
    fn evaluation_is_total_for_surprising_variants() {
        let samples = [
            Value::Null,
            Value::Bool(true),
            Value::Int(i32::MIN),
            Value::Long(i64::MIN),
            Value::Float(f32::NAN),
            Value::Double(f64::NEG_INFINITY),
            Value::Double(-0.5),
            s(""),
            s("é"),
        ];
        let type_sets: [&[DataType]; 6] = [&[I], &[D], &[S], &[I, I], &[S, I], &[S, I, S]];
        for name in names() {
            for types in type_sets {
                let Ok(f) = resolve(name, types) else {
                    continue;
                };
                for a in &samples {
                    for b in &samples {
                        let _ = (f.eval)(&[a.clone(), b.clone(), a.clone()]);
                        let _ = (f.eval)(std::slice::from_ref(a));
                        let _ = (f.eval)(&[]);
                    }
                }
            }
        }
    }
}
