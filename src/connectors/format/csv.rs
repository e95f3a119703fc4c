//! CSV (RFC 4180): the file's first line is a header naming the columns; every other line
//! is one row.
//!
//! Header columns are mapped to attributes once, at construction (exact name first, then
//! ignoring ASCII case), so a row costs one pass over its bytes. Quoted fields may contain
//! the delimiter and `""` for a quote; since the reader splits the file on `\n`, a quoted
//! field can never span lines and an unterminated quote is an error. Unquoted text is taken
//! as is, quotes included, as most CSV writers and readers do.
//!
//! Values: an empty unquoted field is NULL for every type; a quoted empty field is the
//! empty string for STRING and NULL otherwise. Numbers and booleans may be surrounded by
//! spaces or tabs; INT and LONG accept an optionally signed run of digits only, FLOAT and
//! DOUBLE anything Rust's float parser accepts (`1e3`, `.5`, `NaN`, `inf`), BOOL `true` or
//! `false` in any case. STRING takes the field's text unchanged.

use std::sync::Arc;

use memchr::memchr;

use super::{
    fast_json_decimal, fast_json_int, find_byte, integral_value, quote_for_message,
    scan_json_number, signed_magnitude, DecodeError, DecodeErrorKind, Decoder, Interner, MatchRank,
    NameIndex, Schema,
};
use crate::value::{DataType, Value};

/// Options of the CSV format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    pub delimiter: u8,
    pub quote: u8,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: b',',
            quote: b'"',
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes CSV rows of one schema, given the file's header line.
pub struct CsvDecoder {
    names: Vec<Arc<str>>,
    types: Vec<DataType>,
    /// Per header column: the attribute it fills, if any.
    column_attr: Vec<Option<usize>>,
    missing: Vec<String>,
    delimiter: u8,
    quote: u8,
    interner: Interner,
    /// Quoted fields with `""` inside are unescaped here.
    scratch: Vec<u8>,
}

impl CsvDecoder {
    /// Maps `header_line` (a BOM and a trailing `\r` are ignored) onto `schema`. Fails when
    /// the header is not valid CSV, is not UTF-8, or names one attribute twice; attributes
    /// the header lacks are NULL in every row and listed by [`CsvDecoder::missing_columns`].
    pub fn new(schema: &Schema, header_line: &[u8], opts: CsvOptions) -> Result<Self, String> {
        if opts.delimiter == opts.quote {
            return Err("CSV delimiter and quote character must differ".to_string());
        }
        if matches!(opts.delimiter, b'\n' | b'\r') || matches!(opts.quote, b'\n' | b'\r') {
            return Err("CSV delimiter and quote character cannot be line breaks".to_string());
        }
        let header = header_line.strip_prefix(UTF8_BOM).unwrap_or(header_line);
        let header = strip_cr(header);
        let mut fields: Vec<Vec<u8>> = Vec::new();
        let mut scratch = Vec::new();
        for_each_field(
            header,
            opts.delimiter,
            opts.quote,
            &mut scratch,
            |_, field, _| {
                fields.push(field.to_vec());
                Ok(())
            },
        )
        .map_err(|e| format!("CSV header: {}", e.message))?;

        let mut index = NameIndex::new(&schema.names);
        // Per attribute: the header column chosen so far and how well it matched.
        let mut chosen: Vec<Option<(usize, MatchRank)>> = vec![None; schema.len()];
        for (column, name) in fields.iter().enumerate() {
            let name = std::str::from_utf8(name)
                .map_err(|_| format!("CSV header: column {} is not valid UTF-8", column + 1))?;
            let Some((attr, rank)) = index.lookup(name.as_bytes()) else {
                continue;
            };
            match chosen[attr] {
                Some((_, r)) if r > rank => {}
                Some((other, r)) if r == rank => {
                    return Err(format!(
                        "CSV header: columns {} and {} both name attribute `{}`",
                        other + 1,
                        column + 1,
                        schema.names[attr]
                    ));
                }
                _ => chosen[attr] = Some((column, rank)),
            }
        }
        let mut column_attr = vec![None; fields.len()];
        let mut missing = Vec::new();
        for (attr, c) in chosen.iter().enumerate() {
            match c {
                Some((column, _)) => column_attr[*column] = Some(attr),
                None => missing.push(schema.names[attr].to_string()),
            }
        }
        Ok(CsvDecoder {
            names: schema.names.clone(),
            types: schema.types.clone(),
            column_attr,
            missing,
            delimiter: opts.delimiter,
            quote: opts.quote,
            interner: Interner::new(),
            scratch,
        })
    }

