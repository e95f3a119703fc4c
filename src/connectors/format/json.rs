//! JSON lines: one flat object per line, keyed by attribute name.
//!
//! A hand-written byte scanner specialised to one schema. Field names are matched against
//! the attribute the previous field's successor would be (inputs almost always keep one
//! field order), so the usual cost of a key is one `memcmp`; other names go through a hash
//! lookup, exact first and then ignoring ASCII case. Values are parsed straight into the
//! row slot of their attribute; fields the schema does not name are skipped but still
//! validated, so a line is accepted only if it is valid JSON (RFC 8259).
//!
//! Error precedence: a syntax error anywhere in the line wins over a type error, so the
//! kind reported does not depend on field order; type errors of a field that a later
//! duplicate overrides (last wins) are forgotten with the value.

use std::sync::Arc;

use super::{
    bytes_eq, fast_json_decimal, fast_json_int, integral_value, quote_for_message,
    scan_json_number, DecodeError, DecodeErrorKind, Decoder, Interner, MatchRank, NameIndex,
    Schema,
};
use crate::value::{DataType, Str, Value};

/// Options of the JSON format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonOptions {
    /// `false` (the default, as in Flink's JSON format): an absent attribute is NULL.
    /// `true`: it is a [`DecodeErrorKind::Missing`] error.
    pub fail_on_missing: bool,
}

/// Nesting deeper than this in a skipped value is rejected instead of risking the stack
/// (the same limit serde_json applies).
const MAX_DEPTH: u32 = 128;

/// Bytes that end the fast scan of a string body: the closing quote, an escape, or a
/// control character (which JSON forbids unescaped).
const STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Decodes JSON lines into rows of one schema. Keeps scratch buffers and a string intern
/// cache between lines, so use one decoder per reading thread.
pub struct JsonDecoder {
    names: Vec<Arc<str>>,
    types: Vec<DataType>,
    /// The attribute's name when it can be compared with a raw key byte for byte (it has
    /// no character that JSON would have to escape).
    raw_names: Vec<Option<Box<[u8]>>>,
    index: NameIndex,
    interner: Interner,
    fail_on_missing: bool,
    /// Per attribute: 0 when not seen in this line, else the `MatchRank` it was seen with.
    seen: Vec<u8>,
    /// Type errors found so far in this line, in field order; reported only once the line
    /// has proven syntactically valid.
    pending: Vec<(usize, DecodeError)>,
    /// Unescaped string values and keys.
    scratch: Vec<u8>,
}

