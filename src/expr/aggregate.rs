//! Aggregate functions (§2.6): plan-time resolution and per-group accumulators.
//!
//! [`resolve_aggregate`] checks a call (name ignoring ASCII case, arity, argument types)
//! and gives its [`AggKind`] and result type. At run time the selector keeps one
//! [`Acc`] per aggregate call per group and feeds it the windows' CURRENT events
//! ([`Acc::add`]), EXPIRED events ([`Acc::remove`]) and RESETs ([`Acc::reset`]).
//! `Acc` is a plain enum (no trait objects) so dispatch is one `match`, and it is
//! serialisable for checkpoints.
//!
//! Removal never rescans the window:
//! * `count`, `sum`, `avg`, `stdDev`, `and`, `or` keep counts and sums;
//! * `min`/`max` keep an ordered multiset (`BTreeMap<Key, count>`), O(log n);
//! * `distinctCount` keeps a value → count hash map;
//! * `first`/`last` keep the held values by event id (`BTreeMap<id, Value>`), because
//!   sort and unique windows expire events in any order.
//!
//! Semantics (§1.7, §2.6, and choices where they are silent):
//! * **NULL inputs are ignored** by every aggregate except `count(*)`, which counts
//!   events. Over no non-NULL input: `count`/`distinctCount` give 0, `and`/`or` false,
//!   everything else NULL.
//! * **Order independence:** `sum`, `avg` and `stdDev` depend only on the multiset of
//!   values currently held, never on the order of adds and removes. Integer sums are
//!   exact in an `i128`; floating-point sums are exact in an [`ExactSum`].
//! * `sum` of INT/LONG is LONG and **wraps** to `i64` on overflow (two's complement, as
//!   integer arithmetic does, §1.6). The exact sum is kept, so a sum that overflows and
//!   comes back into range by removals is right again.
//! * `sum` of FLOAT/DOUBLE is the exact sum correctly rounded to DOUBLE (to nearest,
//!   ties to even); an exact zero is `+0.0`. NaN or ±∞ inputs: NaN if any NaN is held
//!   or both infinities are, else the infinity.
//! * `avg` is the exact sum divided by the count, correctly rounded to DOUBLE (for
//!   integers too: `avg(1, 2, 2)` is the double nearest to 5/3, with no overflow).
//! * `stdDev` is the population standard deviation
//!   `sqrt(max(0, Σx²/n − (Σx/n)²))`, where Σx and Σx² are exact sums (each x² is the
//!   rounded double product) and both means are correctly rounded; the subtraction is
//!   plain double arithmetic, so it loses relative precision when the spread is tiny
//!   against the mean. One value gives 0.0 (NaN if it is NaN or infinite); any NaN or
//!   infinity held gives NaN, and values whose squares overflow give Infinity.
//! * `min`/`max` order numbers by value with `-0.0 < +0.0`, and NaN **above** +∞ (so
//!   `max` over a NaN is NaN and `min` ignores it unless it is alone), as Java's
//!   `Double.compareTo` which Siddhi's aggregators use. Strings compare by bytes (UTF-8,
//!   i.e. code points).
//! * `distinctCount` treats `-0.0` and `+0.0` as one value (they compare equal), and all
//!   NaNs as one value.
//! * `minForever`/`maxForever` ignore remove **and** reset.
//! * `and(b)` is true iff at least one true and no false is held (Siddhi); `or(b)` is
//!   true iff at least one true is held.
//! * `first`/`last` are the values of the held non-NULL events with the smallest/largest
//!   id.
//! * OBJECT arguments (a bare `NULL`, or an opaque value) are accepted wherever a typed
//!   argument is; `sum(OBJECT)` is DOUBLE, `min`/`max`/`first`/`last` of OBJECT are
//!   OBJECT. A runtime variant that does not fit the resolved argument type counts as
//!   NULL (INT/LONG accumulators ignore floating-point variants; FLOAT/DOUBLE ones
//!   widen integers) — evaluation is total, never a panic.
//! * Counters saturate: removing an event that was never added (a caller bug) cannot
//!   panic; it only makes results wrong.
//! * `unionSet` is not supported (there is no set type in v1): it resolves as unknown.

use std::cmp::Ordering;
use std::collections::{btree_map, hash_map, BTreeMap, VecDeque};
use std::fmt;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::expr::exact_sum::{self, ExactSum};
use crate::value::{DataType, Str, Value};

/// Which aggregate a call is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AggKind {
    /// `count()` / `count(*)`: events.
    CountAll,
    /// `count(x)`: non-NULL values.
    Count,
    Sum,
    Avg,
    Min,
    Max,
    MinForever,
    MaxForever,
    DistinctCount,
    StdDev,
    And,
    Or,
    First,
    Last,
}

impl AggKind {
    /// Canonical function name.
    pub fn name(self) -> &'static str {
        match self {
            AggKind::CountAll | AggKind::Count => "count",
            AggKind::Sum => "sum",
            AggKind::Avg => "avg",
            AggKind::Min => "min",
            AggKind::Max => "max",
            AggKind::MinForever => "minForever",
            AggKind::MaxForever => "maxForever",
            AggKind::DistinctCount => "distinctCount",
            AggKind::StdDev => "stdDev",
            AggKind::And => "and",
            AggKind::Or => "or",
            AggKind::First => "first",
            AggKind::Last => "last",
        }
    }
}

/// Why [`resolve_aggregate`] failed. The caller adds the span and any help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AggError {
    /// No aggregate has this name.
    Unknown,
    /// Wrong number of arguments; `expected` is the count without the noun ("1",
    /// "0 or 1").
    Arity { expected: &'static str, got: usize },
    /// A complete message, e.g. "sum expects a numeric argument, got STRING".
    Type(String),
}

impl AggError {
    /// The full message for a call of `name` (as the user spelled it).
    pub fn message(&self, name: &str) -> String {
        match self {
            AggError::Unknown => format!("unknown aggregate function '{name}'"),
            AggError::Arity { expected, got } => {
                let noun = if *expected == "1" {
                    "argument"
                } else {
                    "arguments"
                };
                format!("{name} expects {expected} {noun}, got {got}")
            }
            AggError::Type(m) => m.clone(),
        }
    }
}

impl fmt::Display for AggError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AggError::Unknown => f.write_str("unknown aggregate function"),
            AggError::Arity { expected, got } => {
                write!(f, "expects {expected} argument(s), got {got}")
            }
            AggError::Type(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for AggError {}

/// Canonical names of the supported aggregates (for "did you mean" suggestions).
const NAMES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "minForever",
    "maxForever",
    "distinctCount",
    "stdDev",
    "and",
    "or",
    "first",
    "last",
];

/// Canonical names of the supported aggregates.
pub fn aggregate_names() -> &'static [&'static str] {
    NAMES
}

/// Resolves an aggregate call: `name` matched ignoring ASCII case, `star` for
/// `count(*)`. Returns the kind and the result type (module docs).
pub fn resolve_aggregate(
    name: &str,
    arg_types: &[DataType],
    star: bool,
) -> Result<(AggKind, DataType), AggError> {
    let canonical = NAMES
        .iter()
        .copied()
        .find(|n| n.eq_ignore_ascii_case(name))
        .ok_or(AggError::Unknown)?;
    if canonical == "count" {
        let got = arg_types.len() + usize::from(star);
        return match got {
            0 => Ok((AggKind::CountAll, DataType::Long)),
            1 if star => Ok((AggKind::CountAll, DataType::Long)),
            1 => Ok((AggKind::Count, DataType::Long)),
            _ => Err(AggError::Arity {
                expected: "0 or 1",
                got,
            }),
        };
    }
    if star {
        return Err(AggError::Type(format!(
            "{name}(*) is not allowed: only count accepts `*`"
        )));
    }
    let &[t] = arg_types else {
        return Err(AggError::Arity {
            expected: "1",
            got: arg_types.len(),
        });
    };
    let object = t == DataType::Object;
    let check = |ok: bool, what: &str| {
        if ok || object {
            Ok(())
        } else {
            Err(AggError::Type(format!(
                "{name} expects {what} argument, got {t}"
            )))
        }
    };
    let numeric = t.is_numeric();
    Ok(match canonical {
        "sum" => {
            check(numeric, "a numeric")?;
            let ret = if t.is_integral() {
                DataType::Long
            } else {
                DataType::Double
            };
            (AggKind::Sum, ret)
        }
        "avg" => {
            check(numeric, "a numeric")?;
            (AggKind::Avg, DataType::Double)
        }
        "stdDev" => {
            check(numeric, "a numeric")?;
            (AggKind::StdDev, DataType::Double)
        }
        "min" | "max" => {
            check(numeric || t == DataType::String, "a numeric or STRING")?;
            let kind = if canonical == "min" {
                AggKind::Min
            } else {
                AggKind::Max
            };
            (kind, t)
        }
        "minForever" | "maxForever" => {
            check(numeric, "a numeric")?;
            let kind = if canonical == "minForever" {
                AggKind::MinForever
            } else {
                AggKind::MaxForever
            };
            (kind, t)
        }
        "distinctCount" => (AggKind::DistinctCount, DataType::Long),
        "and" | "or" => {
            check(t == DataType::Bool, "a BOOL")?;
            let kind = if canonical == "and" {
                AggKind::And
            } else {
                AggKind::Or
            };
            (kind, DataType::Bool)
        }
        "first" => (AggKind::First, t),
        "last" => (AggKind::Last, t),
        _ => return Err(AggError::Unknown),
    })
}

