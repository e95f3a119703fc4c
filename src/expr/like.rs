//! SQL `LIKE` patterns (§2.7): `%` matches any run of characters, `_` exactly one
//! character (a Unicode scalar value, never a byte), and the escape character (default
//! `\`) makes the next character literal.
//!
//! A pattern is compiled once into literal segments separated by `%`. Each segment has a
//! fixed length in characters, so matching is: the first segment must be a prefix, the
//! last a suffix, and the ones in between are found left to right, each at its earliest
//! position. Earliest-first is optimal for fixed-length segments, so no backtracking is
//! needed, and matching never allocates. The common shapes `'abc%'`, `'%abc'` and
//! `'%abc%'` reduce to `starts_with`, `ends_with` and `contains`.

/// A compiled LIKE pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LikePattern {
    shape: Shape,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Shape {
    /// No `%`: the whole string must match the one segment.
    Exact(Segment),
    /// At least one `%`: `first % middle[0] % … % last` (first/last may be empty).
    Spread {
        first: Segment,
        middle: Vec<Segment>,
        last: Segment,
    },
}

/// A `%`-free run of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// Only literal characters (the fast path: plain substring operations).
    Literal(String),
    /// Literal text mixed with `_`; `chars` is the fixed length in characters.
    Mixed { pieces: Vec<Piece>, chars: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// `n` consecutive `_`.
    AnyChars(usize),
}

impl LikePattern {
    /// Compiles `pattern`; `escape` defaults to `\`. A trailing escape character with
    /// nothing to escape is an error. The escape character is never a wildcard, even if
    /// it is `%` or `_`.
    pub fn compile(pattern: &str, escape: Option<char>) -> Result<LikePattern, String> {
        let escape = escape.unwrap_or('\\');
        let mut segments: Vec<Vec<Piece>> = Vec::new();
        let mut current: Vec<Piece> = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            if c == escape {
                match chars.next() {
                    Some(lit) => push_text(&mut current, lit),
                    None => {
                        return Err(format!(
                            "LIKE pattern '{pattern}' ends with the escape character '{escape}'"
                        ))
                    }
                }
            } else if c == '%' {
                // Consecutive `%` are one `%`: an empty run after an earlier `%` would
                // only be an empty middle segment.
                if !current.is_empty() || segments.is_empty() {
                    segments.push(std::mem::take(&mut current));
                }
            } else if c == '_' {
                match current.last_mut() {
                    Some(Piece::AnyChars(n)) => *n += 1,
                    _ => current.push(Piece::AnyChars(1)),
                }
            } else {
                push_text(&mut current, c);
            }
        }
        segments.push(current);
        let mut segments: Vec<Segment> = segments.into_iter().map(Segment::from_pieces).collect();
        let shape = if segments.len() == 1 {
            Shape::Exact(segments.remove(0))
        } else {
            let last = segments.pop().unwrap_or(Segment::Literal(String::new()));
            let first = segments.remove(0);
            Shape::Spread {
                first,
                middle: segments,
                last,
            }
        };
        Ok(LikePattern { shape })
    }

    /// Whether `s` matches the whole pattern.
    pub fn matches(&self, s: &str) -> bool {
        match &self.shape {
            Shape::Exact(seg) => seg.match_at(s).is_some_and(|end| end == s.len()),
            Shape::Spread {
                first,
                middle,
                last,
            } => {
                let Some(after_first) = first.match_at(s) else {
                    return false;
                };
                let rest = &s[after_first..];
                // The last segment's position is fixed by its length: check it before
                // searching the middle so the middle search has a fixed right bound.
                let Some(last_start) = last.suffix_start(rest) else {
                    return false;
                };
                let mut mid = &rest[..last_start];
                for seg in middle {
                    match seg.find(mid) {
                        Some(end) => mid = &mid[end..],
                        None => return false,
                    }
                }
                true
            }
        }
    }
}

fn push_text(seg: &mut Vec<Piece>, c: char) {
    match seg.last_mut() {
        Some(Piece::Text(t)) => t.push(c),
        _ => seg.push(Piece::Text(c.to_string())),
    }
}

