//! Source text → tokens (LANGUAGE.md §1.1–1.3), written with nom 8 over `&str`.
//!
//! Owns whitespace and comments, string literals (`''` escape), quoted identifiers
//! (`""` escape), number literals (INT/LONG/FLOAT/DOUBLE with suffixes) and
//! punctuation. Keywords are *not* decided here: a plain word is a [`TokKind::Word`]
//! and the parser compares it case-insensitively, because most keywords are only
//! keywords in context (§1.2). Every token carries its byte span, and the token list
//! always ends with one [`TokKind::Eof`] so the parser can always name "what it found".

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, multispace1};
use nom::combinator::{opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};

use crate::diagnostics::{Diagnostic, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum TokKind {
    /// A plain word: identifier or keyword, as written.
    Word(String),
    /// `"quoted identifier"` with `""` unescaped.
    QIdent(String),
    /// `'string'` with `''` unescaped.
    Str(String),
    Int {
        value: i64,
        long: bool,
    },
    Float {
        value: f64,
        float: bool,
    },
    Punct(&'static str),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tok {
    pub kind: TokKind,
    pub span: Span,
}

/// Punctuation, longest spellings first so `alt` picks `<=` before `<`.
const PUNCTS: [&str; 27] = [
    "...", "->", "==", "!=", "<>", "<=", ">=", "(", ")", ",", ";", ".", "*", "+", "-", "/", "%",
    "=", "<", ">", "[", "]", "{", "}", "#", ":", "?",
];

/// A lexing failure: where (as remaining input length) and what.
#[derive(Debug)]
struct LexErr {
    rem: usize,
    code: &'static str,
    message: String,
    help: Option<String>,
    /// Length of the offending item, for the caret.
    len: usize,
}

impl<'a> ParseError<&'a str> for LexErr {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        LexErr {
            rem: input.len(),
            code: "E0001",
            message: String::new(),
            help: None,
            len: 0,
        }
    }
    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

type LRes<'a, T> = IResult<&'a str, T, LexErr>;

fn fail<'a, T>(
    at: &'a str,
    len: usize,
    code: &'static str,
    message: String,
    help: Option<&str>,
) -> LRes<'a, T> {
    Err(nom::Err::Failure(LexErr {
        rem: at.len(),
        code,
        message,
        help: help.map(str::to_string),
        len,
    }))
}

/// Skips whitespace and comments; an unterminated `/*` is an error (§1.1).
fn trivia(mut i: &str) -> LRes<'_, ()> {
    loop {
        if let Ok((r, _)) = multispace1::<_, LexErr>(i) {
            i = r;
        } else if let Some(r) = i.strip_prefix("--") {
            let (r, _) = take_while::<_, _, LexErr>(|c| c != '\n')(r)?;
            i = r;
        } else if let Some(r) = i.strip_prefix("/*") {
            match r.find("*/") {
                // Block comments do not nest (§1.1): the first `*/` closes.
                Some(end) => i = r.get(end + 2..).unwrap_or(""),
                None => {
                    return fail(
                        i,
                        2,
                        "E0002",
                        "unterminated block comment".into(),
                        Some("close it with `*/`"),
                    )
                }
            }
        } else {
            return Ok((i, ()));
        }
    }
}