// ---------------------------------------------------------------------------------
// Ordered keys
// ---------------------------------------------------------------------------------

/// An `f64` with a total order: `f64::total_cmp` (so `-0.0 < +0.0`) over values whose
/// NaNs are all replaced by one positive quiet NaN, which therefore sorts above +∞.
/// Serialised as its bit pattern, so NaN and ±∞ survive formats like JSON.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(from = "u64", into = "u64")]
pub struct TotalF64(f64);

impl TotalF64 {
    pub fn new(f: f64) -> TotalF64 {
        TotalF64(if f.is_nan() { f64::NAN } else { f })
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

impl From<u64> for TotalF64 {
    fn from(bits: u64) -> TotalF64 {
        TotalF64::new(f64::from_bits(bits))
    }
}

impl From<TotalF64> for u64 {
    fn from(f: TotalF64) -> u64 {
        f.0.to_bits()
    }
}

impl PartialEq for TotalF64 {
    fn eq(&self, other: &TotalF64) -> bool {
        // Canonical NaN makes bit equality agree with `total_cmp`.
        self.0.to_bits() == other.0.to_bits()
    }
}
impl Eq for TotalF64 {}

impl PartialOrd for TotalF64 {
    fn partial_cmp(&self, other: &TotalF64) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TotalF64 {
    fn cmp(&self, other: &TotalF64) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Hash for TotalF64 {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state)
    }
}

/// A non-NULL value as a totally ordered, hashable, serialisable map key. Within one
/// accumulator all keys have the same variant (the argument's type family); across
/// variants the derived order applies (only reachable through OBJECT arguments).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Key {
    Bool(bool),
    /// INT and LONG.
    Int(i64),
    /// FLOAT and DOUBLE (a FLOAT widens exactly).
    Float(TotalF64),
    Str(Str),
}

impl Key {
    /// The key of `v` for an accumulator of argument type `ty`; `None` for NULL or a
    /// variant that does not fit `ty`.
    fn of(v: &Value, ty: DataType) -> Option<Key> {
        match ty {
            DataType::Int | DataType::Long => v.as_i64().map(Key::Int),
            DataType::Float | DataType::Double => v.as_f64().map(|f| Key::Float(TotalF64::new(f))),
            DataType::String => match v {
                Value::Str(s) => Some(Key::Str(s.clone())),
                _ => None,
            },
            DataType::Bool => v.as_bool().map(Key::Bool),
            DataType::Object => Key::any(v),
        }
    }

    /// The key of any non-NULL value, by its own variant.
    fn any(v: &Value) -> Option<Key> {
        Some(match v {
            Value::Null => return None,
            Value::Bool(b) => Key::Bool(*b),
            Value::Int(i) => Key::Int(i64::from(*i)),
            Value::Long(i) => Key::Int(*i),
            Value::Float(f) => Key::Float(TotalF64::new(f64::from(*f))),
            Value::Double(f) => Key::Float(TotalF64::new(*f)),
            Value::Str(s) => Key::Str(s.clone()),
        })
    }

    /// The key for `distinctCount`: values that compare equal are one value, so the
    /// two zeros merge (NaNs are already canonical).
    fn distinct(v: &Value) -> Option<Key> {
        match Key::any(v)? {
            Key::Float(f) if f.0 == 0.0 => Some(Key::Float(TotalF64(0.0))),
            k => Some(k),
        }
    }

    /// Back to a value of the accumulator's argument type `ty` (OBJECT: LONG or
    /// DOUBLE for numbers).
    fn to_value(&self, ty: DataType) -> Value {
        match (self, ty) {
            // Keys of an INT accumulator came from INT values, so this does not truncate.
            (Key::Int(i), DataType::Int) => Value::Int(*i as i32),
            (Key::Int(i), _) => Value::Long(*i),
            // Keys of a FLOAT accumulator are widened floats: narrowing is exact.
            (Key::Float(f), DataType::Float) => Value::Float(f.0 as f32),
            (Key::Float(f), _) => Value::Double(f.0),
            (Key::Str(s), _) => Value::Str(s.clone()),
            (Key::Bool(b), _) => Value::Bool(*b),
        }
    }
}

// ---------------------------------------------------------------------------------
// Accumulators
// ---------------------------------------------------------------------------------

/// Exact Σx and Σx² for `stdDev`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Moments {
    sum: ExactSum,
    squares: ExactSum,
}

/// Per-group state of one aggregate call; see the module documentation for semantics.
///
/// The exact floating-point sums are boxed (they are ~0.5 KiB) so the enum stays small
/// for the common counters; the box is allocated once, in [`Acc::new`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Acc {
    CountAll {
        n: u64,
    },
    Count {
        n: u64,
    },
    /// `sum` of INT/LONG: exact in i128, wrapped to i64 when read.
    SumInt {
        sum: i128,
        n: u64,
    },
    /// `sum` of FLOAT/DOUBLE (and OBJECT).
    SumFloat {
        sum: Box<ExactSum>,
        n: u64,
    },
    AvgInt {
        sum: i128,
        n: u64,
    },
    AvgFloat {
        sum: Box<ExactSum>,
        n: u64,
    },
    StdDev {
        moments: Box<Moments>,
        n: u64,
    },
    Min {
        ty: DataType,
        #[serde(with = "btree_pairs")]
        held: BTreeMap<Key, u64>,
    },
    Max {
        ty: DataType,
        #[serde(with = "btree_pairs")]
        held: BTreeMap<Key, u64>,
    },
    MinForever {
        ty: DataType,
        best: Option<Key>,
    },
    MaxForever {
        ty: DataType,
        best: Option<Key>,
    },
    DistinctCount {
        #[serde(with = "hash_pairs")]
        held: FxHashMap<Key, u64>,
    },
    And {
        trues: u64,
        falses: u64,
    },
    Or {
        trues: u64,
        falses: u64,
    },
    /// `min` when events leave in arrival order (FIFO windows): a monotonic deque of
    /// `(event id, key)` with increasing keys; O(1) amortised per event.
    MinFifo {
        ty: DataType,
        q: VecDeque<(u64, Key)>,
    },
    /// `max` for FIFO windows: a monotonic deque with decreasing keys.
    MaxFifo {
        ty: DataType,
        q: VecDeque<(u64, Key)>,
    },
    /// `first`/`last` for FIFO windows: the held non-NULL values in arrival order.
    FirstFifo {
        q: VecDeque<(u64, Value)>,
    },
    LastFifo {
        q: VecDeque<(u64, Value)>,
    },
    /// Held non-NULL values by event id.
    First {
        #[serde(with = "btree_pairs")]
        held: BTreeMap<u64, Value>,
    },
    Last {
        #[serde(with = "btree_pairs")]
        held: BTreeMap<u64, Value>,
    },
}

