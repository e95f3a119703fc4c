//! `CAST(x AS T)` (§1.6), also the target of the classic `cast(x, 't')` and
//! `convert(x, 't')`.
//!
//! Rules, including the choices §1.6 leaves open:
//! * NULL casts to NULL; a cast to the value's own type is the identity.
//! * Numeric to numeric: widening is exact where the target can hold the value;
//!   LONG → INT keeps the low 32 bits (two's complement wrap, like Java's `(int)`,
//!   consistent with integer arithmetic wrapping); FLOAT/DOUBLE → INT/LONG truncates
//!   toward zero and saturates at the target's bounds; NaN → NULL; DOUBLE → FLOAT rounds
//!   to nearest (overflow gives ±Infinity).
//! * STRING → INT/LONG parses the trimmed text as a decimal integer (optional sign); text
//!   with a fraction or out of range is NULL, not truncated or wrapped.
//!   STRING → FLOAT/DOUBLE parses the trimmed text, accepting exponents and the canonical
//!   `NaN`/`Infinity`/`-Infinity` (so number → STRING → number round-trips); else NULL.
//! * Number/BOOL → STRING: the canonical text of [`Value`]'s `Display` (doubles via
//!   `format_float`, always with a point or exponent).
//! * STRING → BOOL: `'true'`/`'false'` ignoring ASCII case and surrounding whitespace;
//!   anything else is NULL.
//! * BOOL → number: true is 1, false is 0. Number → BOOL: zero is false, any other value
//!   true, NaN is NULL (the mirror image, as in Postgres for integers).
//! * OBJECT: casting *from* OBJECT is always allowed, because that is how a bare `NULL`
//!   gets a type (`CAST(NULL AS INT)`); the conversion follows the runtime value. Casting
//!   *to* OBJECT is rejected at plan time (except OBJECT → OBJECT): OBJECT is not a
//!   declarable type and erasing a known type only disables type checking. At run time
//!   it is the identity.

use crate::value::{DataType, Value};

/// Whether `CAST` from `from` to `to` is allowed at plan time (see the module docs).
pub fn cast_ok(from: DataType, to: DataType) -> bool {
    to != DataType::Object || from == DataType::Object
}

/// Converts `v` to `to` (see the module docs). Never panics; failures give NULL.
pub fn cast(v: &Value, to: DataType) -> Value {
    if v.data_type() == Some(to) || to == DataType::Object {
        return v.clone();
    }
    match v {
        Value::Null => Value::Null,
        Value::Str(s) => from_str(s, to),
        Value::Bool(b) => match to {
            DataType::String => Value::str(if *b { "true" } else { "false" }),
            DataType::Int => Value::Int(i32::from(*b)),
            DataType::Long => Value::Long(i64::from(*b)),
            DataType::Float => Value::Float(if *b { 1.0 } else { 0.0 }),
            DataType::Double => Value::Double(if *b { 1.0 } else { 0.0 }),
            DataType::Bool | DataType::Object => v.clone(),
        },
        Value::Int(_) | Value::Long(_) => {
            // Integers take the exact path; `as_i64` cannot fail for these variants.
            let Some(i) = v.as_i64() else {
                return Value::Null;
            };
            match to {
                DataType::String => Value::str(&v.to_string()),
                DataType::Int => Value::Int(i as i32),
                DataType::Long => Value::Long(i),
                DataType::Float => Value::Float(i as f32),
                DataType::Double => Value::Double(i as f64),
                DataType::Bool => Value::Bool(i != 0),
                DataType::Object => v.clone(),
            }
        }
        Value::Float(_) | Value::Double(_) => {
            let Some(f) = v.as_f64() else {
                return Value::Null;
            };
            match to {
                DataType::String => Value::str(&v.to_string()),
                // `as` truncates toward zero and saturates; NaN would become 0, so
                // it is caught first.
                DataType::Int if f.is_nan() => Value::Null,
                DataType::Int => Value::Int(f as i32),
                DataType::Long if f.is_nan() => Value::Null,
                DataType::Long => Value::Long(f as i64),
                DataType::Float => Value::Float(f as f32),
                DataType::Double => Value::Double(f),
                DataType::Bool if f.is_nan() => Value::Null,
                DataType::Bool => Value::Bool(f != 0.0),
                DataType::Object => v.clone(),
            }
        }
    }
}

