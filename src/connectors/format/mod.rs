//! Record formats: turning one line of input into a row and a row into one line of output.
//!
//! Decoding is the most expensive step of the engine's hot path (DESIGN.md §3), so the
//! decoders are schema-specialised byte scanners rather than generic JSON/CSV parsers:
//! they write values straight into the caller's row buffer in schema order, parse numbers
//! without allocating, and intern repeated strings so a symbol column costs a
//! reference-count bump instead of an allocation. A line that does not parse or does not
//! fit the schema yields a [`DecodeError`] whose [`DecodeErrorKind`] feeds the source's
//! `'error.strategy'` (LANGUAGE.md §2.1); nothing here panics on input.
//!
//! This module may import [`crate::value`] only.

mod csv;
mod encode;
mod json;

use std::fmt;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::value::small_str::INLINE_MAX;
use crate::value::{DataType, Str, Value};

pub use self::csv::{CsvDecoder, CsvOptions};
pub use self::encode::JsonEncoder;
pub use self::json::{JsonDecoder, JsonOptions};

/// The attributes a decoder produces, in row order.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub names: Vec<Arc<str>>,
    pub types: Vec<DataType>,
}

impl Schema {
    /// Convenience for tests and embedders: `Schema::new(&[("a", DataType::Int)])`.
    pub fn new(attributes: &[(&str, DataType)]) -> Schema {
        Schema {
            names: attributes.iter().map(|(n, _)| Arc::from(*n)).collect(),
            types: attributes.iter().map(|(_, t)| *t).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.types.len()
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }
}

/// Why a line could not be turned into a row.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    /// Says what went wrong and, where it applies, for which attribute.
    pub message: String,
    pub kind: DecodeErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// The line is not valid in the format (bad syntax, bad escape, wrong field count…).
    Malformed,
    /// The value is well-formed but of a type the attribute does not accept.
    WrongType,
    /// A required attribute is absent.
    Missing,
    /// An integer does not fit the attribute's type.
    OutOfRange,
}

impl DecodeErrorKind {
    /// Stable lower-case name, e.g. for a dead-letter stream's `errorType`.
    pub fn as_str(self) -> &'static str {
        match self {
            DecodeErrorKind::Malformed => "malformed",
            DecodeErrorKind::WrongType => "wrong_type",
            DecodeErrorKind::Missing => "missing",
            DecodeErrorKind::OutOfRange => "out_of_range",
        }
    }
}

impl DecodeError {
    pub(crate) fn new(kind: DecodeErrorKind, message: impl Into<String>) -> DecodeError {
        DecodeError {
            message: message.into(),
            kind,
        }
    }
    pub(crate) fn malformed(message: impl Into<String>) -> DecodeError {
        DecodeError::new(DecodeErrorKind::Malformed, message)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Turns one input line (without its line terminator) into a row.
pub trait Decoder: Send {
    /// Pushes exactly one value per schema attribute onto `out`, in schema order, or
    /// returns an error (then what was pushed is unspecified; the caller clears `out`).
    fn decode(&mut self, line: &[u8], out: &mut Vec<Value>) -> Result<(), DecodeError>;
}

// ---------------------------------------------------------------------------------------
// Shared pieces of the decoders: attribute lookup, string interning, number parsing.
// ---------------------------------------------------------------------------------------

/// How a field name in the input was matched to an attribute. Exact matches take
/// precedence over case-insensitive ones regardless of field order (LANGUAGE.md §2.1).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum MatchRank {
    IgnoringCase = 1,
    Exact = 2,
}

/// Maps input field names to attribute indexes: exact first, then ignoring ASCII case.
pub(crate) struct NameIndex {
    exact: FxHashMap<Box<[u8]>, usize>,
    folded: FxHashMap<Box<[u8]>, usize>,
    scratch: Vec<u8>,
}

impl NameIndex {
    pub(crate) fn new(names: &[Arc<str>]) -> NameIndex {
        let mut exact = FxHashMap::default();
        let mut folded = FxHashMap::default();
        for (i, name) in names.iter().enumerate() {
            exact.entry(name.as_bytes().into()).or_insert(i);
            // Two attributes equal but for case: a field that matches neither exactly goes
            // to the first one, which is as good a rule as any and is deterministic.
            folded
                .entry(name.as_bytes().to_ascii_lowercase().into_boxed_slice())
                .or_insert(i);
        }
        NameIndex {
            exact,
            folded,
            scratch: Vec::new(),
        }
    }