impl JsonDecoder {
    pub fn new(schema: &Schema, opts: JsonOptions) -> Self {
        let raw_names = schema
            .names
            .iter()
            .map(|n| {
                let plain = n.bytes().all(|b| !STRING_STOP[usize::from(b)]);
                plain.then(|| n.as_bytes().into())
            })
            .collect();
        JsonDecoder {
            names: schema.names.clone(),
            types: schema.types.clone(),
            raw_names,
            index: NameIndex::new(&schema.names),
            interner: Interner::new(),
            fail_on_missing: opts.fail_on_missing,
            seen: vec![0; schema.types.len()],
            pending: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Matches the key whose body starts at `i` (after the opening quote). Returns the
    /// attribute it names, if any, and the index after the closing quote.
    fn match_key(
        &mut self,
        line: &[u8],
        i: usize,
    ) -> Result<(Option<(usize, MatchRank)>, usize), DecodeError> {
        let stop = scan_plain(line, i);
        let (end, escaped) = match line.get(stop) {
            Some(b'"') => (stop + 1, false),
            Some(b'\\') => {
                self.scratch.clear();
                self.scratch.extend_from_slice(&line[i..stop]);
                (unescape_rest(line, stop, &mut self.scratch)?, true)
            }
            _ => return Err(bad_string_end(line, stop)),
        };
        let key: &[u8] = if escaped {
            &self.scratch
        } else {
            &line[i..end - 1]
        };
        let found = self.index.lookup(key);
        // A key that names an attribute equals a valid name (up to ASCII case); any other
        // key still has to be valid UTF-8 for the line to be JSON.
        if found.is_none() && std::str::from_utf8(key).is_err() {
            return Err(invalid_utf8(i));
        }
        Ok((found, end))
    }

    /// Parses the value at `i` for attribute `col` into `slot`; returns the index after it.
    /// The usual cases (a value of the attribute's own type) are handled inline; anything
    /// else, errors included, goes through [`JsonDecoder::any_value`].
    #[inline(always)]
    fn value(
        &mut self,
        line: &[u8],
        i: usize,
        col: usize,
        slot: &mut Value,
    ) -> Result<usize, DecodeError> {
        let ty = self.types[col];
        let fast = match (ty, line.get(i)) {
            (DataType::String, Some(b'"')) => {
                let stop = scan_plain(line, i + 1);
                match (line.get(stop), self.interner.intern(&line[i + 1..stop])) {
                    (Some(b'"'), Ok(s)) => Some((Value::Str(s), stop + 1)),
                    _ => None,
                }
            }
            (DataType::Long, Some(b'-' | b'0'..=b'9')) => {
                fast_json_int(line, i).map(|(v, end)| (Value::Long(v), end))
            }
            (DataType::Int, Some(b'-' | b'0'..=b'9')) => fast_json_int(line, i)
                .and_then(|(v, end)| Some((Value::Int(i32::try_from(v).ok()?), end))),
            (DataType::Double, Some(b'-' | b'0'..=b'9')) => {
                fast_json_decimal(line, i).map(|(v, end)| (Value::Double(v), end))
            }
            _ => None,
        };
        match fast {
            Some((v, end)) => {
                *slot = v;
                if !self.pending.is_empty() {
                    self.pending.retain(|(c, _)| *c != col);
                }
                Ok(end)
            }
            None => self.any_value(line, i, col, slot),
        }
    }

    /// Every value for every type, with the type checks and error messages.
    #[inline(never)]
    fn any_value(
        &mut self,
        line: &[u8],
        i: usize,
        col: usize,
        slot: &mut Value,
    ) -> Result<usize, DecodeError> {
        let ty = self.types[col];
        let Some(&first) = line.get(i) else {
            return Err(expected(line, i, "a value"));
        };
        let (parsed, end) = match first {
            b'"' => {
                if matches!(ty, DataType::String | DataType::Object) {
                    let (s, end) = self.string(line, i + 1)?;
                    (Ok(Value::Str(s)), end)
                } else {
                    let end = skip_string(line, i + 1)?;
                    (Err(self.wrong_type(col, &line[i..end])), end)
                }
            }
            b'-' | b'0'..=b'9' => {
                let Some(num) = scan_json_number(line, i) else {
                    return Err(expected(line, i, "a number"));
                };
                let text = &line[i..num.end];
                let v = match ty {
                    DataType::Int | DataType::Long => {
                        if !num.integer {
                            Err(self.wrong_type(col, text))
                        } else {
                            num.to_i64()
                                .and_then(|v| integral_value(ty, v))
                                .ok_or_else(|| self.out_of_range(col, text))
                        }
                    }
                    DataType::Double => num
                        .to_f64(text)
                        .map(Value::Double)
                        .ok_or_else(|| self.wrong_type(col, text)),
                    DataType::Float => num
                        .to_f32(text)
                        .map(Value::Float)
                        .ok_or_else(|| self.wrong_type(col, text)),
                    DataType::Object => match num.to_i64().filter(|_| num.integer) {
                        Some(v) => Ok(Value::Long(v)),
                        None => num
                            .to_f64(text)
                            .map(Value::Double)
                            .ok_or_else(|| self.wrong_type(col, text)),
                    },
                    DataType::String | DataType::Bool => Err(self.wrong_type(col, text)),
                };
                (v, num.end)
            }
            b't' | b'f' => {
                let (b, end) = literal_bool(line, i)?;
                let v = if matches!(ty, DataType::Bool | DataType::Object) {
                    Ok(Value::Bool(b))
                } else {
                    Err(self.wrong_type(col, &line[i..end]))
                };
                (v, end)
            }
            b'n' => (Ok(Value::Null), literal(line, i, b"null")?),
            b'{' | b'[' => {
                let end = skip_value(line, i, 0)?;
                (Err(self.wrong_type(col, &line[i..end])), end)
            }
            _ => return Err(expected(line, i, "a value")),
        };
        if !self.pending.is_empty() {
            self.pending.retain(|(c, _)| *c != col);
        }
        match parsed {
            Ok(v) => *slot = v,
            Err(e) => {
                *slot = Value::Null;
                self.pending.push((col, e));
            }
        }
        Ok(end)
    }

    /// A string value whose body starts at `i`, interned.
    #[inline]
    fn string(&mut self, line: &[u8], i: usize) -> Result<(Str, usize), DecodeError> {
        let stop = scan_plain(line, i);
        match line.get(stop) {
            Some(b'"') => {
                let s = self
                    .interner
                    .intern(&line[i..stop])
                    .map_err(|_| invalid_utf8(i))?;
                Ok((s, stop + 1))
            }
            Some(b'\\') => {
                self.scratch.clear();
                self.scratch.extend_from_slice(&line[i..stop]);
                let end = unescape_rest(line, stop, &mut self.scratch)?;
                let s = self
                    .interner
                    .intern(&self.scratch)
                    .map_err(|_| invalid_utf8(i))?;
                Ok((s, end))
            }
            _ => Err(bad_string_end(line, stop)),
        }
    }

    fn wrong_type(&self, col: usize, text: &[u8]) -> DecodeError {
        DecodeError::new(
            DecodeErrorKind::WrongType,
            format!(
                "attribute `{}`: expected {}, found {}",
                self.names[col],
                self.types[col].sql_name(),
                describe_json(text)
            ),
        )
    }

    fn out_of_range(&self, col: usize, text: &[u8]) -> DecodeError {
        DecodeError::new(
            DecodeErrorKind::OutOfRange,
            format!(
                "attribute `{}`: {} is out of range for {}",
                self.names[col],
                String::from_utf8_lossy(text),
                self.types[col].sql_name()
            ),
        )
    }
}

impl Decoder for JsonDecoder {
    fn decode(&mut self, line: &[u8], out: &mut Vec<Value>) -> Result<(), DecodeError> {
        let n = self.types.len();
        let base = out.len();
        // A plain loop: `resize_with` is not inlined and costs more than the pushes.
        out.reserve(n);
        for _ in 0..n {
            out.push(Value::Null);
        }
        let row = &mut out[base..];
        self.seen.fill(0);
        self.pending.clear();

        let mut i = skip_ws(line, 0);
        match line.get(i) {
            Some(b'{') => i = skip_ws(line, i + 1),
            None => return Err(DecodeError::malformed("empty line: expected a JSON object")),
            Some(_) => return Err(expected(line, i, "a JSON object")),
        }
        // The attribute the next key most likely names.
        let mut guess = 0;
        if line.get(i) == Some(&b'}') {
            i += 1;
        } else {
            loop {
                if line.get(i) != Some(&b'"') {
                    return Err(expected(line, i, "a field name in double quotes"));
                }
                i += 1;
                let mut matched = None;
                if let Some(Some(name)) = self.raw_names.get(guess) {
                    let end = i + name.len();
                    if line.get(end) == Some(&b'"') && bytes_eq(&line[i..end], name) {
                        matched = Some((guess, MatchRank::Exact));
                        i = end + 1;
                    }
                }
                if matched.is_none() {
                    (matched, i) = self.match_key(line, i)?;
                }
                i = skip_ws(line, i);
                if line.get(i) != Some(&b':') {
                    return Err(expected(line, i, "':' after a field name"));
                }
                i = skip_ws(line, i + 1);
                match matched {
                    // Last wins among equals; an exact match is never overridden by a
                    // case-insensitive one.
                    Some((col, rank)) if rank as u8 >= self.seen[col] => {
                        self.seen[col] = rank as u8;
                        guess = col + 1;
                        i = self.value(line, i, col, &mut row[col])?;
                    }
                    _ => i = skip_value(line, i, 0)?,
                }
                i = skip_ws(line, i);
                match line.get(i) {
                    Some(b',') => i = skip_ws(line, i + 1),
                    Some(b'}') => {
                        i += 1;
                        break;
                    }
                    _ => return Err(expected(line, i, "',' or '}'")),
                }
            }
        }
        i = skip_ws(line, i);
        if i != line.len() {
            return Err(DecodeError::malformed(format!(
                "malformed JSON at byte {i}: unexpected {} after the object",
                found(line, i)
            )));
        }
        if !self.pending.is_empty() {
            return Err(self.pending.swap_remove(0).1);
        }
        if self.fail_on_missing {
            if let Some(col) = self.seen.iter().position(|&s| s == 0) {
                return Err(DecodeError::new(
                    DecodeErrorKind::Missing,
                    format!("attribute `{}` is missing", self.names[col]),
                ));
            }
        }
        Ok(())
    }
}

#[inline(always)]
fn skip_ws(line: &[u8], mut i: usize) -> usize {
    // Compact lines have no whitespace: one comparison decides.
    if let Some(&b) = line.get(i) {
        if b > b' ' {
            return i;
        }
    }
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = line.get(i) {
        i += 1;
    }
    i
}

/// Index of the first byte at or after `i` that ends a string's plain run.
#[inline]
fn scan_plain(line: &[u8], mut i: usize) -> usize {
    while let Some(&b) = line.get(i) {
        if STRING_STOP[usize::from(b)] {
            break;
        }
        i += 1;
    }
    i
}

fn bad_string_end(line: &[u8], stop: usize) -> DecodeError {
    match line.get(stop) {
        None => DecodeError::malformed("malformed JSON: unterminated string"),
        Some(&b) => DecodeError::malformed(format!(
            "malformed JSON at byte {stop}: control character 0x{b:02x} in a string must be escaped"
        )),
    }
}

fn invalid_utf8(i: usize) -> DecodeError {
    DecodeError::malformed(format!(
        "malformed JSON: string at byte {i} is not valid UTF-8"
    ))
}

/// Unescapes from `i` (at a backslash or plain text) to the closing quote, appending to
/// `out`; returns the index after the closing quote.
fn unescape_rest(line: &[u8], mut i: usize, out: &mut Vec<u8>) -> Result<usize, DecodeError> {
    loop {
        let stop = scan_plain(line, i);
        out.extend_from_slice(&line[i..stop]);
        match line.get(stop) {
            Some(b'"') => return Ok(stop + 1),
            Some(b'\\') => {
                let (c, next) = decode_escape(line, stop)?;
                let mut utf8 = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                i = next;
            }
            _ => return Err(bad_string_end(line, stop)),
        }
    }
}

/// Decodes the escape at `i` (a backslash); returns the character and the index after it.
fn decode_escape(line: &[u8], i: usize) -> Result<(char, usize), DecodeError> {
    let c = match line.get(i + 1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => {
            let high = hex4(line, i + 2)?;
            if (0xDC00..0xE000).contains(&high) {
                return Err(bad_escape(i, "unpaired low surrogate"));
            }
            if !(0xD800..0xDC00).contains(&high) {
                let c = char::from_u32(high).ok_or_else(|| bad_escape(i, "invalid code point"))?;
                return Ok((c, i + 6));
            }
            if line.get(i + 6) != Some(&b'\\') || line.get(i + 7) != Some(&b'u') {
                return Err(bad_escape(i, "unpaired high surrogate"));
            }
            let low = hex4(line, i + 8)?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(bad_escape(i, "unpaired high surrogate"));
            }
            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            let c = char::from_u32(code).ok_or_else(|| bad_escape(i, "invalid code point"))?;
            return Ok((c, i + 12));
        }
        _ => return Err(bad_escape(i, "unknown escape")),
    };
    Ok((c, i + 2))
}

fn hex4(line: &[u8], i: usize) -> Result<u32, DecodeError> {
    let digits = line
        .get(i..i + 4)
        .ok_or_else(|| bad_escape(i, "truncated \\u escape"))?;
    let mut v = 0;
    for &d in digits {
        let h = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return Err(bad_escape(i, "bad hex digit in \\u escape")),
        };
        v = v * 16 + u32::from(h);
    }
    Ok(v)
}