/// Body of a quoted item whose quote char is doubled to escape it.
fn quoted(quote: char, what: &'static str) -> impl Fn(&str) -> LRes<'_, String> {
    move |input: &str| {
        let (mut i, _) = char(quote).parse(input)?;
        let mut out = String::new();
        loop {
            let (r, chunk) = take_while::<_, _, LexErr>(|c| c != quote)(i)?;
            out.push_str(chunk);
            if r.is_empty() {
                let help = format!("close the {what} with `{quote}`");
                return fail(
                    input,
                    1,
                    "E0002",
                    format!("unterminated {what}"),
                    Some(&help),
                );
            }
            let doubled: LRes<'_, &str> = recognize((char(quote), char(quote))).parse(r);
            if let Ok((r2, _)) = doubled {
                out.push(quote);
                i = r2;
            } else {
                let (r2, _) = char(quote).parse(r)?;
                return Ok((r2, out));
            }
        }
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn word(i: &str) -> LRes<'_, TokKind> {
    let (r, w) = recognize((
        take_while1(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(is_ident_char),
    ))
    .parse(i)?;
    Ok((r, TokKind::Word(w.to_string())))
}

fn digits(i: &str) -> LRes<'_, &str> {
    take_while1(|c: char| c.is_ascii_digit())(i)
}

fn exponent(i: &str) -> LRes<'_, &str> {
    recognize((
        alt((char('e'), char('E'))),
        opt(alt((char('+'), char('-')))),
        digits,
    ))
    .parse(i)
}

/// A suffix letter counts only when no identifier character follows (`5L`, not `5Lx`).
fn suffix<'a>(i: &'a str, letters: &[char]) -> Option<(&'a str, char)> {
    let mut it = i.chars();
    let c = it.next()?;
    if letters.contains(&c) && !it.next().is_some_and(is_ident_char) {
        Some((&i[c.len_utf8()..], c))
    } else {
        None
    }
}

fn number(input: &str) -> LRes<'_, TokKind> {
    // `digits [. digits*] [exp]` or `. digits [exp]`; a `.` followed by `.` is the `...` token.
    let lead_dot: LRes<'_, &str> = recognize((char('.'), digits)).parse(input);
    let (after_mantissa, is_frac) = match lead_dot {
        Ok((r, _)) => (r, true),
        Err(_) => {
            let (r, _) = digits(input)?;
            if r.starts_with('.') && !r.starts_with("..") {
                let (r, _) = take_while(|c: char| c.is_ascii_digit())(&r[1..])?;
                (r, true)
            } else {
                (r, false)
            }
        }
    };
    let (rest, has_exp) = match exponent(after_mantissa) {
        Ok((r, _)) => (r, true),
        Err(_) => (after_mantissa, false),
    };
    let text = &input[..input.len() - rest.len()];
    if is_frac || has_exp {
        let (rest, suf) = match suffix(rest, &['f', 'F', 'd', 'D']) {
            Some((r, c)) => (r, Some(c)),
            None => (rest, None),
        };
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok((
                rest,
                TokKind::Float {
                    value: v,
                    float: matches!(suf, Some('f' | 'F')),
                },
            )),
            _ => fail(
                input,
                text.len(),
                "E0003",
                format!("number literal `{text}` is out of range"),
                None,
            ),
        }
    } else {
        let (rest, long) = match suffix(rest, &['l', 'L']) {
            Some((r, _)) => (r, true),
            None => (rest, false),
        };
        match text.parse::<i64>() {
            Ok(v) => Ok((rest, TokKind::Int { value: v, long })),
            Err(_) => fail(
                input,
                text.len(),
                "E0003",
                format!("integer literal `{text}` is out of range"),
                Some("integer literals must fit in a 64-bit signed LONG (at most 9223372036854775807)"),
            ),
        }
    }
}

fn punct(i: &str) -> LRes<'_, TokKind> {
    for p in PUNCTS {
        if let Ok((r, _)) = tag::<_, _, LexErr>(p)(i) {
            return Ok((r, TokKind::Punct(p)));
        }
    }
    Err(nom::Err::Error(LexErr::from_error_kind(i, ErrorKind::Tag)))
}

fn token(i: &str) -> LRes<'_, TokKind> {
    alt((
        |i| {
            quoted('\'', "string literal")
                .parse(i)
                .map(|(r, s)| (r, TokKind::Str(s)))
        },
        |i| {
            quoted('"', "quoted identifier")
                .parse(i)
                .map(|(r, s)| (r, TokKind::QIdent(s)))
        },
        number,
        word,
        punct,
    ))
    .parse(i)
}