    pub(crate) fn lookup(&mut self, key: &[u8]) -> Option<(usize, MatchRank)> {
        if let Some(&i) = self.exact.get(key) {
            return Some((i, MatchRank::Exact));
        }
        self.scratch.clear();
        self.scratch.extend(key.iter().map(u8::to_ascii_lowercase));
        self.folded
            .get(self.scratch.as_slice())
            .map(|&i| (i, MatchRank::IgnoringCase))
    }
}

/// Strings longer than this are rarely repeated (free text, ids), so they are not worth
/// a cache slot.
const MAX_INTERNED_LEN: usize = 128;
/// Bounds the memory a decoder spends on its cache; later distinct strings are allocated
/// normally.
const MAX_INTERNED: usize = 100_000;

/// Per-decoder cache of strings too long to be inline ([`Str`]), keyed by the value's
/// bytes. Only UTF-8-valid bytes are ever inserted, so a hit needs no validation.
///
/// An open-addressing table of our own rather than a `HashMap<Box<[u8]>, _>`: lookups by
/// a borrowed slice there go through a generic hash and an out-of-line `memcmp`, which
/// cost more than the rest of a short string's decoding. Here the hash and the equality
/// test are a few inlined word loads.
pub(crate) struct Interner {
    /// Entry index + 1 per slot, 0 when empty; the length is a power of two kept at least
    /// twice the number of entries.
    slots: Vec<u32>,
    entries: Vec<InternEntry>,
}

struct InternEntry {
    hash: u64,
    /// Compared in place: its bytes share a cache line with the reference count that a
    /// hit increments anyway.
    value: Arc<str>,
}

impl Interner {
    pub(crate) fn new() -> Interner {
        Interner {
            slots: vec![0; 1024],
            entries: Vec::new(),
        }
    }

    /// The string of `bytes`: inline when short (no table needed), else shared
    /// through the table.
    #[inline]
    pub(crate) fn intern(&mut self, bytes: &[u8]) -> Result<Str, std::str::Utf8Error> {
        if bytes.len() <= INLINE_MAX {
            return Str::from_utf8(bytes);
        }
        self.shared(bytes).map(Str::Heap)
    }