fn bad_escape(i: usize, what: &str) -> DecodeError {
    DecodeError::malformed(format!("malformed JSON at byte {i}: {what} in string"))
}

/// Validates the string whose body starts at `i`; returns the index after it.
fn skip_string(line: &[u8], i: usize) -> Result<usize, DecodeError> {
    let mut j = i;
    loop {
        j = scan_plain(line, j);
        match line.get(j) {
            Some(b'"') => break,
            Some(b'\\') => j = decode_escape(line, j)?.1,
            _ => return Err(bad_string_end(line, j)),
        }
    }
    // Escapes are ASCII and cannot split a UTF-8 sequence, so the raw body is valid UTF-8
    // exactly when the unescaped string is.
    std::str::from_utf8(&line[i..j]).map_err(|_| invalid_utf8(i))?;
    Ok(j + 1)
}

fn literal(line: &[u8], i: usize, word: &[u8]) -> Result<usize, DecodeError> {
    if line.get(i..i + word.len()) == Some(word) {
        Ok(i + word.len())
    } else {
        Err(expected(line, i, "a value"))
    }
}

fn literal_bool(line: &[u8], i: usize) -> Result<(bool, usize), DecodeError> {
    if line.get(i) == Some(&b't') {
        Ok((true, literal(line, i, b"true")?))
    } else {
        Ok((false, literal(line, i, b"false")?))
    }
}