impl Acc {
    /// An empty accumulator for `kind` over arguments of type `arg_type` (the type
    /// [`resolve_aggregate`] was given; ignored by `count(*)`).
    pub fn new(kind: AggKind, arg_type: DataType) -> Acc {
        let ty = arg_type;
        let integral = ty.is_integral();
        match kind {
            AggKind::CountAll => Acc::CountAll { n: 0 },
            AggKind::Count => Acc::Count { n: 0 },
            AggKind::Sum if integral => Acc::SumInt { sum: 0, n: 0 },
            AggKind::Sum => Acc::SumFloat {
                sum: Box::default(),
                n: 0,
            },
            AggKind::Avg if integral => Acc::AvgInt { sum: 0, n: 0 },
            AggKind::Avg => Acc::AvgFloat {
                sum: Box::default(),
                n: 0,
            },
            AggKind::StdDev => Acc::StdDev {
                moments: Box::default(),
                n: 0,
            },
            AggKind::Min => Acc::Min {
                ty,
                held: BTreeMap::new(),
            },
            AggKind::Max => Acc::Max {
                ty,
                held: BTreeMap::new(),
            },
            AggKind::MinForever => Acc::MinForever { ty, best: None },
            AggKind::MaxForever => Acc::MaxForever { ty, best: None },
            AggKind::DistinctCount => Acc::DistinctCount {
                held: FxHashMap::default(),
            },
            AggKind::And => Acc::And {
                trues: 0,
                falses: 0,
            },
            AggKind::Or => Acc::Or {
                trues: 0,
                falses: 0,
            },
            AggKind::First => Acc::First {
                held: BTreeMap::new(),
            },
            AggKind::Last => Acc::Last {
                held: BTreeMap::new(),
            },
        }
    }

    /// Like [`Acc::new`], for a window whose events leave in arrival order (or are
    /// only ever reset): `min`, `max`, `first` and `last` then keep deques instead of
    /// ordered maps. Removing events in any other order gives wrong results.
    pub fn new_fifo(kind: AggKind, arg_type: DataType) -> Acc {
        match kind {
            AggKind::Min => Acc::MinFifo {
                ty: arg_type,
                q: VecDeque::new(),
            },
            AggKind::Max => Acc::MaxFifo {
                ty: arg_type,
                q: VecDeque::new(),
            },
            AggKind::First => Acc::FirstFifo { q: VecDeque::new() },
            AggKind::Last => Acc::LastFifo { q: VecDeque::new() },
            _ => Acc::new(kind, arg_type),
        }
    }

    /// The aggregate this accumulates.
    pub fn kind(&self) -> AggKind {
        match self {
            Acc::CountAll { .. } => AggKind::CountAll,
            Acc::Count { .. } => AggKind::Count,
            Acc::SumInt { .. } | Acc::SumFloat { .. } => AggKind::Sum,
            Acc::AvgInt { .. } | Acc::AvgFloat { .. } => AggKind::Avg,
            Acc::StdDev { .. } => AggKind::StdDev,
            Acc::Min { .. } | Acc::MinFifo { .. } => AggKind::Min,
            Acc::Max { .. } | Acc::MaxFifo { .. } => AggKind::Max,
            Acc::FirstFifo { .. } => AggKind::First,
            Acc::LastFifo { .. } => AggKind::Last,
            Acc::MinForever { .. } => AggKind::MinForever,
            Acc::MaxForever { .. } => AggKind::MaxForever,
            Acc::DistinctCount { .. } => AggKind::DistinctCount,
            Acc::And { .. } => AggKind::And,
            Acc::Or { .. } => AggKind::Or,
            Acc::First { .. } => AggKind::First,
            Acc::Last { .. } => AggKind::Last,
        }
    }

    /// Adds the value of event `id` (ids are unique and increase in arrival order).
    #[inline]
    pub fn add(&mut self, id: u64, v: &Value) {
        match self {
            Acc::CountAll { n } => *n += 1,
            Acc::Count { n } => {
                if !v.is_null() {
                    *n += 1;
                }
            }
            Acc::SumInt { sum, n } | Acc::AvgInt { sum, n } => {
                if let Some(x) = v.as_i64() {
                    // Cannot overflow before 2⁶⁴ adds; wrapping keeps it total anyway.
                    *sum = sum.wrapping_add(i128::from(x));
                    *n += 1;
                }
            }
            Acc::SumFloat { sum, n } | Acc::AvgFloat { sum, n } => {
                if let Some(x) = v.as_f64() {
                    sum.add(x);
                    *n += 1;
                }
            }
            Acc::StdDev { moments, n } => {
                if let Some(x) = v.as_f64() {
                    moments.sum.add(x);
                    moments.squares.add(x * x);
                    *n += 1;
                }
            }
            Acc::Min { ty, held } | Acc::Max { ty, held } => {
                if let Some(k) = Key::of(v, *ty) {
                    *held.entry(k).or_insert(0) += 1;
                }
            }
            Acc::MinFifo { ty, q } => {
                if let Some(k) = Key::of(v, *ty) {
                    // An older value that is not smaller can never be the minimum again.
                    while q.back().is_some_and(|(_, b)| *b >= k) {
                        q.pop_back();
                    }
                    q.push_back((id, k));
                }
            }
            Acc::MaxFifo { ty, q } => {
                if let Some(k) = Key::of(v, *ty) {
                    while q.back().is_some_and(|(_, b)| *b <= k) {
                        q.pop_back();
                    }
                    q.push_back((id, k));
                }
            }
            Acc::FirstFifo { q } | Acc::LastFifo { q } => {
                if !v.is_null() {
                    q.push_back((id, v.clone()));
                }
            }
            Acc::MinForever { ty, best } => {
                if let Some(k) = Key::of(v, *ty) {
                    if best.as_ref().is_none_or(|b| k < *b) {
                        *best = Some(k);
                    }
                }
            }
            Acc::MaxForever { ty, best } => {
                if let Some(k) = Key::of(v, *ty) {
                    if best.as_ref().is_none_or(|b| k > *b) {
                        *best = Some(k);
                    }
                }
            }
            Acc::DistinctCount { held } => {
                if let Some(k) = Key::distinct(v) {
                    *held.entry(k).or_insert(0) += 1;
                }
            }
            Acc::And { trues, falses } | Acc::Or { trues, falses } => match v {
                Value::Bool(true) => *trues += 1,
                Value::Bool(false) => *falses += 1,
                _ => {}
            },
            Acc::First { held } | Acc::Last { held } => {
                if !v.is_null() {
                    held.insert(id, v.clone());
                }
            }
        }
    }

    /// Removes event `id`, previously added with the same value. `minForever` and
    /// `maxForever` ignore it.
    #[inline]
    pub fn remove(&mut self, id: u64, v: &Value) {
        match self {
            Acc::CountAll { n } => dec(n),
            Acc::Count { n } => {
                if !v.is_null() {
                    dec(n);
                }
            }
            Acc::SumInt { sum, n } | Acc::AvgInt { sum, n } => {
                if let Some(x) = v.as_i64() {
                    *sum = sum.wrapping_sub(i128::from(x));
                    dec(n);
                }
            }
            Acc::SumFloat { sum, n } | Acc::AvgFloat { sum, n } => {
                if let Some(x) = v.as_f64() {
                    sum.sub(x);
                    dec(n);
                }
            }
            Acc::StdDev { moments, n } => {
                if let Some(x) = v.as_f64() {
                    moments.sum.sub(x);
                    // The same rounded product as on add, so it cancels exactly.
                    moments.squares.sub(x * x);
                    dec(n);
                }
            }
            Acc::Min { ty, held } | Acc::Max { ty, held } => {
                if let Some(k) = Key::of(v, *ty) {
                    if let btree_map::Entry::Occupied(mut e) = held.entry(k) {
                        if *e.get() <= 1 {
                            e.remove();
                        } else {
                            *e.get_mut() -= 1;
                        }
                    }
                }
            }
            Acc::MinForever { .. } | Acc::MaxForever { .. } => {}
            Acc::MinFifo { q, .. } | Acc::MaxFifo { q, .. } => {
                // The oldest held event leaves; it is at the front unless a later
                // value dominated it (then it is already gone).
                if q.front().is_some_and(|(i, _)| *i == id) {
                    q.pop_front();
                }
            }
            Acc::FirstFifo { q } | Acc::LastFifo { q } => {
                if q.front().is_some_and(|(i, _)| *i == id) {
                    q.pop_front();
                }
            }
            Acc::DistinctCount { held } => {
                if let Some(k) = Key::distinct(v) {
                    if let hash_map::Entry::Occupied(mut e) = held.entry(k) {
                        if *e.get() <= 1 {
                            e.remove();
                        } else {
                            *e.get_mut() -= 1;
                        }
                    }
                }
            }
            Acc::And { trues, falses } | Acc::Or { trues, falses } => match v {
                Value::Bool(true) => dec(trues),
                Value::Bool(false) => dec(falses),
                _ => {}
            },
            Acc::First { held } | Acc::Last { held } => {
                held.remove(&id);
            }
        }
    }