    fn shared(&mut self, bytes: &[u8]) -> Result<Arc<str>, std::str::Utf8Error> {
        if bytes.len() > MAX_INTERNED_LEN {
            return std::str::from_utf8(bytes).map(Arc::from);
        }
        let hash = hash_bytes(bytes);
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let e = self.slots[slot];
            if e == 0 {
                break;
            }
            let entry = &self.entries[e as usize - 1];
            if entry.hash == hash && bytes_eq(entry.value.as_bytes(), bytes) {
                return Ok(Arc::clone(&entry.value));
            }
            slot = (slot + 1) & mask;
        }
        let value: Arc<str> = Arc::from(std::str::from_utf8(bytes)?);
        if self.entries.len() < MAX_INTERNED {
            self.entries.push(InternEntry {
                hash,
                value: Arc::clone(&value),
            });
            // MAX_INTERNED < u32::MAX, so the index fits.
            self.slots[slot] = self.entries.len() as u32;
            if self.entries.len() * 2 > self.slots.len() {
                self.grow();
            }
        }
        Ok(value)
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let mask = size - 1;
        let mut slots = vec![0u32; size];
        for (i, entry) in self.entries.iter().enumerate() {
            let mut slot = entry.hash as usize & mask;
            while slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            slots[slot] = i as u32 + 1;
        }
        self.slots = slots;
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[inline(always)]
fn load_u64(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

#[inline(always)]
fn load_u32(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(w)
}

/// Slice equality without a call to `memcmp`: short slices are compared with (possibly
/// overlapping) word loads, which is what names and symbols are.
#[inline(always)]
pub(crate) fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() {
        return false;
    }
    if len >= 8 {
        let mut i = 0;
        while i + 8 < len {
            if load_u64(a, i) != load_u64(b, i) {
                return false;
            }
            i += 8;
        }
        load_u64(a, len - 8) == load_u64(b, len - 8)
    } else if len >= 4 {
        load_u32(a, 0) == load_u32(b, 0) && load_u32(a, len - 4) == load_u32(b, len - 4)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

/// A fast, non-cryptographic hash of a short byte string (a multiply-xorshift mix of its
/// words). Collisions only cost a comparison.
#[inline(always)]
fn hash_bytes(b: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let len = b.len();
    let mix = |h: u64, w: u64| (h ^ w).wrapping_mul(K).rotate_left(29);
    let mut h = (len as u64).wrapping_mul(K);
    if len >= 8 {
        let mut i = 0;
        while i + 8 < len {
            h = mix(h, load_u64(b, i));
            i += 8;
        }
        h = mix(h, load_u64(b, len - 8));
    } else if len >= 4 {
        h = mix(
            h,
            u64::from(load_u32(b, 0)) << 32 | u64::from(load_u32(b, len - 4)),
        );
    } else {
        for &x in b {
            h = mix(h, u64::from(x));
        }
    }
    // Fold the high bits down: slots are chosen by the low bits.
    (h ^ (h >> 32)).wrapping_mul(K) ^ (h >> 29)
}

/// A number scanned by [`scan_json_number`]: value = ±mantissa × 10^exp10 when not
/// `truncated`. Enough to convert exactly without looking at the text again in the common
/// case, and to decide integer-ness and range.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScannedNumber {
    /// Index one past the number's last byte.
    pub end: usize,
    pub negative: bool,
    /// The first (up to) 19 significant digits.
    pub mantissa: u64,
    /// Some non-zero digit did not fit in `mantissa`.
    pub truncated: bool,
    pub exp10: i64,
    /// No fraction and no exponent in the text.
    pub integer: bool,
}

/// Significant digits that always fit in a `u64` (10^19 − 1 < 2^64).
const MAX_MANTISSA_DIGITS: u32 = 19;

/// Scans a JSON number (RFC 8259 grammar: no `+`, no leading zeros, digits on both sides
/// of the point) starting at `pos`. `None` when the text there is not one.
///
/// Every digit counts towards the 19 kept in the mantissa, leading zeros of a fraction
/// included; a number with more digits is `truncated` and converted by the standard
/// library, which keeps the fast path simple without costing exactness.
#[inline(always)]
pub(crate) fn scan_json_number(s: &[u8], pos: usize) -> Option<ScannedNumber> {
    let mut i = pos;
    let negative = s.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    let mut mantissa: u64 = 0;
    let mut digits: u32 = 0;
    let mut truncated = false;
    let mut exp10: i64 = 0;
    match s.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            let run = digit_run(s, i, &mut mantissa, &mut digits);
            i = run.end;
            // Integer digits beyond the mantissa still scale it.
            exp10 += run.dropped;
            truncated |= run.dropped_nonzero;
        }
        _ => return None,
    }
    let mut integer = true;
    if s.get(i) == Some(&b'.') {
        integer = false;
        let frac_start = i + 1;
        let run = digit_run(s, frac_start, &mut mantissa, &mut digits);
        if run.end == frac_start {
            return None;
        }
        exp10 -= (run.end - frac_start) as i64 - run.dropped;
        truncated |= run.dropped_nonzero;
        i = run.end;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        integer = false;
        i += 1;
        let exp_negative = match s.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let exp_start = i;
        let mut e: i64 = 0;
        while let Some(&b) = s.get(i) {
            if !b.is_ascii_digit() {
                break;
            }
            // Saturate: beyond this every double is 0 or infinity anyway.
            if e < 1_000_000 {
                e = e * 10 + i64::from(b - b'0');
            }
            i += 1;
        }
        if i == exp_start {
            return None;
        }
        exp10 += if exp_negative { -e } else { e };
    }
    Some(ScannedNumber {
        end: i,
        negative,
        mantissa,
        truncated,
        exp10,
        integer,
    })
}

struct DigitRun {
    end: usize,
    /// Digits that did not fit in the mantissa.
    dropped: i64,
    dropped_nonzero: bool,
}

const POW10_U64: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// Consumes the digits at `i`, folding them into `mantissa` while it has fewer than 19.
/// Eight digits at a time where the line has eight bytes left (timestamps and prices are
/// most of a trade line).
#[inline(always)]
fn digit_run(s: &[u8], mut i: usize, mantissa: &mut u64, digits: &mut u32) -> DigitRun {
    loop {
        let word = load_padded(s, i);
        let n = leading_digits(word);
        if n == 0 {
            return DigitRun {
                end: i,
                dropped: 0,
                dropped_nonzero: false,
            };
        }
        if *digits + n > MAX_MANTISSA_DIGITS {
            break;
        }
        *mantissa = *mantissa * POW10_U64[n as usize] + digits_value(word, n);
        *digits += n;
        i += n as usize;
        if n < 8 {
            return DigitRun {
                end: i,
                dropped: 0,
                dropped_nonzero: false,
            };
        }
    }
    // More digits than the mantissa holds: rare, one at a time.
    let mut run = DigitRun {
        end: i,
        dropped: 0,
        dropped_nonzero: false,
    };
    while let Some(&b) = s.get(run.end) {
        if !b.is_ascii_digit() {
            break;
        }
        if *digits < MAX_MANTISSA_DIGITS {
            *mantissa = *mantissa * 10 + u64::from(b - b'0');
            *digits += 1;
        } else {
            run.dropped += 1;
            run.dropped_nonzero |= b != b'0';
        }
        run.end += 1;
    }
    run
}

/// Eight bytes from `at` as a word (first byte lowest); past the end of `s` the bytes
/// read as 0, which no digit scan accepts, so numbers at the end of a line still go
/// eight digits at a time.
#[inline(always)]
fn load_padded(s: &[u8], at: usize) -> u64 {
    let len = s.len();
    if at + 8 <= len {
        load_u64(s, at)
    } else if len >= 8 && at < len {
        // The line's last word, shifted so that byte `at` comes first.
        load_u64(s, len - 8) >> (8 * (at + 8 - len))
    } else {
        let tail = s.get(at..).unwrap_or(&[]);
        let n = tail.len();
        if n >= 4 {
            // Two overlapping four-byte loads (a short CSV field, a short line).
            let high = u64::from(load_u32(tail, n - 4)) >> (8 * (8 - n));
            u64::from(load_u32(tail, 0)) | high << 32
        } else {
            tail.iter()
                .enumerate()
                .fold(0, |w, (k, &b)| w | u64::from(b) << (8 * k))
        }
    }
}

/// Index of the first `byte` in `s`, eight bytes at a time: a word XORed with the
/// pattern has a zero byte where they match, and the lowest flagged byte of the
/// zero-byte test is exact (its false positives only sit above a true match).
#[inline(always)]
pub(crate) fn find_byte(s: &[u8], byte: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let pattern = ONES * u64::from(byte);
    let mut i = 0;
    while i + 8 <= s.len() {
        let x = load_u64(s, i) ^ pattern;
        let zero = x.wrapping_sub(ONES) & !x & (ONES * 0x80);
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s[i..].iter().position(|&b| b == byte).map(|p| i + p)
}

/// The common JSON integer, `-?[1-9][0-9]{0,14}` or `0`, followed by something that is
/// not part of a number: its value and end. `None` for anything else (longer, a
/// fraction, an exponent, not a number), which [`scan_json_number`] then judges.
#[inline(always)]
pub(crate) fn fast_json_int(s: &[u8], i: usize) -> Option<(i64, usize)> {
    let negative = s.get(i) == Some(&b'-');
    let mut j = i + usize::from(negative);
    let word = load_padded(s, j);
    let n = leading_digits(word);
    if n == 0 || (n > 1 && word as u8 == b'0') {
        return None;
    }
    let mut v = digits_value(word, n);
    j += n as usize;
    if n == 8 {
        let word = load_padded(s, j);
        let n = leading_digits(word);
        if n == 8 {
            return None;
        }
        if n > 0 {
            v = v * POW10_U64[n as usize] + digits_value(word, n);
            j += n as usize;
        }
    }
    if matches!(s.get(j), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    // At most 15 digits: fits an i64 either way.
    let v = v as i64;
    Some((if negative { -v } else { v }, j))
}

/// The common JSON decimal, `-?(0|[1-9][0-9]{0,6})(\.[0-9]{1,7})?` with no exponent,
/// converted exactly (at most 14 digits and a power of ten up to 10^7: Clinger's fast
/// path). `None` for anything else, which [`scan_json_number`] then handles.
#[inline(always)]
pub(crate) fn fast_json_decimal(s: &[u8], i: usize) -> Option<(f64, usize)> {
    let negative = s.get(i) == Some(&b'-');
    let mut j = i + usize::from(negative);
    let word = load_padded(s, j);
    let n = leading_digits(word);
    if n == 0 || n == 8 || (n > 1 && word as u8 == b'0') {
        return None;
    }
    let mut m = digits_value(word, n);
    j += n as usize;
    let mut scale = 0;
    if s.get(j) == Some(&b'.') {
        let word = load_padded(s, j + 1);
        let n = leading_digits(word);
        if n == 0 || n == 8 {
            return None;
        }
        m = m * POW10_U64[n as usize] + digits_value(word, n);
        scale = n as usize;
        j += 1 + n as usize;
    }
    if matches!(s.get(j), Some(b'e' | b'E')) {
        return None;
    }
    let v = m as f64 / POW10_F64[scale];
    Some((if negative { -v } else { v }, j))
}

/// How many of the eight bytes of `word` (first byte lowest) are ASCII digits before the
/// first one that is not. A byte is flagged when `b - b'0'` wraps below zero or
/// `b + 0x46` reaches 0x80 (that is, `b > b'9'`); borrows and carries between bytes only
/// start at a flagged byte and run upwards, so the lowest flagged byte is exact.
#[inline(always)]
fn leading_digits(word: u64) -> u32 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let below = word.wrapping_sub(ONES * u64::from(b'0'));
    let above = word.wrapping_add(ONES * (0x80 - u64::from(b'9') - 1));
    let flags = (below | above) & (ONES * 0x80);
    flags.trailing_zeros() / 8
}

/// The value of the first `n` (1..=8) digits of `word`. The digits are shifted to the top
/// so that the word reads as eight digits with leading zeros, then combined pairwise:
/// bytes into two-digit numbers, those into four-digit ones, then into eight.
#[inline(always)]
fn digits_value(word: u64, n: u32) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let d = word.wrapping_sub(ONES * u64::from(b'0')) << (8 * (8 - n));
    let pairs = d.wrapping_mul(10).wrapping_add(d >> 8);
    const LOW: u64 = 0x0000_00FF_0000_00FF;
    let a = (pairs & LOW).wrapping_mul(100 + (1_000_000 << 32));
    let b = ((pairs >> 16) & LOW).wrapping_mul(1 + (10_000 << 32));
    a.wrapping_add(b) >> 32
}

const POW10_F64: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];
const POW10_F32: [f32; 11] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