    /// Attributes of the schema that no header column names (they decode as NULL).
    pub fn missing_columns(&self) -> &[String] {
        &self.missing
    }
}

impl Decoder for CsvDecoder {
    fn decode(&mut self, line: &[u8], out: &mut Vec<Value>) -> Result<(), DecodeError> {
        let base = out.len();
        out.reserve(self.types.len());
        for _ in 0..self.types.len() {
            out.push(Value::Null);
        }
        let row = &mut out[base..];
        let line = strip_cr(line);
        let columns = self.column_attr.len();
        let (names, types, column_attr, interner) = (
            &self.names,
            &self.types,
            &self.column_attr,
            &mut self.interner,
        );
        let count = for_each_field(
            line,
            self.delimiter,
            self.quote,
            &mut self.scratch,
            |column, text, quoted| {
                let Some(&attr) = column_attr.get(column) else {
                    return Err(DecodeError::malformed(format!(
                        "CSV row has more than the header's {columns} fields"
                    )));
                };
                if let Some(attr) = attr {
                    row[attr] =
                        parse_field(interner, types[attr], text, quoted).map_err(|kind| {
                            field_error(kind, &names[attr], types[attr], column, text)
                        })?;
                }
                Ok(())
            },
        )?;
        if count != columns {
            return Err(DecodeError::malformed(format!(
                "CSV row has {count} fields, the header has {columns}"
            )));
        }
        Ok(())
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Splits `line` into fields, calling `f(column, text, quoted)` for each with quotes
/// removed and `""` unescaped; returns the number of fields.
#[inline]
fn for_each_field(
    line: &[u8],
    delimiter: u8,
    quote: u8,
    scratch: &mut Vec<u8>,
    mut f: impl FnMut(usize, &[u8], bool) -> Result<(), DecodeError>,
) -> Result<usize, DecodeError> {
    let mut i = 0;
    let mut column = 0;
    loop {
        let next = if line.get(i) == Some(&quote) {
            // Find the closing quote, gathering `""` escapes into `scratch` when present.
            let body = i + 1;
            let mut seg = body;
            let mut escaped = false;
            let close = loop {
                let Some(q) = memchr(quote, &line[seg..]).map(|p| seg + p) else {
                    return Err(DecodeError::malformed(format!(
                        "CSV field {} has an unterminated quote",
                        column + 1
                    )));
                };
                if line.get(q + 1) == Some(&quote) {
                    if !escaped {
                        scratch.clear();
                        escaped = true;
                    }
                    scratch.extend_from_slice(&line[seg..=q]);
                    seg = q + 2;
                } else {
                    break q;
                }
            };
            let text = if escaped {
                scratch.extend_from_slice(&line[seg..close]);
                &scratch[..]
            } else {
                &line[body..close]
            };
            f(column, text, true)?;
            match line.get(close + 1) {
                None => None,
                Some(&d) if d == delimiter => Some(close + 2),
                Some(_) => {
                    return Err(DecodeError::malformed(format!(
                        "CSV field {}: unexpected text after the closing quote",
                        column + 1
                    )));
                }
            }
        } else {
            // Fields are short: an inlined word scan beats a `memchr` call here.
            let rest = &line[i..];
            match find_byte(rest, delimiter) {
                Some(p) => {
                    f(column, &rest[..p], false)?;
                    Some(i + p + 1)
                }
                None => {
                    f(column, rest, false)?;
                    None
                }
            }
        };
        column += 1;
        match next {
            Some(n) => i = n,
            None => return Ok(column),
        }
    }
}

#[inline]
fn parse_field(
    interner: &mut Interner,
    ty: DataType,
    text: &[u8],
    quoted: bool,
) -> Result<Value, DecodeErrorKind> {
    if let DataType::String | DataType::Object = ty {
        if text.is_empty() && !quoted {
            return Ok(Value::Null);
        }
        return interner
            .intern(text)
            .map(Value::Str)
            .map_err(|_| DecodeErrorKind::Malformed);
    }
    let text = trim_blanks(text);
    if text.is_empty() {
        return Ok(Value::Null);
    }
    match ty {
        DataType::Int | DataType::Long => {
            if let Some((v, end)) = fast_json_int(text, 0) {
                if end == text.len() {
                    return integral_value(ty, v).ok_or(DecodeErrorKind::OutOfRange);
                }
            }
            let (negative, digits) = match text.split_first() {
                Some((b'-', rest)) => (true, rest),
                Some((b'+', rest)) => (false, rest),
                _ => (false, text),
            };
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return Err(DecodeErrorKind::WrongType);
            }
            let mut magnitude: u64 = 0;
            for &d in digits {
                magnitude = magnitude
                    .checked_mul(10)
                    .and_then(|m| m.checked_add(u64::from(d - b'0')))
                    .ok_or(DecodeErrorKind::OutOfRange)?;
            }
            signed_magnitude(negative, magnitude)
                .and_then(|v| integral_value(ty, v))
                .ok_or(DecodeErrorKind::OutOfRange)
        }
        DataType::Double => match fast_json_decimal(text, 0) {
            Some((v, end)) if end == text.len() => return Ok(Value::Double(v)),
            _ => match scan_json_number(text, 0) {
                Some(n) if n.end == text.len() => n.to_f64(text),
                _ => std::str::from_utf8(text).ok().and_then(|s| s.parse().ok()),
            },
        }
        .map(Value::Double)
        .ok_or(DecodeErrorKind::WrongType),
        DataType::Float => match scan_json_number(text, 0) {
            Some(n) if n.end == text.len() => n.to_f32(text),
            _ => std::str::from_utf8(text).ok().and_then(|s| s.parse().ok()),
        }
        .map(Value::Float)
        .ok_or(DecodeErrorKind::WrongType),
        DataType::Bool => {
            if text.eq_ignore_ascii_case(b"true") {
                Ok(Value::Bool(true))
            } else if text.eq_ignore_ascii_case(b"false") {
                Ok(Value::Bool(false))
            } else {
                Err(DecodeErrorKind::WrongType)
            }
        }
        DataType::String | DataType::Object => Err(DecodeErrorKind::WrongType),
    }
}

/// `trim_ascii`, with the untrimmed common case decided by two comparisons.
#[inline(always)]
fn trim_blanks(text: &[u8]) -> &[u8] {
    match (text.first(), text.last()) {
        (Some(&a), Some(&b)) if a > b' ' && b > b' ' => text,
        _ => text.trim_ascii(),
    }
}

fn field_error(
    kind: DecodeErrorKind,
    name: &str,
    ty: DataType,
    column: usize,
    text: &[u8],
) -> DecodeError {
    let column = column + 1;
    let message = match kind {
        DecodeErrorKind::OutOfRange => format!(
            "attribute `{name}` (CSV column {column}): {} is out of range for {ty}",
            quote_for_message(text.trim_ascii())
        ),
        DecodeErrorKind::Malformed => {
            format!("attribute `{name}` (CSV column {column}): text is not valid UTF-8")
        }
        _ => format!(
            "attribute `{name}` (CSV column {column}): expected {ty}, found {}",
            quote_for_message(text)
        ),
    };
    DecodeError::new(kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema::new(&[
            ("symbol", DataType::String),
            ("price", DataType::Double),
            ("volume", DataType::Long),
            ("ts", DataType::Long),
        ])
    }

    fn decoder(header: &str) -> CsvDecoder {
        match CsvDecoder::new(&schema(), header.as_bytes(), CsvOptions::default()) {
            Ok(d) => d,
            Err(e) => panic!("header {header:?} rejected: {e}"),
        }
    }

    fn row(d: &mut CsvDecoder, line: &str) -> Result<Vec<Value>, DecodeError> {
        let mut out = Vec::new();
        d.decode(line.as_bytes(), &mut out).map(|()| out)
    }

    fn kind(r: Result<Vec<Value>, DecodeError>) -> Option<DecodeErrorKind> {
        r.err().map(|e| e.kind)
    }

    fn one(ty: DataType, field: &str) -> Result<Value, DecodeErrorKind> {
        let s = Schema::new(&[("a", ty)]);
        let mut d = CsvDecoder::new(&s, b"a", CsvOptions::default())
            .map_err(|_| DecodeErrorKind::Malformed)?;
        let mut out = Vec::new();
        d.decode(field.as_bytes(), &mut out).map_err(|e| e.kind)?;
        Ok(out.swap_remove(0))
    }

    fn strict(r: Result<Value, DecodeErrorKind>) -> String {
        format!("{r:?}")
    }

    #[test]
    fn trade_rows() {
        let mut d = decoder("symbol,price,volume,ts");
        assert!(d.missing_columns().is_empty());
        assert_eq!(
            row(&mut d, "S0042,913.27,412,1700000000000"),
            Ok(vec![
                Value::str("S0042"),
                Value::Double(913.27),
                Value::Long(412),
                Value::Long(1_700_000_000_000)
            ])
        );
        assert_eq!(
            row(&mut d, "S1,1,2,3\r"),
            Ok(vec![
                Value::str("S1"),
                Value::Double(1.0),
                Value::Long(2),
                Value::Long(3)
            ])
        );
        assert_eq!(row(&mut d, ",,,"), Ok(vec![Value::Null; 4]));
    }

    #[test]
    fn header_mapping() {
        // Reordered, differently cased, with extra columns, BOM and CRLF.
        let mut d = decoder("\u{feff}TS,extra,\"Symbol\",price\r");
        assert_eq!(d.missing_columns(), &["volume".to_string()]);
        assert_eq!(
            row(&mut d, "5,zzz,A,1.5"),
            Ok(vec![
                Value::str("A"),
                Value::Double(1.5),
                Value::Null,
                Value::Long(5)
            ])
        );
        // Exact beats case-insensitive whatever the order.
        let s = Schema::new(&[("a", DataType::Long)]);
        let mut d = CsvDecoder::new(&s, b"A,a", CsvOptions::default()).map_err(|e| e.to_string());
        assert_eq!(
            d.as_mut().ok().map(|d| row(d, "1,2")),
            Some(Ok(vec![Value::Long(2)]))
        );
        assert!(CsvDecoder::new(&s, b"a,a", CsvOptions::default()).is_err());
        assert!(CsvDecoder::new(&s, b"A,A", CsvOptions::default()).is_err());
        assert!(CsvDecoder::new(&s, b"\"a", CsvOptions::default()).is_err());
        assert!(CsvDecoder::new(
            &s,
            b"a",
            CsvOptions {
                delimiter: b'"',
                quote: b'"'
            }
        )
        .is_err());
        let d = CsvDecoder::new(&s, b"", CsvOptions::default());
        assert_eq!(
            d.map(|d| d.missing_columns().to_vec()),
            Ok(vec!["a".to_string()])
        );
    }

    #[test]
    fn quoting() {
        let s = Schema::new(&[("a", DataType::String), ("b", DataType::String)]);
        let mut d = match CsvDecoder::new(&s, b"a,b", CsvOptions::default()) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        let strs = |v: &[&str]| v.iter().map(|s| Value::str(s)).collect::<Vec<_>>();
        assert_eq!(
            row(&mut d, r#""x,y","say ""hi""""#),
            Ok(strs(&["x,y", "say \"hi\""]))
        );
        assert_eq!(row(&mut d, "\"\"\"\",x"), Ok(strs(&["\"", "x"])));
        assert_eq!(row(&mut d, "x,"), Ok(vec![Value::str("x"), Value::Null]));
        assert_eq!(row(&mut d, r#""",x"#), Ok(strs(&["", "x"])));
        assert_eq!(row(&mut d, r#"a"b,c"#), Ok(strs(&["a\"b", "c"])));
        assert_eq!(row(&mut d, " a , b "), Ok(strs(&[" a ", " b "])));
        assert_eq!(row(&mut d, "é,😀"), Ok(strs(&["é", "😀"])));
        assert_eq!(
            kind(row(&mut d, r#""abc,d"#)),
            Some(DecodeErrorKind::Malformed)
        );
        assert_eq!(
            kind(row(&mut d, r#""ab"c,d"#)),
            Some(DecodeErrorKind::Malformed)
        );
        assert_eq!(kind(row(&mut d, "a")), Some(DecodeErrorKind::Malformed));
        assert_eq!(kind(row(&mut d, "a,b,c")), Some(DecodeErrorKind::Malformed));
        assert_eq!(kind(row(&mut d, "")), Some(DecodeErrorKind::Malformed));
        let mut out = Vec::new();
        assert_eq!(
            d.decode(b"\xff,a", &mut out).err().map(|e| e.kind),
            Some(DecodeErrorKind::Malformed)
        );
    }

    #[test]
    fn other_delimiter_and_quote() {
        let s = Schema::new(&[("a", DataType::String), ("b", DataType::Long)]);
        let opts = CsvOptions {
            delimiter: b';',
            quote: b'\'',
        };
        let mut d = match CsvDecoder::new(&s, b"'a';b", opts) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            row(&mut d, "'x;''y''';7"),
            Ok(vec![Value::str("x;'y'"), Value::Long(7)])
        );
        assert_eq!(
            row(&mut d, "x,y;7"),
            Ok(vec![Value::str("x,y"), Value::Long(7)])
        );
    }

    #[test]
    fn typed_values() {
        assert_eq!(strict(one(DataType::Int, "42")), strict(Ok(Value::Int(42))));
        assert_eq!(
            strict(one(DataType::Int, " -42 ")),
            strict(Ok(Value::Int(-42)))
        );
        assert_eq!(strict(one(DataType::Int, "+7")), strict(Ok(Value::Int(7))));
        assert_eq!(strict(one(DataType::Int, "007")), strict(Ok(Value::Int(7))));
        assert_eq!(
            one(DataType::Int, "2147483648"),
            Err(DecodeErrorKind::OutOfRange)
        );
        assert_eq!(
            one(DataType::Long, "-9223372036854775808"),
            Ok(Value::Long(i64::MIN))
        );
        assert_eq!(
            one(DataType::Long, "9223372036854775808"),
            Err(DecodeErrorKind::OutOfRange)
        );
        assert_eq!(
            one(DataType::Long, "99999999999999999999999"),
            Err(DecodeErrorKind::OutOfRange)
        );
        assert_eq!(one(DataType::Long, "5.0"), Err(DecodeErrorKind::WrongType));
        assert_eq!(one(DataType::Long, "-"), Err(DecodeErrorKind::WrongType));
        assert_eq!(one(DataType::Long, "1 2"), Err(DecodeErrorKind::WrongType));
        assert_eq!(one(DataType::Long, ""), Ok(Value::Null));
        assert_eq!(one(DataType::Long, "\"\""), Ok(Value::Null));
        assert_eq!(one(DataType::Long, "\"12\""), Ok(Value::Long(12)));
        assert_eq!(
            strict(one(DataType::Double, "12")),
            strict(Ok(Value::Double(12.0)))
        );
        assert_eq!(one(DataType::Double, ".5"), Ok(Value::Double(0.5)));
        assert_eq!(one(DataType::Double, "+1e3"), Ok(Value::Double(1000.0)));
        assert_eq!(
            one(DataType::Double, "-Infinity"),
            Ok(Value::Double(f64::NEG_INFINITY))
        );
        assert!(matches!(one(DataType::Double, "NaN"), Ok(Value::Double(v)) if v.is_nan()));
        assert_eq!(
            one(DataType::Double, "abc"),
            Err(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            strict(one(DataType::Float, "0.1")),
            strict(Ok(Value::Float(0.1)))
        );
        assert_eq!(one(DataType::Bool, "TRUE"), Ok(Value::Bool(true)));
        assert_eq!(one(DataType::Bool, " False"), Ok(Value::Bool(false)));
        assert_eq!(one(DataType::Bool, "yes"), Err(DecodeErrorKind::WrongType));
        assert_eq!(one(DataType::String, ""), Ok(Value::Null));
        assert_eq!(one(DataType::String, "\"\""), Ok(Value::str("")));
    }

    #[test]
    fn error_messages_name_the_attribute() {
        let mut d = decoder("symbol,price,volume,ts");
        let e = row(&mut d, "S,abc,1,2").err().map(|e| e.message);
        assert_eq!(
            e.as_deref(),
            Some("attribute `price` (CSV column 2): expected DOUBLE, found \"abc\"")
        );
        let e = row(&mut d, "S,1,1,2,3").err().map(|e| e.message);
        assert_eq!(
            e.as_deref(),
            Some("CSV row has more than the header's 4 fields")
        );
    }

    #[test]
    fn floats_match_std_parse() {
        for t in [
            "913.27",
            "1e-7",
            "123456789012345678901234567890",
            "2.2250738585072011e-308",
            "1.",
            "+.5e1",
            "inf",
        ] {
            let want = t.parse::<f64>().ok().map(Value::Double);
            assert_eq!(one(DataType::Double, t).ok(), want, "{t}");
        }
    }
}