impl Segment {
    fn from_pieces(mut pieces: Vec<Piece>) -> Segment {
        match pieces.as_slice() {
            [] => Segment::Literal(String::new()),
            [Piece::Text(_)] => match pieces.pop() {
                Some(Piece::Text(t)) => Segment::Literal(t),
                _ => Segment::Literal(String::new()),
            },
            _ => {
                let chars = pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Text(t) => t.chars().count(),
                        Piece::AnyChars(n) => *n,
                    })
                    .sum();
                Segment::Mixed { pieces, chars }
            }
        }
    }

    /// If the segment matches at the start of `s`, the byte length it covers.
    fn match_at(&self, s: &str) -> Option<usize> {
        match self {
            Segment::Literal(t) => s.starts_with(t.as_str()).then_some(t.len()),
            Segment::Mixed { pieces, .. } => {
                let mut pos = 0;
                for piece in pieces {
                    let rest = &s[pos..];
                    match piece {
                        Piece::Text(t) => {
                            if !rest.starts_with(t.as_str()) {
                                return None;
                            }
                            pos += t.len();
                        }
                        Piece::AnyChars(n) => pos += advance_chars(rest, *n)?,
                    }
                }
                Some(pos)
            }
        }
    }

    /// Byte offset in `s` where the segment starts when it matches a suffix of `s`.
    fn suffix_start(&self, s: &str) -> Option<usize> {
        match self {
            Segment::Literal(t) => s.ends_with(t.as_str()).then(|| s.len() - t.len()),
            Segment::Mixed { chars, .. } => {
                let start = back_chars(s, *chars)?;
                (self.match_at(&s[start..])? == s.len() - start).then_some(start)
            }
        }
    }

    /// The byte offset just past the earliest match of the segment in `s`.
    fn find(&self, s: &str) -> Option<usize> {
        match self {
            Segment::Literal(t) => s.find(t.as_str()).map(|i| i + t.len()),
            Segment::Mixed { .. } => {
                for (i, _) in s.char_indices() {
                    if let Some(len) = self.match_at(&s[i..]) {
                        return Some(i + len);
                    }
                }
                // A segment can still match the empty tail only if it is empty, which
                // a Mixed segment never is.
                None
            }
        }
    }
}

/// Byte length of the first `n` characters of `s`, `None` if `s` is shorter.
fn advance_chars(s: &str, n: usize) -> Option<usize> {
    let mut it = s.char_indices();
    for _ in 0..n {
        it.next()?;
    }
    Some(it.next().map_or(s.len(), |(i, _)| i))
}