impl ScannedNumber {
    /// The nearest double, exactly as `str::parse::<f64>` gives it. `text` is the scanned
    /// number's text, used when the fast path does not apply.
    #[inline]
    pub(crate) fn to_f64(self, text: &[u8]) -> Option<f64> {
        // Clinger's fast path: mantissa and power of ten are both exact doubles, so one
        // IEEE multiplication or division rounds correctly.
        if !self.truncated && self.mantissa <= 1 << 53 && (-22..=22).contains(&self.exp10) {
            let m = self.mantissa as f64;
            let v = if self.exp10 >= 0 {
                m * POW10_F64[self.exp10 as usize]
            } else {
                m / POW10_F64[(-self.exp10) as usize]
            };
            return Some(if self.negative { -v } else { v });
        }
        std::str::from_utf8(text).ok()?.parse::<f64>().ok()
    }

    /// The nearest `f32` (rounded once, from the text, not via `f64`).
    #[inline]
    pub(crate) fn to_f32(self, text: &[u8]) -> Option<f32> {
        if !self.truncated && self.mantissa <= 1 << 24 && (-10..=10).contains(&self.exp10) {
            let m = self.mantissa as f32;
            let v = if self.exp10 >= 0 {
                m * POW10_F32[self.exp10 as usize]
            } else {
                m / POW10_F32[(-self.exp10) as usize]
            };
            return Some(if self.negative { -v } else { v });
        }
        std::str::from_utf8(text).ok()?.parse::<f32>().ok()
    }

