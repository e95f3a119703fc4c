//! Output rows as JSON lines (DESIGN.md §4): `{"a":1,"b":"x","_ts":123}` plus
//! `,"_expired":true` on expired events, one object per line (the writer adds the `\n`).
//!
//! Attribute names are escaped once, at construction, into the literal text that precedes
//! each value, so encoding a row is a sequence of appends into the caller's buffer.

use std::sync::Arc;

use crate::value::Value;

/// Encodes rows of one output schema as JSON lines.
pub struct JsonEncoder {
    /// Per attribute: `{"name":` for the first, `,"name":` for the others.
    prefixes: Vec<Box<[u8]>>,
    /// `,"_ts":`, or `{"_ts":` when there are no attributes.
    ts_prefix: &'static [u8],
}

impl JsonEncoder {
    pub fn new(names: &[Arc<str>]) -> Self {
        let prefixes = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut p = Vec::with_capacity(name.len() + 4);
                p.push(if i == 0 { b'{' } else { b',' });
                write_json_string(name, &mut p);
                p.push(b':');
                p.into_boxed_slice()
            })
            .collect();
        let ts_prefix: &[u8] = if names.is_empty() {
            b"{\"_ts\":"
        } else {
            b",\"_ts\":"
        };
        JsonEncoder {
            prefixes,
            ts_prefix,
        }
    }

    /// Appends one JSON object, without a line terminator, for `row` (one value per name given to
    /// [`JsonEncoder::new`]; a missing value is written as `null`) emitted at `ts`.
    /// NULL is written as `null`, never omitted; NaN and infinities, which JSON cannot
    /// represent, as `null` too.
    pub fn encode(&self, row: &[Value], ts: i64, expired: bool, out: &mut Vec<u8>) {
        let mut ints = itoa::Buffer::new();
        let mut floats = ryu::Buffer::new();
        for (i, prefix) in self.prefixes.iter().enumerate() {
            out.extend_from_slice(prefix);
            match row.get(i).unwrap_or(&Value::Null) {
                Value::Null => out.extend_from_slice(b"null"),
                Value::Bool(true) => out.extend_from_slice(b"true"),
                Value::Bool(false) => out.extend_from_slice(b"false"),
                Value::Int(v) => out.extend_from_slice(ints.format(*v).as_bytes()),
                Value::Long(v) => out.extend_from_slice(ints.format(*v).as_bytes()),
                // Shortest text that reads back as the same f32, like `format_float` does
                // for doubles (always with a point or an exponent).
                Value::Float(v) if v.is_finite() => {
                    out.extend_from_slice(floats.format_finite(*v).as_bytes())
                }
                Value::Double(v) if v.is_finite() => {
                    out.extend_from_slice(floats.format_finite(*v).as_bytes())
                }
                Value::Float(_) | Value::Double(_) => out.extend_from_slice(b"null"),
                Value::Str(s) => write_json_string(s, out),
            }
        }
        out.extend_from_slice(self.ts_prefix);
        out.extend_from_slice(ints.format(ts).as_bytes());
        if expired {
            out.extend_from_slice(b",\"_expired\":true");
        }
        out.push(b'}');
    }
}