/// Splits `src` into tokens, ending with `Eof`; the first lexical error stops it.
pub fn lex(src: &str) -> Result<Vec<Tok>, Box<Diagnostic>> {
    let mut out = Vec::new();
    let mut i = src;
    loop {
        let r = match trivia(i) {
            Ok((r, ())) => r,
            Err(e) => return Err(Box::new(to_diag(src, e))),
        };
        let start = src.len() - r.len();
        if r.is_empty() {
            out.push(Tok {
                kind: TokKind::Eof,
                span: Span::new(start, start),
            });
            return Ok(out);
        }
        match token(r) {
            Ok((rest, kind)) => {
                let end = src.len() - rest.len();
                out.push(Tok {
                    kind,
                    span: Span::new(start, end),
                });
                i = rest;
            }
            Err(nom::Err::Error(_)) => {
                let c = r.chars().next().unwrap_or(' ');
                let help = if c == '`' {
                    Some(
                        "backquoted names belong to the classic surface; write \"name\""
                            .to_string(),
                    )
                } else if !c.is_ascii() {
                    Some("quote names that contain non-ASCII characters, e.g. \"name\"".to_string())
                } else {
                    None
                };
                let mut d = Diagnostic::error("E0001", format!("unexpected character `{c}`"))
                    .at(Span::new(start, start + c.len_utf8()))
                    .label("unexpected character");
                if let Some(h) = help {
                    d = d.help(h);
                }
                return Err(Box::new(d));
            }
            Err(e) => return Err(Box::new(to_diag(src, e))),
        }
    }
}

fn to_diag(src: &str, e: nom::Err<LexErr>) -> Diagnostic {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => {
            let start = src.len().saturating_sub(e.rem);
            let mut d = Diagnostic::error(e.code, e.message).at(Span::new(start, start + e.len));
            if let Some(h) = e.help {
                d = d.help(h);
            }
            d
        }
        nom::Err::Incomplete(_) => Diagnostic::error("E0001", "unexpected end of input")
            .at(Span::new(src.len(), src.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<TokKind> {
        lex(s)
            .map(|v| v.into_iter().map(|t| t.kind).collect())
            .unwrap_or_default()
    }

    #[test]
    fn numbers_and_suffixes() {
        assert_eq!(
            kinds("1 2L 1.5 1.5F 2e3 .5d 1."),
            vec![
                TokKind::Int {
                    value: 1,
                    long: false
                },
                TokKind::Int {
                    value: 2,
                    long: true
                },
                TokKind::Float {
                    value: 1.5,
                    float: false
                },
                TokKind::Float {
                    value: 1.5,
                    float: true
                },
                TokKind::Float {
                    value: 2000.0,
                    float: false
                },
                TokKind::Float {
                    value: 0.5,
                    float: false
                },
                TokKind::Float {
                    value: 1.0,
                    float: false
                },
                TokKind::Eof
            ]
        );
    }

    #[test]
    fn strings_idents_comments() {
        assert_eq!(
            kinds("'it''s' \"a \"\"b\"\"\" -- x\n /* y */ w"),
            vec![
                TokKind::Str("it's".into()),
                TokKind::QIdent("a \"b\"".into()),
                TokKind::Word("w".into()),
                TokKind::Eof
            ]
        );
    }

    #[test]
    fn lex_errors() {
        assert_eq!(lex("'abc").map_err(|d| d.code), Err("E0002"));
        assert_eq!(lex("/* abc").map_err(|d| d.code), Err("E0002"));
        assert_eq!(
            lex("99999999999999999999").map_err(|d| d.code),
            Err("E0003")
        );
        assert_eq!(lex("a @ b").map_err(|d| d.code), Err("E0001"));
        assert_eq!(lex("é").map_err(|d| d.span), Err(Some(Span::new(0, 2))));
    }
}