    /// RESET: forget everything held; `minForever`/`maxForever` keep their value (§2.6).
    pub fn reset(&mut self) {
        match self {
            Acc::CountAll { n } | Acc::Count { n } => *n = 0,
            Acc::SumInt { sum, n } | Acc::AvgInt { sum, n } => {
                *sum = 0;
                *n = 0;
            }
            Acc::SumFloat { sum, n } | Acc::AvgFloat { sum, n } => {
                sum.clear();
                *n = 0;
            }
            Acc::StdDev { moments, n } => {
                moments.sum.clear();
                moments.squares.clear();
                *n = 0;
            }
            Acc::Min { held, .. } | Acc::Max { held, .. } => held.clear(),
            Acc::MinFifo { q, .. } | Acc::MaxFifo { q, .. } => q.clear(),
            Acc::FirstFifo { q } | Acc::LastFifo { q } => q.clear(),
            Acc::MinForever { .. } | Acc::MaxForever { .. } => {}
            Acc::DistinctCount { held } => held.clear(),
            Acc::And { trues, falses } | Acc::Or { trues, falses } => {
                *trues = 0;
                *falses = 0;
            }
            Acc::First { held } | Acc::Last { held } => held.clear(),
        }
    }

    /// The current result, of the type [`resolve_aggregate`] gave.
    pub fn value(&self) -> Value {
        match self {
            Acc::CountAll { n } | Acc::Count { n } => long(*n),
            Acc::SumInt { sum, n } => {
                if *n == 0 {
                    Value::Null
                } else {
                    // Wraps on overflow (module docs).
                    Value::Long(*sum as i64)
                }
            }
            Acc::SumFloat { sum, n } => {
                if *n == 0 {
                    Value::Null
                } else {
                    Value::Double(sum.value())
                }
            }
            Acc::AvgInt { sum, n } => {
                if *n == 0 {
                    Value::Null
                } else {
                    Value::Double(exact_sum::ratio_i128(*sum, *n))
                }
            }
            Acc::AvgFloat { sum, n } => {
                if *n == 0 {
                    Value::Null
                } else {
                    Value::Double(sum.mean(*n))
                }
            }
            Acc::StdDev { moments, n } => {
                if *n == 0 {
                    Value::Null
                } else {
                    Value::Double(std_dev(moments, *n))
                }
            }
            Acc::Min { ty, held } => held
                .first_key_value()
                .map_or(Value::Null, |(k, _)| k.to_value(*ty)),
            Acc::Max { ty, held } => held
                .last_key_value()
                .map_or(Value::Null, |(k, _)| k.to_value(*ty)),
            Acc::MinForever { ty, best } | Acc::MaxForever { ty, best } => {
                best.as_ref().map_or(Value::Null, |k| k.to_value(*ty))
            }
            Acc::MinFifo { ty, q } | Acc::MaxFifo { ty, q } => {
                q.front().map_or(Value::Null, |(_, k)| k.to_value(*ty))
            }
            Acc::FirstFifo { q } => q.front().map_or(Value::Null, |(_, v)| v.clone()),
            Acc::LastFifo { q } => q.back().map_or(Value::Null, |(_, v)| v.clone()),
            Acc::DistinctCount { held } => long(held.len() as u64),
            Acc::And { trues, falses } => Value::Bool(*trues > 0 && *falses == 0),
            Acc::Or { trues, .. } => Value::Bool(*trues > 0),
            Acc::First { held } => held
                .first_key_value()
                .map_or(Value::Null, |(_, v)| v.clone()),
            Acc::Last { held } => held
                .last_key_value()
                .map_or(Value::Null, |(_, v)| v.clone()),
        }
    }
}

/// Saturating decrement: a remove without a matching add must not panic.
#[inline]
fn dec(n: &mut u64) {
    *n = n.saturating_sub(1);
}