/// The escape for each byte that needs one: `0` none, `b'u'` a `\u00XX` form, otherwise
/// the letter after the backslash.
const ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Appends `s` as a JSON string literal. Copies runs of plain bytes at once; only `"`,
/// `\` and control characters are escaped (the rest of UTF-8 is valid JSON as is).
fn write_json_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc = ESCAPE[usize::from(b)];
        if esc == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[run..i]);
        run = i + 1;
        if esc == b'u' {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]);
        } else {
            out.extend_from_slice(&[b'\\', esc]);
        }
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(n: &[&str]) -> Vec<Arc<str>> {
        n.iter().map(|s| Arc::from(*s)).collect()
    }

    fn encode(names: &[Arc<str>], row: &[Value], ts: i64, expired: bool) -> String {
        let enc = JsonEncoder::new(names);
        let mut out = Vec::new();
        enc.encode(row, ts, expired, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn every_type() {
        let n = names(&["s", "i", "l", "f", "d", "b", "z"]);
        let row = [
            Value::str("x"),
            Value::Int(-3),
            Value::Long(i64::MIN),
            Value::Float(0.1),
            Value::Double(1.0),
            Value::Bool(true),
            Value::Null,
        ];
        assert_eq!(
            encode(&n, &row, 123, false),
            "{\"s\":\"x\",\"i\":-3,\"l\":-9223372036854775808,\"f\":0.1,\"d\":1.0,\"b\":true,\"z\":null,\"_ts\":123}"
        );
        assert_eq!(
            encode(&names(&["a"]), &[Value::Bool(false)], -1, true),
            "{\"a\":false,\"_ts\":-1,\"_expired\":true}"
        );
        assert_eq!(encode(&[], &[], 5, false), "{\"_ts\":5}");
        assert_eq!(
            encode(&names(&["a", "b"]), &[Value::Int(1)], 0, false),
            "{\"a\":1,\"b\":null,\"_ts\":0}"
        );
    }

    #[test]
    fn floats_keep_a_point_and_non_finite_is_null() {
        let n = names(&["a", "b", "c", "d", "e"]);
        let row = [
            Value::Double(f64::NAN),
            Value::Double(f64::INFINITY),
            Value::Float(f32::NEG_INFINITY),
            Value::Double(1e300),
            Value::Double(-0.0),
        ];
        assert_eq!(
            encode(&n, &row, 0, false),
            "{\"a\":null,\"b\":null,\"c\":null,\"d\":1e300,\"e\":-0.0,\"_ts\":0}"
        );
        assert_eq!(crate::value::format_float(1e300), "1e300");
    }

    #[test]
    fn strings_and_names_are_escaped() {
        let n = names(&["we\"ird\\name\n"]);
        let line = encode(&n, &[Value::str("a\"b\\c\n\t\u{1}\u{1f}é😀/")], 0, false);
        assert_eq!(
            line,
            "{\"we\\\"ird\\\\name\\n\":\"a\\\"b\\\\c\\n\\t\\u0001\\u001fé😀/\",\"_ts\":0}"
        );
    }

    proptest! {
        #[test]
        fn output_is_json_that_reads_back(s in "\\PC*|[\\u{0}-\\u{7f}]*", d in any::<f64>(), f in any::<f32>(), l in any::<i64>(), name in ".*") {
            let n = names(&[&name, "d", "f", "l"]);
            prop_assume!(name != "d" && name != "f" && name != "l" && name != "_ts");
            let line = encode(&n, &[Value::str(&s), Value::Double(d), Value::Float(f), Value::Long(l)], 7, true);
            prop_assert!(line.ends_with('}'), "line {:?}", line);
            let parsed: serde_json::Value = serde_json::from_str(&line).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(parsed.get(&name).and_then(|v| v.as_str()), Some(s.as_str()));
            prop_assert_eq!(parsed.get("l").and_then(|v| v.as_i64()), Some(l));
            prop_assert_eq!(parsed.get("_expired").and_then(|v| v.as_bool()), Some(true));
            // serde_json's float parsing is not always exact; compare the text instead.
            let text = line.split("\"d\":").nth(1).and_then(|r| r.split(',').next()).unwrap_or_default();
            if d.is_finite() {
                prop_assert_eq!(text.parse::<f64>().ok().map(f64::to_bits), Some(d.to_bits()));
                prop_assert!(text.contains('.') || text.contains('e'));
            } else {
                prop_assert_eq!(text, "null");
            }
            let text = line.split("\"f\":").nth(1).and_then(|r| r.split(',').next()).unwrap_or_default();
            if f.is_finite() {
                prop_assert_eq!(text.parse::<f32>().ok().map(f32::to_bits), Some(f.to_bits()));
            } else {
                prop_assert_eq!(text, "null");
            }
        }
    }
}