/// Validates any JSON value at `i`; returns the index after it.
fn skip_value(line: &[u8], i: usize, depth: u32) -> Result<usize, DecodeError> {
    match line.get(i) {
        Some(b'"') => skip_string(line, i + 1),
        Some(b't' | b'f') => literal_bool(line, i).map(|(_, end)| end),
        Some(b'n') => literal(line, i, b"null"),
        Some(b'-' | b'0'..=b'9') => scan_json_number(line, i)
            .map(|n| n.end)
            .ok_or_else(|| expected(line, i, "a number")),
        Some(open @ (b'{' | b'[')) => {
            if depth >= MAX_DEPTH {
                return Err(DecodeError::malformed(format!(
                    "malformed JSON at byte {i}: nested deeper than {MAX_DEPTH} levels"
                )));
            }
            let (close, is_object) = if *open == b'{' {
                (b'}', true)
            } else {
                (b']', false)
            };
            let mut j = skip_ws(line, i + 1);
            if line.get(j) == Some(&close) {
                return Ok(j + 1);
            }
            loop {
                if is_object {
                    if line.get(j) != Some(&b'"') {
                        return Err(expected(line, j, "a field name in double quotes"));
                    }
                    j = skip_ws(line, skip_string(line, j + 1)?);
                    if line.get(j) != Some(&b':') {
                        return Err(expected(line, j, "':' after a field name"));
                    }
                    j = skip_ws(line, j + 1);
                }
                j = skip_ws(line, skip_value(line, j, depth + 1)?);
                match line.get(j) {
                    Some(b',') => j = skip_ws(line, j + 1),
                    Some(&b) if b == close => return Ok(j + 1),
                    _ => {
                        let want = if is_object {
                            "',' or '}'"
                        } else {
                            "',' or ']'"
                        };
                        return Err(expected(line, j, want));
                    }
                }
            }
        }
        _ => Err(expected(line, i, "a value")),
    }
}

fn found(line: &[u8], i: usize) -> String {
    match line.get(i) {
        None => "end of line".to_string(),
        Some(&b) if b.is_ascii_graphic() || b == b' ' => format!("'{}'", char::from(b)),
        Some(&b) => format!("byte 0x{b:02x}"),
    }
}

fn expected(line: &[u8], i: usize, what: &str) -> DecodeError {
    DecodeError::malformed(format!(
        "malformed JSON at byte {i}: expected {what}, found {}",
        found(line, i)
    ))
}

