//! The data vocabulary shared by every stage after parsing: attribute types and values.
//!
//! A row is a fixed-schema tuple `Box<[Value]>`; attributes are addressed by column
//! index (resolved once at plan time), never by name at run time. Strings are
//! [`Str`]: inline when short, else a shared `Arc<str>`, so copying a row into an
//! output or a window never copies long text.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

pub mod small_str;
pub use small_str::Str;

/// Attribute types of LANGUAGE.md §1.5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataType {
    String,
    Int,
    Long,
    Float,
    Double,
    Bool,
    /// Opaque: the type of NULL without context and of unknown functions.
    Object,
}

impl DataType {
    /// Numeric rank for promotion (§1.6): INT < LONG < FLOAT < DOUBLE.
    pub fn numeric_rank(self) -> Option<u8> {
        match self {
            DataType::Int => Some(0),
            DataType::Long => Some(1),
            DataType::Float => Some(2),
            DataType::Double => Some(3),
            _ => None,
        }
    }
    pub fn is_numeric(self) -> bool {
        self.numeric_rank().is_some()
    }
    pub fn is_integral(self) -> bool {
        matches!(self, DataType::Int | DataType::Long)
    }
    /// The wider of two numeric types, `None` if either is not numeric.
    pub fn promote(a: DataType, b: DataType) -> Option<DataType> {
        let (ra, rb) = (a.numeric_rank()?, b.numeric_rank()?);
        Some(if ra >= rb { a } else { b })
    }
    /// Whether a value of `self` may be stored in a column of `target` without CAST.
    pub fn widens_to(self, target: DataType) -> bool {
        self == target
            || self == DataType::Object
            || matches!((self.numeric_rank(), target.numeric_rank()), (Some(a), Some(b)) if a <= b)
    }
    pub fn sql_name(self) -> &'static str {
        match self {
            DataType::String => "STRING",
            DataType::Int => "INT",
            DataType::Long => "LONG",
            DataType::Float => "FLOAT",
            DataType::Double => "DOUBLE",
            DataType::Bool => "BOOL",
            DataType::Object => "OBJECT",
        }
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql_name())
    }
}

/// One attribute value. Every attribute may be NULL (§1.5).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Float(f32),
    Double(f64),
    Str(Str),
}

/// A fixed-schema tuple; column `i` has the type the plan assigned to it.
pub type Row = Box<[Value]>;

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn str(s: &str) -> Value {
        Value::Str(Str::new(s))
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(i64::from(*v)),
            Value::Long(v) => Some(*v),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(v) => Some(f64::from(*v)),
            Value::Long(v) => Some(*v as f64),
            Value::Float(v) => Some(f64::from(*v)),
            Value::Double(v) => Some(*v),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn data_type(&self) -> Option<DataType> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(_) => DataType::Bool,
            Value::Int(_) => DataType::Int,
            Value::Long(_) => DataType::Long,
            Value::Float(_) => DataType::Float,
            Value::Double(_) => DataType::Double,
            Value::Str(_) => DataType::String,
        })
    }

    /// Converts a value of a narrower numeric type to `target` (widening only; other
    /// combinations return the value unchanged). Used where a column is declared wider
    /// than the expression feeding it.
    pub fn widen(self, target: DataType) -> Value {
        match (target, &self) {
            (DataType::Long, Value::Int(v)) => Value::Long(i64::from(*v)),
            (DataType::Float, Value::Int(v)) => Value::Float(*v as f32),
            (DataType::Float, Value::Long(v)) => Value::Float(*v as f32),
            (DataType::Double, Value::Int(v)) => Value::Double(f64::from(*v)),
            (DataType::Double, Value::Long(v)) => Value::Double(*v as f64),
            (DataType::Double, Value::Float(v)) => Value::Double(f64::from(*v)),
            _ => self,
        }
    }

    /// SQL comparison (§1.6/1.7): `None` when either side is NULL or the types do not
    /// compare (the planner rejects the latter, so it only happens through OBJECT).
    pub fn sql_cmp(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Null, _) | (_, Value::Null) => None,
            (Value::Str(a), Value::Str(b)) => Some(a.as_ref().cmp(b.as_ref())),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Long(a), Value::Long(b)) => Some(a.cmp(b)),
            (a, b) => match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => Some(x.cmp(&y)),
                _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
            },
        }
    }

    /// A total order for sorting and grouping: NULL last, numbers by value, NaN after
    /// numbers, then strings, then booleans. Deterministic, never panics.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        fn class(v: &Value) -> u8 {
            match v {
                Value::Int(_) | Value::Long(_) | Value::Float(_) | Value::Double(_) => 0,
                Value::Str(_) => 1,
                Value::Bool(_) => 2,
                Value::Null => 3,
            }
        }
        match class(self).cmp(&class(other)) {
            Ordering::Equal => {}
            o => return o,
        }
        match (self, other) {
            (Value::Str(a), Value::Str(b)) => a.cmp(b),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Null, Value::Null) => Ordering::Equal,
            (a, b) => match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => {
                    let (x, y) = (
                        a.as_f64().unwrap_or(f64::NAN),
                        b.as_f64().unwrap_or(f64::NAN),
                    );
                    x.total_cmp(&y)
                }
            },
        }
    }

    /// Equality for grouping keys: NULL equals NULL (GROUP BY puts NULLs together, §1.7).
    pub fn group_eq(&self, other: &Value) -> bool {
        self.total_cmp(other) == Ordering::Equal
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.group_eq(other)
    }
}
impl Eq for Value {}

impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Value::Null => 3u8.hash(state),
            Value::Bool(b) => {
                2u8.hash(state);
                b.hash(state)
            }
            Value::Str(s) => {
                1u8.hash(state);
                s.hash(state)
            }
            // Numbers that compare equal across types must hash equally.
            v => {
                0u8.hash(state);
                match v.as_i64() {
                    Some(i) => (i as f64).to_bits().hash(state),
                    None => {
                        let f = v.as_f64().unwrap_or(f64::NAN);
                        if f == 0.0 {
                            0.0f64.to_bits().hash(state)
                        } else {
                            f.to_bits().hash(state)
                        }
                    }
                }
            }
        }
    }
}

impl fmt::Display for Value {
    /// Canonical text (used by CAST to STRING and by `concat`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Long(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{}", format_float(f64::from(*v))),
            Value::Double(v) => write!(f, "{}", format_float(*v)),
            Value::Str(s) => f.write_str(s),
        }
    }
}

/// Shortest round-trip text for a double, always with a decimal point or exponent so
/// readers keep it a floating-point number (`1.0`, not `1`).
pub fn format_float(v: f64) -> String {
    if v.is_finite() {
        let mut buf = ryu::Buffer::new();
        buf.format_finite(v).to_string()
    } else if v.is_nan() {
        "NaN".to_string()
    } else if v > 0.0 {
        "Infinity".to_string()
    } else {
        "-Infinity".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotion_follows_rank() {
        assert_eq!(
            DataType::promote(DataType::Int, DataType::Double),
            Some(DataType::Double)
        );
        assert_eq!(
            DataType::promote(DataType::Long, DataType::Int),
            Some(DataType::Long)
        );
        assert_eq!(DataType::promote(DataType::String, DataType::Int), None);
        assert!(DataType::Int.widens_to(DataType::Double));
        assert!(!DataType::Double.widens_to(DataType::Int));
    }

    #[test]
    fn sql_compare_is_none_with_null_and_crosses_numeric_types() {
        assert_eq!(
            Value::Int(3).sql_cmp(&Value::Double(2.5)),
            Some(Ordering::Greater)
        );
        assert_eq!(Value::Null.sql_cmp(&Value::Int(1)), None);
        assert_eq!(
            Value::Long(i64::MAX).sql_cmp(&Value::Long(i64::MAX - 1)),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn total_order_puts_null_last() {
        let mut v = [Value::Null, Value::Int(2), Value::Double(1.5)];
        v.sort_by(Value::total_cmp);
        assert!(matches!(v[0], Value::Double(_)));
        assert!(v[2].is_null());
    }

    #[test]
    fn float_text_keeps_a_point() {
        assert_eq!(format_float(1.0), "1.0");
        assert_eq!(format_float(0.1), "0.1");
    }
}