    /// The value as an `i64` when it is an integer literal that fits.
    #[inline]
    pub(crate) fn to_i64(self) -> Option<i64> {
        // An integer literal only moves exp10 when it has more than 19 digits.
        if self.truncated || self.exp10 != 0 {
            return None;
        }
        signed_magnitude(self.negative, self.mantissa)
    }
}

#[inline]
pub(crate) fn signed_magnitude(negative: bool, magnitude: u64) -> Option<i64> {
    if negative {
        if magnitude <= 1 << 63 {
            Some((magnitude as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Converts an integer to the attribute's integral type, or `None` when out of range.
#[inline]
pub(crate) fn integral_value(ty: DataType, v: i64) -> Option<Value> {
    match ty {
        DataType::Int => i32::try_from(v).ok().map(Value::Int),
        _ => Some(Value::Long(v)),
    }
}

/// Quotes input text for an error message, cut short so one bad line cannot flood a log.
pub(crate) fn quote_for_message(bytes: &[u8]) -> String {
    const MAX_CHARS: usize = 40;
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len().min(MAX_CHARS * 2) + 2);
    out.push('"');
    for (n, c) in text.chars().enumerate() {
        if n == MAX_CHARS {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&c.escape_default().to_string()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse64(s: &str) -> Option<f64> {
        let n = scan_json_number(s.as_bytes(), 0)?;
        if n.end != s.len() {
            return None;
        }
        n.to_f64(s.as_bytes())
    }

    fn parse32(s: &str) -> Option<f32> {
        let n = scan_json_number(s.as_bytes(), 0)?;
        n.to_f32(s.as_bytes())
    }

    #[test]
    fn json_number_grammar() {
        for bad in ["", "-", "+1", "01", "1.", ".5", "1e", "1e+", "-a", "1.e5"] {
            let scanned = scan_json_number(bad.as_bytes(), 0);
            assert!(scanned.is_none_or(|n| n.end != bad.len()), "{bad} accepted");
        }
        for good in [
            "0", "-0", "1", "10", "0.5", "1e5", "1E-5", "1.5e+3", "-12.75",
        ] {
            assert_eq!(parse64(good), good.parse::<f64>().ok(), "{good}");
        }
    }

    #[test]
    fn integers_and_ranges() {
        let int = |s: &str| scan_json_number(s.as_bytes(), 0).and_then(|n| n.to_i64());
        assert_eq!(int("9223372036854775807"), Some(i64::MAX));
        assert_eq!(int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(int("9223372036854775808"), None);
        assert_eq!(int("-9223372036854775809"), None);
        assert_eq!(int("18446744073709551616"), None);
        assert_eq!(int("100000000000000000000"), None);
        assert_eq!(int("-0"), Some(0));
    }

    #[test]
    fn hard_floats_are_exact() {
        for s in [
            "913.27",
            "0.1",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "1.7976931348623157e308",
            "1e309",
            "-1e-400",
            "9007199254740993",
            "123456789012345678901234567890",
            "0.000000000000000000000000000001",
            "4.9406564584124654e-324",
            "3.4028235e38",
            "1.00000017881393421514957253748434595763683319091796875001",
        ] {
            assert_eq!(
                parse64(s).map(f64::to_bits),
                s.parse::<f64>().ok().map(f64::to_bits),
                "{s}"
            );
            assert_eq!(
                parse32(s).map(f32::to_bits),
                s.parse::<f32>().ok().map(f32::to_bits),
                "{s}"
            );
        }
        assert!(parse64("-0").is_some_and(|v| v == 0.0 && v.is_sign_negative()));
    }

    #[test]
    fn interner_reuses_and_validates() {
        let mut i = Interner::new();
        // Short strings are inline values and never enter the table.
        assert!(matches!(i.intern(b"S0042"), Ok(Str::Inline { .. })));
        assert_eq!(i.len(), 0);
        let heap = |s: Result<Str, std::str::Utf8Error>| match s {
            Ok(Str::Heap(a)) => Some(a),
            _ => None,
        };
        let a = heap(i.intern(b"a-symbol-longer-than-22-bytes"));
        let b = heap(i.intern(b"a-symbol-longer-than-22-bytes"));
        assert!(matches!((&a, &b), (Some(x), Some(y)) if Arc::ptr_eq(x, y)));
        assert_eq!(i.len(), 1);
        assert!(i.intern(&[0xff, 0xfe]).is_err());
        assert_eq!(i.len(), 1);
        let long = vec![b'x'; MAX_INTERNED_LEN + 1];
        assert!(i.intern(&long).is_ok());
        assert_eq!(i.len(), 1);
        // Many distinct strings of every short length: the table grows and still finds them.
        let keys: Vec<String> = (0..5000)
            .map(|n| {
                format!(
                    "longer-than-inline-key-{}",
                    format!("{n:x}").repeat(1 + n % 9)
                )
            })
            .collect();
        let first: Vec<_> = keys.iter().map(|k| heap(i.intern(k.as_bytes()))).collect();
        for (k, f) in keys.iter().zip(&first) {
            let again = heap(i.intern(k.as_bytes()));
            assert!(matches!((f, &again), (Some(x), Some(y)) if Arc::ptr_eq(x, y) && **x == **k));
        }
    }

    #[test]
    fn eight_digit_words() {
        for text in [
            "12345678",
            "1700000000000",
            "913.27,\"v",
            "0}",
            "9999999999",
            "x1",
            "5 ",
            "0123456\u{ff}",
        ] {
            let mut bytes = text.as_bytes().to_vec();
            bytes.resize(8, b'!');
            let word = load_u64(&bytes, 0);
            let n = leading_digits(word);
            let want = bytes
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
                .min(8);
            assert_eq!(n as usize, want, "{text}");
            if n > 0 {
                let v: u64 = std::str::from_utf8(&bytes[..want])
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                assert_eq!(digits_value(word, n), v, "{text}");
            }
        }
        for b in 0..=255u8 {
            let word = u64::from_le_bytes([b, b'1', b'2', b'3', b'4', b'5', b'6', b'7']);
            assert_eq!(leading_digits(word) > 0, b.is_ascii_digit(), "byte {b}");
            let word = u64::from_le_bytes([b'1', b'2', b'3', b'4', b'5', b'6', b'7', b]);
            assert_eq!(leading_digits(word) == 8, b.is_ascii_digit(), "byte {b}");
        }
    }

    #[test]
    fn fast_paths_take_the_common_shapes() {
        let int = |s: &str| fast_json_int(s.as_bytes(), 0);
        let dec = |s: &str| fast_json_decimal(s.as_bytes(), 0);
        assert_eq!(int("1700000000000}"), Some((1_700_000_000_000, 13)));
        assert_eq!(int("-412,"), Some((-412, 4)));
        assert_eq!(int("0"), Some((0, 1)));
        assert_eq!(int("012"), None);
        assert_eq!(int("5.0"), None);
        assert_eq!(int("1234567890123456"), None);
        assert_eq!(dec("913.27,"), Some((913.27, 6)));
        assert_eq!(dec("-0.5}"), Some((-0.5, 4)));
        assert_eq!(dec("42"), Some((42.0, 2)));
        assert_eq!(dec("1e5"), None);
        assert_eq!(dec("1."), None);
        assert_eq!(dec("01.5"), None);
    }

    #[test]
    fn find_byte_matches_position() {
        let hay: Vec<u8> = (0..40u8).map(|b| b % 7 + b'a').collect();
        for len in 0..hay.len() {
            for needle in b'a'..=b'h' {
                let s = &hay[..len];
                assert_eq!(find_byte(s, needle), s.iter().position(|&b| b == needle));
            }
        }
        assert_eq!(
            find_byte(&[0x80, 0x81, b',', 0, 0, 0, 0, 0, 0], b','),
            Some(2)
        );
    }

    #[test]
    fn padded_loads_of_every_length() {
        let bytes: Vec<u8> = (1..=20u8).collect();
        for len in 0..bytes.len() {
            for at in 0..=len + 1 {
                let s = &bytes[..len];
                let want = (0..8).fold(0u64, |w, k| {
                    w | u64::from(*s.get(at + k).unwrap_or(&0)) << (8 * k)
                });
                assert_eq!(load_padded(s, at), want, "len {len} at {at}");
            }
        }
    }

    #[test]
    fn bytes_eq_matches_slice_eq() {
        let base: Vec<u8> = (0..40u8).collect();
        for len in 0..40 {
            let a = &base[..len];
            assert!(bytes_eq(a, a));
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 1;
                assert!(!bytes_eq(a, &b), "len {len} at {at}");
            }
            assert!(!bytes_eq(a, &base[..len + 1]));
        }
    }

    #[test]
    fn name_index_prefers_exact() {
        let names: Vec<Arc<str>> = vec![Arc::from("Price"), Arc::from("price")];
        let mut idx = NameIndex::new(&names);
        assert_eq!(idx.lookup(b"price"), Some((1, MatchRank::Exact)));
        assert_eq!(idx.lookup(b"Price"), Some((0, MatchRank::Exact)));
        assert_eq!(idx.lookup(b"PRICE"), Some((0, MatchRank::IgnoringCase)));
        assert_eq!(idx.lookup(b"cost"), None);
    }

    fn float_text() -> impl Strategy<Value = String> {
        (
            any::<bool>(),
            "(0|[1-9][0-9]{0,25})",
            proptest::option::of("[0-9]{1,25}"),
            proptest::option::of((
                prop_oneof![Just("e"), Just("E")],
                prop_oneof![Just(""), Just("+"), Just("-")],
                0u32..400,
            )),
        )
            .prop_map(|(neg, int, frac, exp)| {
                let mut s = String::new();
                if neg {
                    s.push('-');
                }
                s.push_str(&int);
                if let Some(f) = frac {
                    s.push('.');
                    s.push_str(&f);
                }
                if let Some((e, sign, v)) = exp {
                    s.push_str(&format!("{e}{sign}{v}"));
                }
                s
            })
    }

    proptest! {
        #[test]
        fn floats_equal_std_parse(s in float_text()) {
            prop_assert_eq!(parse64(&s).map(f64::to_bits), s.parse::<f64>().ok().map(f64::to_bits));
            prop_assert_eq!(parse32(&s).map(f32::to_bits), s.parse::<f32>().ok().map(f32::to_bits));
        }

        #[test]
        fn integers_equal_std_parse(v in any::<i64>(), pad in "[,} \\]\"a-d]{0,9}") {
            let text = format!("{v}{pad}");
            let n = scan_json_number(text.as_bytes(), 0);
            prop_assert_eq!(n.map(|n| n.end), Some(v.to_string().len()));
            prop_assert_eq!(n.and_then(|n| n.to_i64()), Some(v));
        }

        #[test]
        fn fast_paths_agree_with_the_scanner(text in "-?[0-9]{1,17}(\\.[0-9]{0,9})?([eE][0-9])?[,}x ]?") {
            let b = text.as_bytes();
            let general = scan_json_number(b, 0);
            if let Some((v, end)) = fast_json_int(b, 0) {
                let g = general.filter(|n| n.integer).and_then(|n| Some((n.to_i64()?, n.end)));
                prop_assert_eq!(Some((v, end)), g);
            }
            if let Some((v, end)) = fast_json_decimal(b, 0) {
                let g = general.and_then(|n| Some((n.to_f64(&b[..n.end])?.to_bits(), n.end)));
                prop_assert_eq!(Some((v.to_bits(), end)), g);
                prop_assert_eq!(Some(v.to_bits()), std::str::from_utf8(&b[..end]).ok().and_then(|s| s.parse::<f64>().ok()).map(f64::to_bits));
            }
        }

        #[test]
        fn shortest_doubles_round_trip(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            prop_assume!(v.is_finite());
            let s = ryu::Buffer::new().format_finite(v).to_string();
            prop_assert_eq!(parse64(&s).map(f64::to_bits), Some(bits));
        }
    }
}