/// Names a well-formed JSON value for a type error.
fn describe_json(text: &[u8]) -> String {
    match text.first() {
        Some(b'"') => {
            let body = &text[1..text.len().saturating_sub(1).max(1)];
            format!("string {}", quote_for_message(body))
        }
        Some(b'{') => "an object".to_string(),
        Some(b'[') => "an array".to_string(),
        Some(b't' | b'f') => format!("boolean {}", String::from_utf8_lossy(text)),
        _ => format!("number {}", String::from_utf8_lossy(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn schema() -> Schema {
        Schema::new(&[
            ("symbol", DataType::String),
            ("price", DataType::Double),
            ("volume", DataType::Long),
            ("ts", DataType::Long),
        ])
    }

    fn decode_with(
        schema: &Schema,
        opts: JsonOptions,
        line: &str,
    ) -> Result<Vec<Value>, DecodeError> {
        let mut d = JsonDecoder::new(schema, opts);
        let mut out = Vec::new();
        d.decode(line.as_bytes(), &mut out).map(|()| out)
    }

    fn one(ty: DataType, value: &str) -> Result<Value, DecodeError> {
        let s = Schema::new(&[("a", ty)]);
        let row = decode_with(&s, JsonOptions::default(), &format!("{{\"a\":{value}}}"))?;
        assert_eq!(row.len(), 1);
        Ok(row[0].clone())
    }

    fn kind(r: Result<Value, DecodeError>) -> Option<DecodeErrorKind> {
        r.err().map(|e| e.kind)
    }

    fn strict(v: Value) -> (Option<DataType>, String) {
        // Value's PartialEq compares numbers across types; tests want the exact variant.
        (v.data_type(), format!("{v:?}"))
    }

    #[test]
    fn trade_line() {
        let row = decode_with(
            &schema(),
            JsonOptions::default(),
            r#"{"symbol":"S0042","price":913.27,"volume":412,"ts":1700000000000}"#,
        );
        let row = row.map(|r| r.into_iter().map(strict).collect::<Vec<_>>());
        let want = vec![
            Value::str("S0042"),
            Value::Double(913.27),
            Value::Long(412),
            Value::Long(1_700_000_000_000),
        ];
        assert_eq!(row, Ok(want.into_iter().map(strict).collect()));
    }

    #[test]
    fn any_order_whitespace_extra_fields_and_case() {
        let row = decode_with(
            &schema(),
            JsonOptions::default(),
            " \t{ \"TS\" : 5 ,\"extra\":{\"x\":[1,2,{\"y\":null}],\"z\":\"\\u00e9\"}, \"Symbol\":\"A\",\n\"price\": -1.5e2 } \r",
        );
        assert_eq!(
            row,
            Ok(vec![
                Value::str("A"),
                Value::Double(-150.0),
                Value::Null,
                Value::Long(5)
            ])
        );
    }

    #[test]
    fn missing_is_null_or_error() {
        let line = r#"{"symbol":"A","price":null}"#;
        assert_eq!(
            decode_with(&schema(), JsonOptions::default(), line),
            Ok(vec![Value::str("A"), Value::Null, Value::Null, Value::Null])
        );
        let err = decode_with(
            &schema(),
            JsonOptions {
                fail_on_missing: true,
            },
            line,
        );
        assert_eq!(
            err.as_ref().err().map(|e| e.kind),
            Some(DecodeErrorKind::Missing)
        );
        assert_eq!(
            err.err().map(|e| e.message),
            Some("attribute `volume` is missing".to_string())
        );
        // Present-but-null is not missing.
        let all = r#"{"symbol":null,"price":null,"volume":null,"ts":null}"#;
        assert!(decode_with(
            &schema(),
            JsonOptions {
                fail_on_missing: true
            },
            all
        )
        .is_ok());
    }

    #[test]
    fn integers_are_strict_and_range_checked() {
        assert_eq!(
            one(DataType::Int, "2147483647").ok().map(strict),
            Some(strict(Value::Int(i32::MAX)))
        );
        assert_eq!(
            one(DataType::Int, "-2147483648").ok().map(strict),
            Some(strict(Value::Int(i32::MIN)))
        );
        assert_eq!(
            kind(one(DataType::Int, "2147483648")),
            Some(DecodeErrorKind::OutOfRange)
        );
        assert_eq!(
            kind(one(DataType::Long, "9223372036854775808")),
            Some(DecodeErrorKind::OutOfRange)
        );
        assert_eq!(
            kind(one(DataType::Long, "123456789012345678901234")),
            Some(DecodeErrorKind::OutOfRange)
        );
        assert_eq!(
            one(DataType::Long, "-9223372036854775808").ok(),
            Some(Value::Long(i64::MIN))
        );
        assert_eq!(
            kind(one(DataType::Int, "5.0")),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            kind(one(DataType::Int, "5e0")),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            kind(one(DataType::Long, "\"5\"")),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            kind(one(DataType::Long, "true")),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            kind(one(DataType::Long, "05")),
            Some(DecodeErrorKind::Malformed)
        );
        assert_eq!(
            kind(one(DataType::Long, "+5")),
            Some(DecodeErrorKind::Malformed)
        );
        assert_eq!(
            kind(one(DataType::Long, "-")),
            Some(DecodeErrorKind::Malformed)
        );
        assert_eq!(one(DataType::Long, "-0").ok(), Some(Value::Long(0)));
    }

    #[test]
    fn floats_accept_any_number() {
        assert_eq!(
            one(DataType::Double, "7").ok().map(strict),
            Some(strict(Value::Double(7.0)))
        );
        assert_eq!(
            one(DataType::Double, "0.1").ok().map(strict),
            Some(strict(Value::Double(0.1)))
        );
        assert_eq!(
            one(DataType::Float, "0.1").ok().map(strict),
            Some(strict(Value::Float(0.1)))
        );
        assert_eq!(
            one(DataType::Double, "1e400").ok(),
            Some(Value::Double(f64::INFINITY))
        );
        assert_eq!(
            kind(one(DataType::Double, "\"1.5\"")),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            kind(one(DataType::Double, "1.")),
            Some(DecodeErrorKind::Malformed)
        );
        assert_eq!(
            kind(one(DataType::Double, ".5")),
            Some(DecodeErrorKind::Malformed)
        );
        assert_eq!(
            kind(one(DataType::Double, "NaN")),
            Some(DecodeErrorKind::Malformed)
        );
        let e = one(DataType::Double, "\"abc\"").err().map(|e| e.message);
        assert_eq!(
            e.as_deref(),
            Some("attribute `a`: expected DOUBLE, found string \"abc\"")
        );
    }

    #[test]
    fn strings_and_escapes() {
        let s = |v: &str| one(DataType::String, v).ok();
        assert_eq!(s(r#""plain""#), Some(Value::str("plain")));
        assert_eq!(s(r#""""#), Some(Value::str("")));
        assert_eq!(
            s(r#""a\"b\\c\/d\n\t\r\b\f""#),
            Some(Value::str("a\"b\\c/d\n\t\r\u{8}\u{c}"))
        );
        assert_eq!(s(r#""\u00e9\u4E2D""#), Some(Value::str("é中")));
        assert_eq!(s(r#""\ud83d\ude00!""#), Some(Value::str("😀!")));
        assert_eq!(s("\"héllo 😀\""), Some(Value::str("héllo 😀")));
        for bad in [
            r#""\ud83d""#,
            r#""\ud83dx""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            "\"a\tb\"",
            "\"abc",
            "\"abc\\",
        ] {
            assert_eq!(
                kind(one(DataType::String, bad)),
                Some(DecodeErrorKind::Malformed),
                "{bad}"
            );
        }
        assert_eq!(
            kind(one(DataType::String, "5")),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            kind(one(DataType::String, "{}")),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            kind(one(DataType::String, "[1]")),
            Some(DecodeErrorKind::WrongType)
        );
    }

    #[test]
    fn invalid_utf8_is_malformed() {
        let s = Schema::new(&[("a", DataType::String)]);
        let mut d = JsonDecoder::new(&s, JsonOptions::default());
        let mut out = Vec::new();
        for line in [
            &b"{\"a\":\"\xff\"}"[..],
            b"{\"b\":\"\xc3\"}",
            b"{\"\xff\":1}",
            b"{\"a\":\"x\\n\xff\"}",
        ] {
            out.clear();
            assert_eq!(
                d.decode(line, &mut out).err().map(|e| e.kind),
                Some(DecodeErrorKind::Malformed)
            );
        }
    }

    #[test]
    fn bools_and_nesting() {
        assert_eq!(one(DataType::Bool, "true").ok(), Some(Value::Bool(true)));
        assert_eq!(one(DataType::Bool, "false").ok(), Some(Value::Bool(false)));
        assert_eq!(
            kind(one(DataType::Bool, "\"true\"")),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            kind(one(DataType::Bool, "1")),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            kind(one(DataType::Bool, "tru")),
            Some(DecodeErrorKind::Malformed)
        );
        assert_eq!(
            kind(one(DataType::Bool, "{\"x\":1}")),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(
            kind(one(DataType::Bool, "{\"x\":1")),
            Some(DecodeErrorKind::Malformed)
        );
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            kind(one(DataType::Bool, &deep)),
            Some(DecodeErrorKind::Malformed)
        );
        let ok_deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(
            kind(one(DataType::Bool, &ok_deep)),
            Some(DecodeErrorKind::WrongType)
        );
    }

    #[test]
    fn malformed_lines() {
        for line in [
            "",
            "   ",
            "[]",
            "5",
            "{",
            "{\"symbol\"",
            "{\"symbol\":",
            "{\"symbol\":\"A\"",
            "{\"symbol\":\"A\",}",
            "{\"symbol\" \"A\"}",
            "{symbol:\"A\"}",
            "{\"symbol\":\"A\"} x",
            "{\"symbol\":\"A\"}{}",
            "{\"price\":1 2}",
            "{\"x\":[1,]}",
            "{\"x\":{\"a\" 1}}",
        ] {
            let r = decode_with(&schema(), JsonOptions::default(), line);
            assert_eq!(
                r.err().map(|e| e.kind),
                Some(DecodeErrorKind::Malformed),
                "{line:?}"
            );
        }
        assert!(decode_with(&schema(), JsonOptions::default(), "{}").is_ok());
        assert!(decode_with(&schema(), JsonOptions::default(), "{}\r").is_ok());
    }

    #[test]
    fn syntax_errors_win_over_type_errors() {
        let r = decode_with(
            &schema(),
            JsonOptions::default(),
            r#"{"price":"x","volume":1"#,
        );
        assert_eq!(r.err().map(|e| e.kind), Some(DecodeErrorKind::Malformed));
        let r = decode_with(
            &schema(),
            JsonOptions {
                fail_on_missing: true,
            },
            r#"{"price":"x"}"#,
        );
        assert_eq!(r.err().map(|e| e.kind), Some(DecodeErrorKind::WrongType));
    }

    #[test]
    fn duplicates_last_wins_and_exact_beats_case() {
        let s = Schema::new(&[("a", DataType::Long)]);
        let d = |l: &str| decode_with(&s, JsonOptions::default(), l);
        assert_eq!(d(r#"{"a":1,"a":2}"#), Ok(vec![Value::Long(2)]));
        assert_eq!(d(r#"{"a":"x","a":2}"#), Ok(vec![Value::Long(2)]));
        assert_eq!(
            d(r#"{"a":2,"a":"x"}"#).err().map(|e| e.kind),
            Some(DecodeErrorKind::WrongType)
        );
        assert_eq!(d(r#"{"a":1,"A":2}"#), Ok(vec![Value::Long(1)]));
        assert_eq!(d(r#"{"A":2,"a":1}"#), Ok(vec![Value::Long(1)]));
        assert_eq!(d(r#"{"A":2,"A":3}"#), Ok(vec![Value::Long(3)]));
        // A case-insensitive field that a later exact one overrides does not report errors.
        assert_eq!(d(r#"{"A":"x","a":1}"#), Ok(vec![Value::Long(1)]));
        // An escaped key is still the same name.
        assert_eq!(d(r#"{"\u0061":7}"#), Ok(vec![Value::Long(7)]));
    }

    #[test]
    fn names_that_need_escaping_match() {
        let s = Schema::new(&[("we\"ird", DataType::Long), ("x", DataType::Long)]);
        let r = decode_with(&s, JsonOptions::default(), r#"{"we\"ird":1,"x":2}"#);
        assert_eq!(r, Ok(vec![Value::Long(1), Value::Long(2)]));
    }

    #[test]
    fn appends_after_existing_values_and_reuses_decoder() {
        let mut d = JsonDecoder::new(&schema(), JsonOptions::default());
        let mut out = vec![Value::Bool(true)];
        assert!(d.decode(br#"{"ts":1}"#, &mut out).is_ok());
        assert_eq!(
            out,
            vec![
                Value::Bool(true),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Long(1)
            ]
        );
        // A long string is shared through the decoder's table (short ones are inline).
        let long = br#"{"symbol":"a symbol name longer than inline"}"#;
        out.clear();
        assert!(d.decode(long, &mut out).is_ok());
        out.clear();
        assert!(d.decode(long, &mut out).is_ok());
        assert_eq!(d.interner.len(), 1);
    }

    #[test]
    fn object_attribute_takes_scalars() {
        assert_eq!(
            one(DataType::Object, "5").ok().map(strict),
            Some(strict(Value::Long(5)))
        );
        assert_eq!(
            one(DataType::Object, "5.5").ok().map(strict),
            Some(strict(Value::Double(5.5)))
        );
        assert_eq!(one(DataType::Object, "\"s\"").ok(), Some(Value::str("s")));
        assert_eq!(
            kind(one(DataType::Object, "[]")),
            Some(DecodeErrorKind::WrongType)
        );
    }

    // ----- agreement with a serde_json-based reference decoder -----

    /// The rules of this format, applied to serde_json's parse of the line.
    fn reference(
        schema: &Schema,
        opts: JsonOptions,
        line: &str,
    ) -> Result<Vec<Value>, DecodeErrorKind> {
        use serde_json::Value as J;
        // serde_json's map keeps the last of duplicate keys, which is our rule too; it
        // cannot tell exact from case-insensitive order, so walk the fields in order via a
        // visitor-free trick: parse as a sequence of (key, value) pairs.
        let pairs = parse_pairs(line).map_err(|_| DecodeErrorKind::Malformed)?;
        let mut slots: Vec<Option<(u8, J)>> = vec![None; schema.len()];
        for (key, value) in pairs {
            let exact = schema.names.iter().position(|n| **n == *key);
            let folded = schema
                .names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(&key));
            let (col, rank) = match (exact, folded) {
                (Some(c), _) => (c, 2),
                (None, Some(c)) => (c, 1),
                (None, None) => continue,
            };
            if slots[col].as_ref().is_none_or(|(r, _)| rank >= *r) {
                slots[col] = Some((rank, value));
            }
        }
        let mut row = Vec::new();
        let mut first_error: Option<(usize, DecodeErrorKind)> = None;
        let mut missing = false;
        for (col, slot) in slots.into_iter().enumerate() {
            let ty = schema.types[col];
            let v = match slot {
                None => {
                    missing = true;
                    Ok(Value::Null)
                }
                Some((_, J::Null)) => Ok(Value::Null),
                Some((_, j)) => match (ty, j) {
                    (DataType::String, J::String(s)) => Ok(Value::str(&s)),
                    (DataType::Bool, J::Bool(b)) => Ok(Value::Bool(b)),
                    (DataType::Long, J::Number(n)) if n.is_i64() => {
                        Ok(Value::Long(n.as_i64().unwrap_or_default()))
                    }
                    (DataType::Long, J::Number(n)) if n.is_u64() => {
                        Err(DecodeErrorKind::OutOfRange)
                    }
                    (DataType::Int, J::Number(n)) if n.is_i64() || n.is_u64() => n
                        .as_i64()
                        .and_then(|v| i32::try_from(v).ok())
                        .map(Value::Int)
                        .ok_or(DecodeErrorKind::OutOfRange),
                    (DataType::Double, J::Number(n)) => {
                        Ok(Value::Double(n.as_f64().unwrap_or_default()))
                    }
                    _ => Err(DecodeErrorKind::WrongType),
                },
            };
            match v {
                Ok(v) => row.push(v),
                Err(k) => {
                    first_error.get_or_insert((col, k));
                    row.push(Value::Null);
                }
            }
        }
        // Our decoder reports the first type error in field order; the kinds are what must
        // agree, and the generator never puts two errors of different kinds in one line.
        if let Some((_, k)) = first_error {
            return Err(k);
        }
        if missing && opts.fail_on_missing {
            return Err(DecodeErrorKind::Missing);
        }
        Ok(row)
    }

    /// Parses a flat-or-nested JSON object line into its top-level fields in order.
    fn parse_pairs(line: &str) -> Result<Vec<(String, serde_json::Value)>, serde_json::Error> {
        use serde::de::{Deserializer, MapAccess, Visitor};
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = Vec<(String, serde_json::Value)>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
                    v.push(entry);
                }
                Ok(v)
            }
        }
        let mut de = serde_json::Deserializer::from_str(line);
        let pairs = (&mut de).deserialize_map(Pairs)?;
        de.end()?;
        Ok(pairs)
    }

    fn ref_schema() -> Schema {
        Schema::new(&[
            ("s", DataType::String),
            ("i", DataType::Int),
            ("l", DataType::Long),
            ("d", DataType::Double),
            ("b", DataType::Bool),
        ])
    }

    /// A JSON value text of some kind, biased towards what the schema accepts. Doubles are
    /// short decimals, which serde_json (without `float_roundtrip`) also parses exactly.
    fn json_value() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|v| v.to_string()),
            any::<i32>().prop_map(|v| v.to_string()),
            (any::<i32>(), 0u32..4).prop_map(|(m, d)| {
                let s = format!("{:0>5}", m.unsigned_abs());
                let (a, b) = s.split_at(s.len() - d as usize);
                let sign = if m < 0 { "-" } else { "" };
                let a = a.trim_start_matches('0');
                let a = if a.is_empty() { "0" } else { a };
                if b.is_empty() {
                    format!("{sign}{a}.0")
                } else {
                    format!("{sign}{a}.{b}")
                }
            }),
            any::<u64>().prop_map(|v| v.to_string()),
            any::<bool>().prop_map(|v| v.to_string()),
            Just("null".to_string()),
            "\\PC{0,8}".prop_map(|s| serde_json::Value::String(s).to_string()),
            "[a-z\\\\\"\\n\\u{e9}\\u{1F600}]{0,6}".prop_map(|s| {
                // serde_json escapes only what it must; also exercise \u escapes.
                let mut out = String::from("\"");
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        c if !c.is_ascii() => {
                            let mut buf = [0u16; 2];
                            for unit in c.encode_utf16(&mut buf) {
                                out.push_str(&format!("\\u{unit:04x}"));
                            }
                        }
                        c => out.push(c),
                    }
                }
                out.push('"');
                out
            }),
            Just("{\"n\":[1,{\"x\":\"y\"}]}".to_string()),
            Just("[]".to_string()),
        ]
    }

    const KEYS: [&str; 10] = ["s", "i", "l", "d", "b", "S", "L", "D", "other", "\\u0073"];

    /// A value that usually fits the attribute `key` names, so that whole rows decode.
    fn field_value(key: &'static str) -> BoxedStrategy<String> {
        let typed: BoxedStrategy<String> = match key.to_ascii_lowercase().as_str() {
            "s" | "\\u0073" => "[a-zA-Z0-9 é😀\"\\\\]{0,8}"
                .prop_map(|s| serde_json::Value::String(s).to_string())
                .boxed(),
            "i" => any::<i32>().prop_map(|v| v.to_string()).boxed(),
            "l" => any::<i64>().prop_map(|v| v.to_string()).boxed(),
            "d" => (any::<i32>(), 0u32..4)
                .prop_map(|(m, e)| format!("{m}e-{e}"))
                .boxed(),
            "b" => any::<bool>().prop_map(|v| v.to_string()).boxed(),
            _ => json_value().boxed(),
        };
        prop_oneof![6 => typed, 1 => Just("null".to_string()), 2 => json_value()].boxed()
    }

    fn json_line() -> impl Strategy<Value = String> {
        let field = (0..KEYS.len()).prop_flat_map(|k| (Just(KEYS[k]), field_value(KEYS[k])));
        let ws = prop_oneof![Just(""), Just(" "), Just("\t"), Just(" \n ")];
        (
            proptest::collection::vec((field, ws.clone()), 0..8),
            ws,
            any::<bool>(),
        )
            .prop_map(|(fields, ws, crlf)| {
                let body: Vec<String> = fields
                    .iter()
                    .map(|((k, v), w)| format!("{w}\"{k}\"{w}:{w}{v}{w}"))
                    .collect();
                let cr = if crlf { "\r" } else { "" };
                format!("{ws}{{{}}}{ws}{cr}", body.join(","))
            })
    }

    /// Breaks a valid line in one of several ways.
    fn broken_line() -> impl Strategy<Value = String> {
        (json_line(), any::<prop::sample::Index>(), 0..4u8).prop_map(|(line, at, how)| {
            let at = at.index(line.len() + 1);
            let at = (0..=at)
                .rev()
                .find(|&i| line.is_char_boundary(i))
                .unwrap_or(0);
            let mut l = line.clone();
            match how {
                0 => l.truncate(at),
                1 => l.insert(at, ','),
                2 => l.insert(at, '"'),
                _ => l.insert(at, '}'),
            }
            l
        })
    }

    /// Canonical form for comparison: type and bits, so 0.0 and -0.0 or Int and Long differ.
    fn canon(row: Vec<Value>) -> Vec<String> {
        row.into_iter()
            .map(|v| match v {
                Value::Double(d) => format!("D{:x}", d.to_bits()),
                v => format!("{v:?}"),
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn agrees_with_serde_json(line in prop_oneof![3 => json_line(), 1 => broken_line()], fail in any::<bool>()) {
            let schema = ref_schema();
            let opts = JsonOptions { fail_on_missing: fail };
            let want = reference(&schema, opts, &line).map(canon);
            let got = decode_with(&schema, opts, &line).map(canon).map_err(|e| e.kind);
            // Both errors are type errors of some field; which field's is reported first
            // is order-dependent in the reference, so compare kinds only when both agree
            // that the line is syntactically fine.
            match (&want, &got) {
                (Err(a), Err(b)) if *a != DecodeErrorKind::Malformed && *b != DecodeErrorKind::Malformed => {
                    prop_assert_eq!(*a == DecodeErrorKind::Missing, *b == DecodeErrorKind::Missing, "line {:?}", line);
                }
                _ => prop_assert_eq!(want, got, "line {:?}", line),
            }
        }
    }
}