fn from_str(s: &str, to: DataType) -> Value {
    let t = s.trim();
    match to {
        DataType::String | DataType::Object => Value::str(s),
        DataType::Int => t.parse::<i32>().map_or(Value::Null, Value::Int),
        DataType::Long => t.parse::<i64>().map_or(Value::Null, Value::Long),
        DataType::Float => t.parse::<f32>().map_or(Value::Null, Value::Float),
        DataType::Double => t.parse::<f64>().map_or(Value::Null, Value::Double),
        DataType::Bool => {
            if t.eq_ignore_ascii_case("true") {
                Value::Bool(true)
            } else if t.eq_ignore_ascii_case("false") {
                Value::Bool(false)
            } else {
                Value::Null
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DataType::*;

    const ALL: [DataType; 7] = [String, Int, Long, Float, Double, Bool, Object];

    fn same(a: &Value, b: &Value) -> bool {
        // Variant-exact comparison: `Value`'s own `==` equates numbers across types.
        a.data_type() == b.data_type() && a == b
    }

    #[track_caller]
    fn check(v: Value, to: DataType, want: Value) {
        let got = cast(&v, to);
        assert!(
            same(&got, &want),
            "CAST({v:?} AS {to}) = {got:?}, want {want:?}"
        );
    }

    #[test]
    fn plan_time_matrix() {
        for from in ALL {
            for to in ALL {
                assert_eq!(
                    cast_ok(from, to),
                    to != Object || from == Object,
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn null_casts_to_null_for_every_target() {
        for to in ALL {
            check(Value::Null, to, Value::Null);
        }
    }

    #[test]
    fn identity_for_every_type() {
        for v in [
            Value::str("x"),
            Value::Int(1),
            Value::Long(2),
            Value::Float(1.5),
            Value::Double(2.5),
            Value::Bool(true),
        ] {
            let t = v.data_type().unwrap();
            check(v.clone(), t, v.clone());
            check(v.clone(), Object, v);
        }
    }

    #[test]
    fn numeric_narrowing_and_widening() {
        check(Value::Int(7), Long, Value::Long(7));
        check(Value::Int(7), Double, Value::Double(7.0));
        check(Value::Int(7), Float, Value::Float(7.0));
        check(Value::Long(7), Float, Value::Float(7.0));
        check(
            Value::Long(1 << 40),
            Double,
            Value::Double((1u64 << 40) as f64),
        );
        check(Value::Long((1i64 << 32) + 5), Int, Value::Int(5));
        check(
            Value::Long(i64::from(i32::MAX) + 1),
            Int,
            Value::Int(i32::MIN),
        );
        check(Value::Double(2.9), Int, Value::Int(2));
        check(Value::Double(-2.9), Int, Value::Int(-2));
        check(Value::Double(-2.9), Long, Value::Long(-2));
        check(Value::Float(3.7), Long, Value::Long(3));
        check(Value::Double(1e300), Int, Value::Int(i32::MAX));
        check(Value::Double(-1e300), Long, Value::Long(i64::MIN));
        check(Value::Double(f64::INFINITY), Int, Value::Int(i32::MAX));
        check(Value::Double(f64::NAN), Int, Value::Null);
        check(Value::Float(f32::NAN), Long, Value::Null);
        check(Value::Double(0.5), Float, Value::Float(0.5));
        check(Value::Double(1e300), Float, Value::Float(f32::INFINITY));
        check(Value::Float(0.1), Double, Value::Double(f64::from(0.1f32)));
    }

    #[test]
    fn numbers_and_bools_to_string_use_canonical_text() {
        check(Value::Int(-3), String, Value::str("-3"));
        check(Value::Long(1 << 40), String, Value::str("1099511627776"));
        check(Value::Double(1.0), String, Value::str("1.0"));
        check(Value::Double(0.1), String, Value::str("0.1"));
        // FLOAT text is `Value`'s Display, which formats the widened f64 value.
        check(Value::Float(0.5), String, Value::str("0.5"));
        check(
            Value::Float(0.1),
            String,
            Value::str(&Value::Float(0.1).to_string()),
        );
        check(Value::Double(f64::NAN), String, Value::str("NaN"));
        check(
            Value::Double(f64::NEG_INFINITY),
            String,
            Value::str("-Infinity"),
        );
        check(Value::Bool(true), String, Value::str("true"));
        check(Value::Bool(false), String, Value::str("false"));
    }

    #[test]
    fn string_to_numbers_parses_trimmed_text() {
        check(Value::str(" 42 "), Int, Value::Int(42));
        check(Value::str("+42"), Long, Value::Long(42));
        check(Value::str("-42"), Int, Value::Int(-42));
        check(Value::str("4.2"), Int, Value::Null);
        check(Value::str("abc"), Int, Value::Null);
        check(Value::str(""), Long, Value::Null);
        check(Value::str("99999999999"), Int, Value::Null);
        check(Value::str("99999999999"), Long, Value::Long(99_999_999_999));
        check(Value::str(" 2.5 "), Double, Value::Double(2.5));
        check(Value::str("1e3"), Double, Value::Double(1000.0));
        check(Value::str("2.5"), Float, Value::Float(2.5));
        check(Value::str("x2.5"), Double, Value::Null);
        check(Value::str("Infinity"), Double, Value::Double(f64::INFINITY));
        check(
            Value::str("-Infinity"),
            Double,
            Value::Double(f64::NEG_INFINITY),
        );
        assert!(matches!(cast(&Value::str("NaN"), Double), Value::Double(f) if f.is_nan()));
    }

    #[test]
    fn double_text_round_trips() {
        for d in [
            0.1,
            1.0,
            -2.5e-300,
            1e21,
            123456.789,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            let s = cast(&Value::Double(d), String);
            check(s, Double, Value::Double(d));
        }
    }

    #[test]
    fn string_to_bool() {
        check(Value::str("true"), Bool, Value::Bool(true));
        check(Value::str("TRUE"), Bool, Value::Bool(true));
        check(Value::str(" False "), Bool, Value::Bool(false));
        check(Value::str("yes"), Bool, Value::Null);
        check(Value::str("1"), Bool, Value::Null);
        check(Value::str(""), Bool, Value::Null);
    }

    #[test]
    fn bool_and_numbers() {
        check(Value::Bool(true), Int, Value::Int(1));
        check(Value::Bool(false), Long, Value::Long(0));
        check(Value::Bool(true), Float, Value::Float(1.0));
        check(Value::Bool(true), Double, Value::Double(1.0));
        check(Value::Int(0), Bool, Value::Bool(false));
        check(Value::Long(-5), Bool, Value::Bool(true));
        check(Value::Double(0.0), Bool, Value::Bool(false));
        check(Value::Double(-0.0), Bool, Value::Bool(false));
        check(Value::Float(0.5), Bool, Value::Bool(true));
        check(Value::Double(f64::NAN), Bool, Value::Null);
    }

    #[test]
    fn string_to_string_keeps_the_text() {
        check(Value::str("  padded "), String, Value::str("  padded "));
    }
}