fn long(n: u64) -> Value {
    Value::Long(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Population standard deviation from exact moments (module docs); `n > 0`.
fn std_dev(m: &Moments, n: u64) -> f64 {
    let mean = m.sum.mean(n);
    if n == 1 {
        // The formula would also give 0 for one finite value unless its square
        // overflows; §2.6 says 0.0 outright.
        return if mean.is_finite() { 0.0 } else { f64::NAN };
    }
    let mean_sq = m.squares.mean(n);
    let var = mean_sq - mean * mean;
    if var.is_nan() {
        return f64::NAN;
    }
    // Rounding can make a zero variance slightly negative.
    var.max(0.0).sqrt()
}

// ---------------------------------------------------------------------------------
// Serde helpers: maps as sequences of pairs, since keys are not strings (JSON).
// ---------------------------------------------------------------------------------

mod btree_pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S, K, V>(map: &BTreeMap<K, V>, s: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        K: Serialize,
        V: Serialize,
    {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        D: Deserializer<'de>,
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

mod hash_pairs {
    use std::hash::Hash;

    use rustc_hash::FxHashMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Sorted by key, so equal states serialise identically.
    pub fn serialize<S, K, V>(map: &FxHashMap<K, V>, s: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        K: Serialize + Ord,
        V: Serialize,
    {
        let mut pairs: Vec<(&K, &V)> = map.iter().collect();
        pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
        s.collect_seq(pairs)
    }

    pub fn deserialize<'de, D, K, V>(d: D) -> Result<FxHashMap<K, V>, D::Error>
    where
        D: Deserializer<'de>,
        K: Deserialize<'de> + Eq + Hash,
        V: Deserialize<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use DataType as T;

    fn d(x: f64) -> Value {
        Value::Double(x)
    }

    /// Variant-exact equality; doubles by bits except that all NaNs are equal.
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Double(x), Value::Double(y)) => {
                x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
            }
            (Value::Float(x), Value::Float(y)) => {
                x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
            }
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Long(x), Value::Long(y)) => x == y,
            (Value::Str(x), Value::Str(y)) => x == y,
            _ => false,
        }
    }

    macro_rules! assert_same {
        ($a:expr, $b:expr) => {{
            let (a, b) = ($a, $b);
            assert!(same(&a, &b), "{a:?} != {b:?}");
        }};
    }

    /// An accumulator resolved by name, fed `vals` with ids 0, 1, ….
    fn acc_of(name: &str, ty: DataType, vals: &[Value]) -> Acc {
        let (kind, _) = resolve_aggregate(name, &[ty], false).expect("resolves");
        let mut a = Acc::new(kind, ty);
        for (i, v) in vals.iter().enumerate() {
            a.add(i as u64, v);
        }
        a
    }

    fn val(name: &str, ty: DataType, vals: &[Value]) -> Value {
        acc_of(name, ty, vals).value()
    }

    // ---- resolution -------------------------------------------------------------

    #[test]
    fn resolves_names_ignoring_case_with_result_types() {
        let r = |n: &str, t: &[DataType]| resolve_aggregate(n, t, false);
        assert_eq!(r("COUNT", &[]), Ok((AggKind::CountAll, T::Long)));
        assert_eq!(
            resolve_aggregate("count", &[], true),
            Ok((AggKind::CountAll, T::Long))
        );
        assert_eq!(r("Count", &[T::String]), Ok((AggKind::Count, T::Long)));
        assert_eq!(r("sum", &[T::Int]), Ok((AggKind::Sum, T::Long)));
        assert_eq!(r("SUM", &[T::Long]), Ok((AggKind::Sum, T::Long)));
        assert_eq!(r("sum", &[T::Float]), Ok((AggKind::Sum, T::Double)));
        assert_eq!(r("sum", &[T::Double]), Ok((AggKind::Sum, T::Double)));
        assert_eq!(r("sum", &[T::Object]), Ok((AggKind::Sum, T::Double)));
        assert_eq!(r("avg", &[T::Int]), Ok((AggKind::Avg, T::Double)));
        assert_eq!(r("stddev", &[T::Long]), Ok((AggKind::StdDev, T::Double)));
        assert_eq!(r("min", &[T::Int]), Ok((AggKind::Min, T::Int)));
        assert_eq!(r("MAX", &[T::String]), Ok((AggKind::Max, T::String)));
        assert_eq!(r("max", &[T::Float]), Ok((AggKind::Max, T::Float)));
        assert_eq!(
            r("minforever", &[T::Double]),
            Ok((AggKind::MinForever, T::Double))
        );
        assert_eq!(
            r("maxForever", &[T::Long]),
            Ok((AggKind::MaxForever, T::Long))
        );
        assert_eq!(
            r("distinctcount", &[T::Bool]),
            Ok((AggKind::DistinctCount, T::Long))
        );
        assert_eq!(r("AND", &[T::Bool]), Ok((AggKind::And, T::Bool)));
        assert_eq!(r("or", &[T::Object]), Ok((AggKind::Or, T::Bool)));
        assert_eq!(r("first", &[T::String]), Ok((AggKind::First, T::String)));
        assert_eq!(r("last", &[T::Bool]), Ok((AggKind::Last, T::Bool)));
        for name in aggregate_names() {
            assert!(
                resolve_aggregate(name, &[T::Object], false).is_ok(),
                "{name}(OBJECT)"
            );
        }
    }

    #[test]
    fn resolution_errors() {
        let r = |n: &str, t: &[DataType]| resolve_aggregate(n, t, false);
        assert_eq!(r("median", &[T::Int]), Err(AggError::Unknown));
        assert_eq!(r("unionSet", &[T::Object]), Err(AggError::Unknown));
        assert_eq!(
            r("count", &[T::Int, T::Int]),
            Err(AggError::Arity {
                expected: "0 or 1",
                got: 2
            })
        );
        assert_eq!(
            resolve_aggregate("count", &[T::Int], true),
            Err(AggError::Arity {
                expected: "0 or 1",
                got: 2
            })
        );
        let e = r("sum", &[]).unwrap_err();
        assert_eq!(
            e,
            AggError::Arity {
                expected: "1",
                got: 0
            }
        );
        assert_eq!(e.message("SUM"), "SUM expects 1 argument, got 0");
        assert_eq!(
            r("avg", &[T::Int, T::Int]).unwrap_err().message("avg"),
            "avg expects 1 argument, got 2"
        );
        assert_eq!(
            r("Sum", &[T::String]),
            Err(AggError::Type(
                "Sum expects a numeric argument, got STRING".into()
            ))
        );
        for (name, t) in [
            ("avg", T::Bool),
            ("stdDev", T::String),
            ("min", T::Bool),
            ("max", T::Bool),
            ("minForever", T::String),
            ("maxForever", T::Bool),
            ("and", T::Int),
            ("or", T::String),
        ] {
            assert!(
                matches!(r(name, &[t]), Err(AggError::Type(_))),
                "{name}({t})"
            );
        }
        assert_eq!(
            r("and", &[T::Int]).unwrap_err().to_string(),
            "and expects a BOOL argument, got INT"
        );
        assert!(matches!(
            resolve_aggregate("sum", &[], true),
            Err(AggError::Type(_))
        ));
        assert_eq!(
            AggError::Unknown.message("median"),
            "unknown aggregate function 'median'"
        );
    }

    #[test]
    fn kinds_know_their_names() {
        for name in aggregate_names() {
            let (kind, _) = resolve_aggregate(name, &[T::Object], false).expect("resolves");
            assert_eq!(kind.name(), *name);
            assert_eq!(Acc::new(kind, T::Double).kind(), kind);
        }
        assert_eq!(AggKind::CountAll.name(), "count");
    }

    // ---- per-kind behaviour -----------------------------------------------------

    #[test]
    fn counts() {
        let vals = [Value::Int(1), Value::Null, Value::Int(1), Value::Null];
        let mut all = Acc::new(AggKind::CountAll, T::Object);
        for (i, v) in vals.iter().enumerate() {
            all.add(i as u64, v);
        }
        assert_same!(all.value(), Value::Long(4));
        assert_same!(val("count", T::Int, &vals), Value::Long(2));
        assert_same!(val("count", T::Int, &[]), Value::Long(0));
        assert_same!(val("count", T::Int, &[Value::Null]), Value::Long(0));
        let mut c = acc_of("count", T::Int, &vals);
        c.remove(1, &Value::Null);
        assert_same!(c.value(), Value::Long(2));
        c.remove(0, &Value::Int(1));
        assert_same!(c.value(), Value::Long(1));
        all.remove(1, &Value::Null);
        assert_same!(all.value(), Value::Long(3));
    }

    #[test]
    fn integer_sums_and_averages() {
        let vals = [Value::Int(1), Value::Null, Value::Int(2), Value::Int(2)];
        assert_same!(val("sum", T::Int, &vals), Value::Long(5));
        assert_same!(val("avg", T::Int, &vals), d(5.0 / 3.0));
        assert_same!(val("sum", T::Int, &[]), Value::Null);
        assert_same!(val("avg", T::Long, &[Value::Null]), Value::Null);
        // INT sums do not overflow at 32 bits: the result is LONG.
        let big = [Value::Int(i32::MAX), Value::Int(i32::MAX)];
        assert_same!(
            val("sum", T::Int, &big),
            Value::Long(2 * i64::from(i32::MAX))
        );
        // LONG sums wrap, but the exact sum is kept: back in range, back right.
        let mut s = acc_of("sum", T::Long, &[Value::Long(i64::MAX), Value::Long(2)]);
        assert_same!(s.value(), Value::Long(i64::MIN + 1));
        let mut a = acc_of(
            "avg",
            T::Long,
            &[Value::Long(i64::MAX), Value::Long(i64::MAX)],
        );
        assert_same!(a.value(), d(i64::MAX as f64));
        s.remove(1, &Value::Long(2));
        assert_same!(s.value(), Value::Long(i64::MAX));
        a.remove(0, &Value::Long(i64::MAX));
        assert_same!(a.value(), d(i64::MAX as f64));
        // A floating-point variant in an integral accumulator counts as NULL.
        assert_same!(
            val("sum", T::Long, &[Value::Long(3), d(1.5)]),
            Value::Long(3)
        );
    }

    #[test]
    fn float_sums_are_exact() {
        let vals = [d(0.1), d(0.2), Value::Null, d(0.3)];
        // Naive left-to-right double arithmetic would give 0.6000000000000001.
        assert_same!(val("sum", T::Double, &vals), d(0.6));
        assert_same!(val("avg", T::Double, &vals), d(0.2));
        assert_same!(val("sum", T::Double, &[Value::Null]), Value::Null);
        assert_same!(val("avg", T::Double, &[]), Value::Null);
        let mut s = acc_of("sum", T::Double, &[d(1e100), d(1.0), d(-1e100)]);
        assert_same!(s.value(), d(1.0));
        s.remove(1, &d(1.0));
        assert_same!(s.value(), d(0.0));
        // Empty again after removals: NULL, not 0.
        s.remove(0, &d(1e100));
        s.remove(2, &d(-1e100));
        assert_same!(s.value(), Value::Null);
        // FLOAT input gives a DOUBLE sum of the exact widened values.
        let f = [Value::Float(0.1), Value::Float(0.2)];
        assert_same!(
            val("sum", T::Float, &f),
            d(f64::from(0.1f32) + f64::from(0.2f32))
        );
        // Specials: NaN wins, +∞ and −∞ give NaN, removal undoes them.
        let mut s = acc_of("sum", T::Double, &[d(1.0), d(f64::INFINITY)]);
        assert_same!(s.value(), d(f64::INFINITY));
        s.add(2, &d(f64::NEG_INFINITY));
        assert_same!(s.value(), d(f64::NAN));
        s.remove(1, &d(f64::INFINITY));
        assert_same!(s.value(), d(f64::NEG_INFINITY));
        // Sums of integers through OBJECT.
        assert_same!(val("sum", T::Object, &[Value::Int(2), d(0.5)]), d(2.5));
    }

    #[test]
    fn std_dev_is_population() {
        let vals = [
            d(2.0),
            d(4.0),
            d(4.0),
            d(4.0),
            d(5.0),
            d(5.0),
            d(7.0),
            d(9.0),
        ];
        assert_same!(val("stdDev", T::Double, &vals), d(2.0));
        assert_same!(val("stdDev", T::Double, &[d(3.5)]), d(0.0));
        assert_same!(val("stdDev", T::Double, &[d(1e200)]), d(0.0));
        assert_same!(val("stdDev", T::Double, &[d(f64::NAN)]), d(f64::NAN));
        assert_same!(val("stdDev", T::Double, &[]), Value::Null);
        assert_same!(val("stdDev", T::Double, &[Value::Null]), Value::Null);
        assert_same!(
            val("stdDev", T::Int, &[Value::Int(1), Value::Int(3)]),
            d(1.0)
        );
        assert_same!(
            val("stdDev", T::Double, &[d(1.0), d(f64::INFINITY)]),
            d(f64::NAN)
        );
        // Equal values: exactly zero, never a tiny negative variance's NaN.
        assert_same!(val("stdDev", T::Double, &[d(0.1), d(0.1), d(0.1)]), d(0.0));
        let mut s = acc_of("stdDev", T::Double, &vals);
        for (i, v) in vals.iter().enumerate().take(7) {
            s.remove(i as u64, v);
        }
        assert_same!(s.value(), d(0.0));
    }

    #[test]
    fn min_and_max_with_removal() {
        let ints = [
            Value::Int(5),
            Value::Null,
            Value::Int(-3),
            Value::Int(9),
            Value::Int(-3),
        ];
        let mut mn = acc_of("min", T::Int, &ints);
        let mut mx = acc_of("max", T::Int, &ints);
        assert_same!(mn.value(), Value::Int(-3));
        assert_same!(mx.value(), Value::Int(9));
        mn.remove(2, &Value::Int(-3));
        assert_same!(mn.value(), Value::Int(-3)); // a duplicate is still held
        mn.remove(4, &Value::Int(-3));
        assert_same!(mn.value(), Value::Int(5));
        mx.remove(3, &Value::Int(9));
        assert_same!(mx.value(), Value::Int(5));
        assert_same!(val("min", T::Long, &[]), Value::Null);
        assert_same!(val("max", T::Long, &[Value::Null]), Value::Null);
        let s = [Value::str("pear"), Value::str("apple"), Value::str("zebra")];
        assert_same!(val("min", T::String, &s), Value::str("apple"));
        assert_same!(val("max", T::String, &s), Value::str("zebra"));
        let f = [Value::Float(1.5), Value::Float(-2.25)];
        assert_same!(val("min", T::Float, &f), Value::Float(-2.25));
        assert_same!(val("max", T::Float, &f), Value::Float(1.5));
        assert_same!(
            val("max", T::Long, &[Value::Long(i64::MIN)]),
            Value::Long(i64::MIN)
        );
    }

    #[test]
    fn min_max_order_nan_above_infinity_and_negative_zero_below_zero() {
        let vals = [d(f64::NAN), d(1.0), d(f64::INFINITY), d(-0.0), d(0.0)];
        assert_same!(val("max", T::Double, &vals), d(f64::NAN));
        assert_same!(val("min", T::Double, &vals), d(-0.0));
        assert_same!(val("min", T::Double, &[d(f64::NAN)]), d(f64::NAN));
        // A negative-signed NaN is the same NaN (not below −∞).
        let neg_nan = f64::from_bits(f64::NAN.to_bits() | (1 << 63));
        assert_same!(
            val("min", T::Double, &[d(neg_nan), d(f64::NEG_INFINITY)]),
            d(f64::NEG_INFINITY)
        );
        let mut m = acc_of("max", T::Double, &vals);
        m.remove(0, &d(neg_nan)); // any NaN removes the NaN
        assert_same!(m.value(), d(f64::INFINITY));
    }

    #[test]
    fn forever_ignores_remove_and_reset() {
        let vals = [Value::Long(4), Value::Long(1), Value::Null, Value::Long(7)];
        let mut mn = acc_of("minForever", T::Long, &vals);
        let mut mx = acc_of("maxForever", T::Long, &vals);
        mn.remove(1, &Value::Long(1));
        mx.remove(3, &Value::Long(7));
        mn.reset();
        mx.reset();
        assert_same!(mn.value(), Value::Long(1));
        assert_same!(mx.value(), Value::Long(7));
        mn.add(9, &Value::Long(3));
        mx.add(9, &Value::Long(8));
        assert_same!(mn.value(), Value::Long(1));
        assert_same!(mx.value(), Value::Long(8));
        assert_same!(val("minForever", T::Int, &[]), Value::Null);
        assert_same!(val("maxForever", T::Int, &[Value::Int(2)]), Value::Int(2));
    }

    #[test]
    fn distinct_count() {
        let vals = [
            Value::Int(1),
            Value::Int(2),
            Value::Int(1),
            Value::Null,
            Value::Int(3),
        ];
        let mut a = acc_of("distinctCount", T::Int, &vals);
        assert_same!(a.value(), Value::Long(3));
        a.remove(0, &Value::Int(1));
        assert_same!(a.value(), Value::Long(3));
        a.remove(2, &Value::Int(1));
        assert_same!(a.value(), Value::Long(2));
        a.remove(3, &Value::Null);
        assert_same!(a.value(), Value::Long(2));
        let f = [d(0.0), d(-0.0), d(f64::NAN), d(-f64::NAN), d(1.0)];
        assert_same!(val("distinctCount", T::Double, &f), Value::Long(3));
        let s = [Value::str("a"), Value::str("b"), Value::str("a")];
        assert_same!(val("distinctCount", T::String, &s), Value::Long(2));
        assert_same!(val("distinctCount", T::Bool, &[]), Value::Long(0));
        assert_same!(
            val("distinctCount", T::Bool, &[Value::Null]),
            Value::Long(0)
        );
    }

    #[test]
    fn and_or() {
        let t = Value::Bool(true);
        let f = Value::Bool(false);
        assert_same!(val("and", T::Bool, &[]), Value::Bool(false));
        assert_same!(val("or", T::Bool, &[]), Value::Bool(false));
        assert_same!(val("and", T::Bool, &[Value::Null]), Value::Bool(false));
        assert_same!(
            val("and", T::Bool, &[t.clone(), Value::Null]),
            Value::Bool(true)
        );
        assert_same!(
            val("and", T::Bool, &[t.clone(), f.clone()]),
            Value::Bool(false)
        );
        assert_same!(
            val("or", T::Bool, &[f.clone(), t.clone()]),
            Value::Bool(true)
        );
        assert_same!(
            val("or", T::Bool, &[f.clone(), Value::Null]),
            Value::Bool(false)
        );
        let mut a = acc_of("and", T::Bool, &[t.clone(), f.clone()]);
        a.remove(1, &f);
        assert_same!(a.value(), Value::Bool(true));
        let mut o = acc_of("or", T::Bool, &[t.clone(), f.clone()]);
        o.remove(0, &t);
        assert_same!(o.value(), Value::Bool(false));
    }

    #[test]
    fn first_and_last_follow_ids_under_any_removal_order() {
        let vals = [
            Value::Null,
            Value::str("a"),
            Value::str("b"),
            Value::str("c"),
            Value::Null,
        ];
        let mut fi = acc_of("first", T::String, &vals);
        let mut la = acc_of("last", T::String, &vals);
        assert_same!(fi.value(), Value::str("a"));
        assert_same!(la.value(), Value::str("c"));
        // Sort windows expire from the middle or the newest end.
        fi.remove(2, &Value::str("b"));
        la.remove(3, &Value::str("c"));
        assert_same!(fi.value(), Value::str("a"));
        assert_same!(la.value(), Value::str("b"));
        fi.remove(1, &Value::str("a"));
        assert_same!(fi.value(), Value::str("c"));
        fi.remove(3, &Value::str("c"));
        assert_same!(fi.value(), Value::Null);
        assert_same!(
            val("last", T::Int, &[Value::Int(1), Value::Null]),
            Value::Int(1)
        );
    }

    #[test]
    fn reset_empties_everything_but_forever() {
        let vals = [Value::Int(3), Value::Int(5)];
        for (name, empty) in [
            ("count", Value::Long(0)),
            ("sum", Value::Null),
            ("avg", Value::Null),
            ("stdDev", Value::Null),
            ("min", Value::Null),
            ("max", Value::Null),
            ("distinctCount", Value::Long(0)),
            ("first", Value::Null),
            ("last", Value::Null),
            ("minForever", Value::Int(3)),
            ("maxForever", Value::Int(5)),
        ] {
            for ty in [T::Int, T::Double] {
                let vals: Vec<Value> = vals.iter().map(|v| v.clone().widen(ty)).collect();
                let mut a = acc_of(name, ty, &vals);
                a.reset();
                let empty = if ty == T::Double && matches!(empty, Value::Int(_)) {
                    empty.clone().widen(T::Double)
                } else {
                    empty.clone()
                };
                assert_same!(a.value(), empty);
                // Usable after a reset.
                a.add(10, &Value::Int(4).widen(ty));
                assert!(!a.value().is_null(), "{name} after reset");
            }
        }
        let mut all = Acc::new(AggKind::CountAll, T::Object);
        all.add(0, &Value::Null);
        all.reset();
        assert_same!(all.value(), Value::Long(0));
        for name in ["and", "or"] {
            let mut a = acc_of(name, T::Bool, &[Value::Bool(true)]);
            a.reset();
            assert_same!(a.value(), Value::Bool(false));
        }
    }

    #[test]
    fn removing_what_was_never_added_does_not_panic() {
        for name in aggregate_names() {
            let ty = if matches!(*name, "and" | "or") {
                T::Bool
            } else {
                T::Long
            };
            let mut a = acc_of(name, ty, &[]);
            let v = if ty == T::Bool {
                Value::Bool(true)
            } else {
                Value::Long(1)
            };
            a.remove(7, &v);
            a.remove(7, &Value::Null);
            let _ = a.value();
        }
        let mut all = Acc::new(AggKind::CountAll, T::Object);
        all.remove(0, &Value::Null);
        assert_same!(all.value(), Value::Long(0));
    }

    #[test]
    fn serde_round_trip_keeps_values_and_state() {
        let mut accs: Vec<(Acc, Vec<Value>)> = Vec::new();
        let ints: Vec<Value> = [7i64, -2, 7, i64::MAX, i64::MAX].map(Value::Long).to_vec();
        // Finite only: `Value`'s own serde writes non-finite doubles as JSON null (held by
        // first/last); the model tests round-trip specials through bincode.
        let dbls = vec![d(0.1), d(1e300), d(-0.0), d(-7.5), d(5e-324)];
        let strs = vec![Value::str("x"), Value::str("y"), Value::str("x")];
        let bools = vec![Value::Bool(true), Value::Bool(false)];
        for name in aggregate_names() {
            for (ty, vals) in [
                (T::Long, &ints),
                (T::Double, &dbls),
                (T::String, &strs),
                (T::Bool, &bools),
            ] {
                if resolve_aggregate(name, &[ty], false).is_ok() {
                    accs.push((acc_of(name, ty, vals), vals.clone()));
                }
            }
        }
        accs.push((Acc::new(AggKind::CountAll, T::Object), vec![]));
        for (acc, vals) in accs {
            let json = serde_json::to_string(&acc).expect("serialise");
            let mut back: Acc = serde_json::from_str(&json).expect("deserialise");
            assert_same!(back.value(), acc.value());
            // Deterministic encoding.
            assert_eq!(serde_json::to_string(&back).expect("serialise"), json);
            // The restored state supports removal like the original.
            let mut orig = acc.clone();
            if let Some(v) = vals.first() {
                back.remove(0, v);
                orig.remove(0, v);
            }
            assert_same!(back.value(), orig.value());
            let bin =
                bincode::serde::encode_to_vec(&acc, bincode::config::standard()).expect("encode");
            let (back, _): (Acc, usize) =
                bincode::serde::decode_from_slice(&bin, bincode::config::standard())
                    .expect("decode");
            assert_same!(back.value(), acc.value());
        }
    }

    // ---- properties -------------------------------------------------------------

    #[derive(Clone, Debug)]
    enum Op {
        Add(Value),
        Remove(prop::sample::Index),
        Reset,
        RoundTrip,
    }

    fn ops(values: impl Strategy<Value = Value> + 'static) -> impl Strategy<Value = Vec<Op>> {
        let op = prop_oneof![
            8 => prop_oneof![1 => Just(Value::Null), 6 => values].prop_map(Op::Add),
            5 => any::<prop::sample::Index>().prop_map(Op::Remove),
            1 => Just(Op::Reset),
            1 => Just(Op::RoundTrip),
        ];
        prop::collection::vec(op, 0..120)
    }

    /// Doubles with few significant bits in a narrow range, so plain double sums of
    /// values and of squares are exact; and the specials.
    fn small_double() -> impl Strategy<Value = Value> {
        prop_oneof![
            12 => (-256i32..256, -4i32..=4).prop_map(|(k, e)| d(f64::from(k) * 2f64.powi(e))),
            1 => prop::sample::select(vec![
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                -0.0,
                0.0,
                f64::from_bits(f64::NAN.to_bits() | (1 << 63)),
            ])
            .prop_map(d),
        ]
    }

    fn f(v: &Value) -> f64 {
        v.as_f64().unwrap_or(f64::NAN)
    }

    /// Brute-force result of aggregate `kind` over the held non-NULL values `held`
    /// (in id order), `events` events, and every value ever added (`ever`).
    fn reference(
        kind: AggKind,
        ty: DataType,
        events: usize,
        held: &[Value],
        ever: &[Value],
    ) -> Value {
        let n = held.len();
        let floats = !ty.is_integral();
        let sum_f = |xs: &[Value]| -> f64 {
            // Exact for the generated values; specials per the documented rule.
            let nan = xs.iter().any(|v| f(v).is_nan());
            let pos = xs.iter().any(|v| f(v) == f64::INFINITY);
            let neg = xs.iter().any(|v| f(v) == f64::NEG_INFINITY);
            if nan || (pos && neg) {
                f64::NAN
            } else if pos {
                f64::INFINITY
            } else if neg {
                f64::NEG_INFINITY
            } else {
                xs.iter().map(f).fold(0.0, |a, x| a + x)
            }
        };
        let int_sum: i128 = held.iter().filter_map(Value::as_i64).map(i128::from).sum();
        // min/max: numbers ordered with -0 < +0 and NaN above everything; strings and
        // bools naturally.
        let cmp = |a: &&Value, b: &&Value| match (a, b) {
            (Value::Str(x), Value::Str(y)) => x.cmp(y),
            (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
            _ if ty.is_integral() => a.as_i64().cmp(&b.as_i64()),
            _ => match (f(a).is_nan(), f(b).is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => f(a).total_cmp(&f(b)),
            },
        };
        let canon = |v: Option<&Value>| match v {
            Some(v) if f(v).is_nan() && floats && ty != T::String && ty != T::Bool => d(f64::NAN),
            Some(v) => v.clone(),
            None => Value::Null,
        };
        match kind {
            AggKind::CountAll => Value::Long(events as i64),
            AggKind::Count => Value::Long(n as i64),
            _ if n == 0
                && matches!(
                    kind,
                    AggKind::Sum | AggKind::Avg | AggKind::StdDev | AggKind::Min | AggKind::Max
                ) =>
            {
                Value::Null
            }
            AggKind::Sum if !floats => Value::Long(int_sum as i64),
            AggKind::Sum => d(sum_f(held)),
            // |sum| < 2^53 here, so IEEE division is the correctly rounded quotient.
            AggKind::Avg if !floats => d(int_sum as f64 / n as f64),
            AggKind::Avg => d(sum_f(held) / n as f64),
            AggKind::StdDev => {
                if held.iter().any(|v| !f(v).is_finite()) {
                    d(f64::NAN)
                } else if n == 1 {
                    d(0.0)
                } else {
                    let s = held.iter().map(f).fold(0.0, |a, x| a + x);
                    let sq = held.iter().map(|v| f(v) * f(v)).fold(0.0, |a, x| a + x);
                    let (m, msq) = (s / n as f64, sq / n as f64);
                    d((msq - m * m).max(0.0).sqrt())
                }
            }
            AggKind::Min => canon(held.iter().min_by(cmp)),
            AggKind::Max => canon(held.iter().max_by(cmp)),
            AggKind::MinForever => canon(ever.iter().min_by(cmp)),
            AggKind::MaxForever => canon(ever.iter().max_by(cmp)),
            AggKind::DistinctCount => {
                let mut distinct: Vec<&Value> = Vec::new();
                for v in held {
                    let eq = |u: &&Value| match (u, v) {
                        (Value::Str(a), Value::Str(b)) => a == b,
                        (Value::Bool(a), Value::Bool(b)) => a == b,
                        _ if ty.is_integral() => u.as_i64() == v.as_i64(),
                        _ => f(u) == f(v) || (f(u).is_nan() && f(v).is_nan()),
                    };
                    if !distinct.iter().any(eq) {
                        distinct.push(v);
                    }
                }
                Value::Long(distinct.len() as i64)
            }
            AggKind::And => {
                let t = held.iter().any(|v| v.as_bool() == Some(true));
                let fl = held.iter().any(|v| v.as_bool() == Some(false));
                Value::Bool(t && !fl)
            }
            AggKind::Or => Value::Bool(held.iter().any(|v| v.as_bool() == Some(true))),
            AggKind::First => held.first().cloned().unwrap_or(Value::Null),
            AggKind::Last => held.last().cloned().unwrap_or(Value::Null),
        }
    }

    /// Runs `ops` against every aggregate that accepts `ty` and compares each result with
    /// [`reference`] after every operation.
    fn check_model(ty: DataType, ops: &[Op]) -> Result<(), TestCaseError> {
        let mut accs: Vec<Acc> = aggregate_names()
            .iter()
            .filter_map(|name| resolve_aggregate(name, &[ty], false).ok())
            .map(|(kind, _)| Acc::new(kind, ty))
            .collect();
        accs.push(Acc::new(AggKind::CountAll, ty));
        let mut events: Vec<(u64, Value)> = Vec::new();
        let mut ever: Vec<Value> = Vec::new();
        let mut next_id = 0u64;
        for op in ops {
            match op {
                Op::Add(v) => {
                    for a in &mut accs {
                        a.add(next_id, v);
                    }
                    events.push((next_id, v.clone()));
                    if !v.is_null() {
                        ever.push(v.clone());
                    }
                    next_id += 1;
                }
                Op::Remove(ix) => {
                    if !events.is_empty() {
                        let (id, v) = events.remove(ix.index(events.len()));
                        for a in &mut accs {
                            a.remove(id, &v);
                        }
                    }
                }
                Op::Reset => {
                    events.clear();
                    for a in &mut accs {
                        a.reset();
                    }
                }
                Op::RoundTrip => {
                    for a in &mut accs {
                        let bin = bincode::serde::encode_to_vec(&*a, bincode::config::standard())
                            .map_err(|e| TestCaseError::fail(e.to_string()))?;
                        let (back, _): (Acc, usize) =
                            bincode::serde::decode_from_slice(&bin, bincode::config::standard())
                                .map_err(|e| TestCaseError::fail(e.to_string()))?;
                        *a = back;
                    }
                }
            }
            let held: Vec<Value> = events
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(_, v)| v.clone())
                .collect();
            for a in &accs {
                let want = reference(a.kind(), ty, events.len(), &held, &ever);
                let got = a.value();
                prop_assert!(
                    same(&got, &want),
                    "{:?}({ty}) = {got:?}, expected {want:?} over {held:?}",
                    a.kind()
                );
            }
        }
        Ok(())
    }

    /// Sums, averages and standard deviations of arbitrary doubles, adding `xs` in
    /// order, or in another order interleaved with `extra` values that are removed
    /// again (in reverse), must agree to the bit.
    fn order_independent(
        ty: DataType,
        xs: &[Value],
        extra: &[Value],
        rot: usize,
    ) -> Result<(), TestCaseError> {
        for name in ["sum", "avg", "stdDev"] {
            let a = acc_of(name, ty, xs);
            let (kind, _) = resolve_aggregate(name, &[ty], false).expect("resolves");
            let mut b = Acc::new(kind, ty);
            let mut order: Vec<(u64, &Value)> =
                xs.iter().enumerate().map(|(i, v)| (i as u64, v)).collect();
            order.reverse();
            if !order.is_empty() {
                let k = rot % order.len();
                order.rotate_left(k);
            }
            let base = xs.len() as u64;
            for (i, (id, v)) in order.iter().enumerate() {
                b.add(*id, v);
                if let Some(e) = extra.get(i) {
                    b.add(base + i as u64, e);
                }
            }
            for (i, e) in extra.iter().enumerate().take(order.len()).rev() {
                b.remove(base + i as u64, e);
            }
            prop_assert!(
                same(&a.value(), &b.value()),
                "{name}: {:?} vs {:?}",
                a.value(),
                b.value()
            );
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn model_ints(ops in ops((-30000i32..30000).prop_map(Value::Int))) {
            check_model(T::Int, &ops)?;
        }

        #[test]
        fn model_small_int_range(ops in ops((-3i64..3).prop_map(Value::Long))) {
            // Many duplicates: exercises multiset counts.
            check_model(T::Long, &ops)?;
        }

        #[test]
        fn model_doubles(ops in ops(small_double())) {
            check_model(T::Double, &ops)?;
        }

        #[test]
        fn model_strings(ops in ops("[a-c]{0,2}".prop_map(|s| Value::str(&s)))) {
            check_model(T::String, &ops)?;
        }

        #[test]
        fn model_bools(ops in ops(any::<bool>().prop_map(Value::Bool))) {
            check_model(T::Bool, &ops)?;
        }

        #[test]
        fn arbitrary_doubles_are_order_independent(
            xs in prop::collection::vec(prop_oneof![4 => any::<f64>().prop_map(d), 1 => Just(Value::Null)], 0..40),
            extra in prop::collection::vec(any::<f64>().prop_map(d), 0..20),
            rot in any::<usize>(),
        ) {
            order_independent(T::Double, &xs, &extra, rot)?;
        }

        #[test]
        fn fifo_accumulators_equal_ordered_maps(
            ops in prop::collection::vec((any::<bool>(), prop_oneof![
                4 => (-5i64..5).prop_map(Value::Long),
                1 => Just(Value::Null),
                1 => any::<f64>().prop_map(d),
            ]), 0..60),
        ) {
            // Adds, and removals of the oldest held event (a FIFO window).
            for kind in [AggKind::Min, AggKind::Max, AggKind::First, AggKind::Last] {
                for ty in [T::Double, T::Object] {
                    let mut fifo = Acc::new_fifo(kind, ty);
                    let mut map = Acc::new(kind, ty);
                    let mut held = std::collections::VecDeque::new();
                    for (i, (remove, v)) in ops.iter().enumerate() {
                        if *remove {
                            if let Some((id, old)) = held.pop_front() {
                                fifo.remove(id, &old);
                                map.remove(id, &old);
                            }
                        } else {
                            fifo.add(i as u64, v);
                            map.add(i as u64, v);
                            held.push_back((i as u64, v.clone()));
                        }
                        prop_assert_eq!(format!("{:?}", fifo.value()), format!("{:?}", map.value()));
                    }
                }
            }
        }

        #[test]
        fn arbitrary_longs_are_order_independent(
            xs in prop::collection::vec(any::<i64>().prop_map(Value::Long), 0..40),
            extra in prop::collection::vec(any::<i64>().prop_map(Value::Long), 0..20),
            rot in any::<usize>(),
        ) {
            order_independent(T::Long, &xs, &extra, rot)?;
        }
    }
}