/// Byte offset where the last `n` characters of `s` start, `None` if `s` is shorter.
fn back_chars(s: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(s.len());
    }
    s.char_indices().rev().nth(n - 1).map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn like(s: &str, p: &str) -> bool {
        LikePattern::compile(p, None)
            .map(|p| p.matches(s))
            .unwrap_or(false)
    }

    #[test]
    fn common_shapes() {
        assert!(like("abcdef", "abc%"));
        assert!(!like("xabcdef", "abc%"));
        assert!(like("xxabc", "%abc"));
        assert!(!like("xxabcx", "%abc"));
        assert!(like("xxabcx", "%abc%"));
        assert!(!like("xxabx", "%abc%"));
        assert!(like("abc", "abc"));
        assert!(!like("abcd", "abc"));
        assert!(!like("ab", "abc"));
        assert!(like("a-b-c", "a%b%c"));
        assert!(!like("a-b-", "a%b%c"));
    }

    #[test]
    fn literal_segments_compile_to_fast_paths() {
        let p = LikePattern::compile("abc%", None).unwrap();
        assert_eq!(
            p.shape,
            Shape::Spread {
                first: Segment::Literal("abc".into()),
                middle: vec![],
                last: Segment::Literal(String::new()),
            }
        );
        let p = LikePattern::compile("%%abc%%%", None).unwrap();
        assert_eq!(
            p.shape,
            Shape::Spread {
                first: Segment::Literal(String::new()),
                middle: vec![Segment::Literal("abc".into())],
                last: Segment::Literal(String::new()),
            }
        );
    }

    #[test]
    fn empty_pattern_and_empty_input() {
        assert!(like("", ""));
        assert!(!like("a", ""));
        assert!(like("", "%"));
        assert!(like("", "%%"));
        assert!(like("anything", "%"));
        assert!(!like("", "_"));
        assert!(like("", "%%%"));
    }

    #[test]
    fn underscore_is_one_character_not_one_byte() {
        assert!(like("é", "_"));
        assert!(!like("é", "__"));
        assert!(like("日本語", "日_語"));
        assert!(like("日本語", "___"));
        assert!(!like("日本語", "____"));
        assert!(like("a日本語b", "%本_b"));
        assert!(like("xé", "%_"));
        assert!(like("éx", "_%"));
        assert!(like("héllo wörld", "h_llo%w_rld"));
        assert!(!like("ab", "_"));
    }

    #[test]
    fn underscore_segments_in_the_middle_and_end() {
        assert!(like("xxaXcyy", "%a_c%"));
        assert!(!like("xxacyy", "%a_c%"));
        assert!(like("aab", "%a_"));
        assert!(like("abab", "%b_b"));
        assert!(!like("abab", "%b_a"));
        // earliest-first search of middle segments
        assert!(like("a1c a2c b", "%a_c%b"));
        assert!(like("ab", "%_%_%"));
        assert!(!like("a", "%_%_%"));
    }

    #[test]
    fn escapes() {
        assert!(like("50%", "50\\%"));
        assert!(!like("500", "50\\%"));
        assert!(like("a_b", "a\\_b"));
        assert!(!like("axb", "a\\_b"));
        assert!(like("a\\b", "a\\\\b"));
        let p = LikePattern::compile("50!%", Some('!')).unwrap();
        assert!(p.matches("50%"));
        assert!(!p.matches("50!x"));
        // with a custom escape, backslash is an ordinary character
        let p = LikePattern::compile("a\\%", Some('!')).unwrap();
        assert!(p.matches("a\\anything"));
        // the escape character is never a wildcard
        let p = LikePattern::compile("a%%b", Some('%')).unwrap();
        assert!(p.matches("a%b"));
        assert!(!p.matches("axb"));
        // escaping an ordinary character is that character
        assert!(like("abc", "\\a\\b\\c"));
    }

    #[test]
    fn trailing_escape_is_an_error() {
        assert!(LikePattern::compile("abc\\", None).is_err());
        assert!(LikePattern::compile("abc!", Some('!')).is_err());
        assert!(LikePattern::compile("abc\\\\", None).is_ok());
    }

    #[test]
    fn case_sensitive() {
        assert!(!like("ABC", "abc"));
        assert!(!like("ABC", "a%"));
    }

    /// Reference semantics: straightforward recursion over tokens.
    #[derive(Clone, Copy)]
    enum Tok {
        Lit(char),
        One,
        Any,
    }

    fn tokens(p: &str, esc: char) -> Option<Vec<Tok>> {
        let mut out = Vec::new();
        let mut it = p.chars();
        while let Some(c) = it.next() {
            out.push(if c == esc {
                Tok::Lit(it.next()?)
            } else if c == '%' {
                Tok::Any
            } else if c == '_' {
                Tok::One
            } else {
                Tok::Lit(c)
            });
        }
        Some(out)
    }

    fn reference(s: &[char], p: &[Tok]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((Tok::Any, rest)) => (0..=s.len()).any(|i| reference(&s[i..], rest)),
            Some((Tok::One, rest)) => !s.is_empty() && reference(&s[1..], rest),
            Some((Tok::Lit(c), rest)) => s.first() == Some(c) && reference(&s[1..], rest),
        }
    }

    proptest! {
        #[test]
        fn agrees_with_reference(
            p in "[ab%_\\\\é]{0,8}",
            s in "[abé%_\\\\]{0,10}",
        ) {
            let compiled = LikePattern::compile(&p, None);
            match tokens(&p, '\\') {
                None => prop_assert!(compiled.is_err()),
                Some(toks) => {
                    let chars: Vec<char> = s.chars().collect();
                    let pat = compiled.map_err(TestCaseError::fail)?;
                    prop_assert_eq!(pat.matches(&s), reference(&chars, &toks), "pattern {:?} input {:?}", p, s);
                }
            }
        }

        #[test]
        fn agrees_with_reference_custom_escape(
            p in "[ab%_!]{0,8}",
            s in "[ab%_!]{0,10}",
        ) {
            let compiled = LikePattern::compile(&p, Some('!'));
            match tokens(&p, '!') {
                None => prop_assert!(compiled.is_err()),
                Some(toks) => {
                    let chars: Vec<char> = s.chars().collect();
                    let pat = compiled.map_err(TestCaseError::fail)?;
                    prop_assert_eq!(pat.matches(&s), reference(&chars, &toks));
                }
            }
        }
    }
}
