//! Tokens → AST for the SQL surface (LANGUAGE.md §1–2), written with nom 8.
//!
//! The lexer ([`super::lexer`]) turns text into tokens; this module runs nom
//! combinators over the token slice ([`Toks`] implements [`nom::Input`]). Owns:
//! keyword handling (case-insensitive, reserved vs contextual words, §1.2),
//! expression precedence (§1.8), durations (§1.4), types (§1.5), every statement of
//! §2 and the syntax diagnostics (`E0001`–`E0008`). The grammar it implements is
//! written down in `grammar/eventfluxql.ebnf`; keep the two in sync.
//!
//! Error strategy: a failing parser returns a [`PErr`] naming what it expected at
//! which token; `alt` keeps the error that got furthest. Once a clause keyword has
//! been consumed the rest of the clause is `cut`, so the report points at the real
//! culprit instead of at the clause keyword. Each statement reports its first
//! error; the parser then skips to the next top-level `;` and continues.

use std::cell::Cell;

use nom::combinator::{cut, opt};
use nom::error::{ErrorKind, ParseError};
use nom::sequence::preceded;
use nom::{IResult, Input, Needed, Parser};

use super::ast::*;
use super::lexer::{lex, Tok, TokKind};
use crate::diagnostics::{did_you_mean, Diagnostic, Span};
use crate::value::DataType;

/// Deepest nesting of expressions / pattern groups we accept; keeps recursion (in
/// the parser, the printer and `Drop`) far from the stack limit.
pub const MAX_DEPTH: usize = 200;

/// Reserved words of the SQL surface (§1.2): never plain identifiers.
pub const RESERVED: &[&str] = &[
    "CREATE",
    "STREAM",
    "TABLE",
    "TRIGGER",
    "AGGREGATION",
    "WINDOW",
    "WITH",
    "AS",
    "INSERT",
    "INTO",
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP",
    "BY",
    "HAVING",
    "ORDER",
    "ASC",
    "DESC",
    "LIMIT",
    "OFFSET",
    "OUTPUT",
    "EVERY",
    "EVENTS",
    "SNAPSHOT",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "OUTER",
    "ON",
    "UNIDIRECTIONAL",
    "PATTERN",
    "SEQUENCE",
    "WITHIN",
    "NOT",
    "FOR",
    "AND",
    "OR",
    "IN",
    "IS",
    "NULL",
    "TRUE",
    "FALSE",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "CAST",
    "LIKE",
    "BETWEEN",
    "PARTITION",
    "OF",
    "BEGIN",
    "UPDATE",
    "SET",
    "DELETE",
    "USING",
    "UPSERT",
    "AT",
    "START",
    "CRON",
    "PRIMARY",
    "KEY",
    "CURRENT",
    "EXPIRED",
    "ALL",
];

pub fn is_reserved(w: &str) -> bool {
    RESERVED.iter().any(|k| k.eq_ignore_ascii_case(w))
}

/// Time-unit spellings of §1.4 (`M` is deliberately absent).
pub fn time_unit(w: &str) -> Option<TimeUnit> {
    let u = w.to_ascii_uppercase();
    Some(match u.as_str() {
        "MILLISECOND" | "MILLISECONDS" | "MILLISEC" | "MS" => TimeUnit::Millisecond,
        "SECOND" | "SECONDS" | "SEC" | "S" => TimeUnit::Second,
        "MINUTE" | "MINUTES" | "MIN" => TimeUnit::Minute,
        "HOUR" | "HOURS" => TimeUnit::Hour,
        "DAY" | "DAYS" => TimeUnit::Day,
        "WEEK" | "WEEKS" => TimeUnit::Week,
        "MONTH" | "MONTHS" => TimeUnit::Month,
        "YEAR" | "YEARS" => TimeUnit::Year,
        _ => return None,
    })
}

// ---------------------------------------------------------------- nom input over tokens

/// A token slice as nom input. The lexer always appends one `Eof` token and no
/// parser consumes it, so a non-empty slice is the normal state.
#[derive(Clone, Copy, Debug)]
pub struct Toks<'t>(pub &'t [Tok]);

impl<'t> Input for Toks<'t> {
    type Item = &'t Tok;
    type Iter = std::slice::Iter<'t, Tok>;
    type IterIndices = std::iter::Enumerate<std::slice::Iter<'t, Tok>>;

    fn input_len(&self) -> usize {
        self.0.len()
    }
    fn take(&self, index: usize) -> Self {
        Toks(self.0.get(..index).unwrap_or(self.0))
    }
    fn take_from(&self, index: usize) -> Self {
        Toks(self.0.get(index..).unwrap_or(&[]))
    }
    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }
    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.0.iter().position(predicate)
    }
    fn iter_elements(&self) -> Self::Iter {
        self.0.iter()
    }
    fn iter_indices(&self) -> Self::IterIndices {
        self.0.iter().enumerate()
    }
    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if self.0.len() >= count {
            Ok(count)
        } else {
            Err(Needed::new(count - self.0.len()))
        }
    }
}

/// A parse failure: at which token (counted as remaining tokens) and what would
/// have been accepted there, or a ready-made diagnostic for specific errors.
#[derive(Debug)]
pub struct PErr {
    rem: usize,
    expected: Vec<String>,
    help: Option<String>,
    diag: Option<Box<Diagnostic>>,
}

impl PErr {
    fn exp(i: Toks<'_>, what: impl Into<String>) -> PErr {
        PErr {
            rem: i.0.len(),
            expected: vec![what.into()],
            help: None,
            diag: None,
        }
    }
    fn with_help(mut self, h: impl Into<String>) -> PErr {
        self.help = Some(h.into());
        self
    }
    fn diag(i: Toks<'_>, d: Diagnostic) -> PErr {
        PErr {
            rem: i.0.len(),
            expected: Vec::new(),
            help: None,
            diag: Some(Box::new(d)),
        }
    }
}

impl<'t> ParseError<Toks<'t>> for PErr {
    fn from_error_kind(input: Toks<'t>, _kind: ErrorKind) -> Self {
        PErr {
            rem: input.0.len(),
            expected: Vec::new(),
            help: None,
            diag: None,
        }
    }
    fn append(_input: Toks<'t>, _kind: ErrorKind, other: Self) -> Self {
        other
    }
    /// Keep the error that got furthest; at the same token, merge the expectations.
    fn or(mut self, other: Self) -> Self {
        if self.diag.is_some() {
            return self;
        }
        if other.diag.is_some() || other.rem < self.rem {
            return other;
        }
        if self.rem < other.rem {
            return self;
        }
        for e in other.expected {
            if !self.expected.contains(&e) {
                self.expected.push(e);
            }
        }
        if self.help.is_none() {
            self.help = other.help;
        }
        self
    }
}

type R<'t, T> = IResult<Toks<'t>, T, PErr>;

static EOF_TOK: Tok = Tok {
    kind: TokKind::Eof,
    span: Span { start: 0, end: 0 },
};

fn peek<'t>(i: Toks<'t>) -> &'t Tok {
    i.0.first().unwrap_or(&EOF_TOK)
}
fn peek_at<'t>(i: Toks<'t>, n: usize) -> &'t Tok {
    i.0.get(n).or(i.0.last()).unwrap_or(&EOF_TOK)
}
fn adv(i: Toks<'_>) -> Toks<'_> {
    // Never step past Eof: the slice always keeps its last token.
    if i.0.len() > 1 {
        Toks(&i.0[1..])
    } else {
        i
    }
}
fn is_kw(t: &Tok, k: &str) -> bool {
    matches!(&t.kind, TokKind::Word(w) if w.eq_ignore_ascii_case(k))
}
fn is_punct(t: &Tok, p: &str) -> bool {
    matches!(t.kind, TokKind::Punct(q) if q == p)
}
fn is_name(t: &Tok) -> bool {
    match &t.kind {
        TokKind::Word(w) => !is_reserved(w),
        TokKind::QIdent(_) => true,
        _ => false,
    }
}
fn err<'t, T>(i: Toks<'t>, what: impl Into<String>) -> R<'t, T> {
    Err(nom::Err::Error(PErr::exp(i, what)))
}
fn failure<'t, T>(i: Toks<'t>, d: Diagnostic) -> R<'t, T> {
    Err(nom::Err::Failure(PErr::diag(i, d)))
}

/// Matches keyword `k` (case-insensitive).
fn kw<'t>(k: &'static str) -> impl Fn(Toks<'t>) -> R<'t, Span> {
    move |i| {
        let t = peek(i);
        if is_kw(t, k) {
            Ok((adv(i), t.span))
        } else {
            err(i, format!("`{k}`"))
        }
    }
}

/// Matches punctuation `p`.
fn punct<'t>(p: &'static str) -> impl Fn(Toks<'t>) -> R<'t, Span> {
    move |i| {
        let t = peek(i);
        if is_punct(t, p) {
            Ok((adv(i), t.span))
        } else {
            err(i, format!("`{p}`"))
        }
    }
}

/// `Error` → `Failure`: used after a clause has committed.
fn cutr<'t, T>(r: R<'t, T>) -> R<'t, T> {
    match r {
        Err(nom::Err::Error(e)) => Err(nom::Err::Failure(e)),
        other => other,
    }
}

// ---------------------------------------------------------------- entry point

/// Parses a whole application. Errors: one diagnostic per failing statement.
pub fn parse(text: &str) -> Result<App, Vec<Diagnostic>> {
    let toks = match lex(text) {
        Ok(t) => t,
        Err(d) => return Err(vec![*d]),
    };
    let p = Ps {
        toks: &toks,
        src: text,
        depth: Cell::new(0),
        dur_ok: Cell::new(false),
    };
    p.app()
}

struct Ps<'t> {
    toks: &'t [Tok],
    src: &'t str,
    depth: Cell<usize>,
    /// Inside window arguments, `5 SECONDS` is a duration expression (§1.2: time-unit
    /// words are keywords only in duration positions).
    dur_ok: Cell<bool>,
}

const STMT_START: &str =
    "a statement (`CREATE`, `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `UPSERT` or `PARTITION`)";

impl<'t> Ps<'t> {
    // ------------------------------------------------------------ helpers

    fn start(&self, i: Toks<'t>) -> usize {
        peek(i).span.start
    }
    /// Byte end of the last consumed token.
    fn end_of(&self, i: Toks<'t>) -> usize {
        let idx = self.toks.len().saturating_sub(i.0.len());
        match idx.checked_sub(1).and_then(|k| self.toks.get(k)) {
            Some(t) => t.span.end,
            None => 0,
        }
    }
    fn sp(&self, start: usize, i: Toks<'t>) -> Span {
        Span::new(start, self.end_of(i).max(start))
    }

    fn to_diag(&self, e: nom::Err<PErr>) -> Diagnostic {
        let e = match e {
            nom::Err::Error(e) | nom::Err::Failure(e) => e,
            nom::Err::Incomplete(_) => PErr {
                rem: 1,
                expected: vec![],
                help: None,
                diag: None,
            },
        };
        if let Some(d) = e.diag {
            return *d;
        }
        let idx = self.toks.len().saturating_sub(e.rem);
        let tok = self.toks.get(idx).or(self.toks.last()).unwrap_or(&EOF_TOK);
        let found = self.describe(tok);
        let msg = if e.expected.is_empty() {
            format!("unexpected {found}")
        } else {
            format!("expected {}, found {found}", join_or(&e.expected))
        };
        let label = if tok.kind == TokKind::Eof {
            "unexpected end of input"
        } else {
            "unexpected token"
        };
        let mut d = Diagnostic::error("E0001", msg).at(tok.span).label(label);
        if let Some(h) = e.help {
            d = d.help(h);
        }
        d
    }

    fn describe(&self, t: &Tok) -> String {
        if t.kind == TokKind::Eof {
            return "end of input".into();
        }
        let text = self.src.get(t.span.range()).unwrap_or("?");
        let mut short: String = text.chars().take(40).collect();
        if short.len() < text.len() {
            short.push('…');
        }
        format!("`{short}`")
    }

    fn nested<T>(&self, i: Toks<'t>, f: impl FnOnce(Toks<'t>) -> R<'t, T>) -> R<'t, T> {
        let d = self.depth.get();
        if d >= MAX_DEPTH {
            return failure(
                i,
                Diagnostic::error(
                    "E0005",
                    format!("nesting too deep (more than {MAX_DEPTH} levels)"),
                )
                .at(peek(i).span)
                .label("too deeply nested")
                .help("split the expression, e.g. into several queries or shorter chains"),
            );
        }
        self.depth.set(d + 1);
        let r = f(i);
        self.depth.set(d);
        r
    }

    fn ident(&self, i: Toks<'t>) -> R<'t, Ident> {
        let t = peek(i);
        match &t.kind {
            TokKind::Word(w) if !is_reserved(w) => Ok((adv(i), Ident::new(w.clone(), t.span))),
            TokKind::QIdent(w) => Ok((adv(i), Ident::new(w.clone(), t.span))),
            TokKind::Word(w) => Err(nom::Err::Error(PErr::exp(i, "an identifier").with_help(
                format!("`{w}` is a reserved word; write \"{w}\" to use it as a name"),
            ))),
            _ => err(i, "an identifier"),
        }
    }

    /// `( item { , item } )` with "expected `,` or `)`" when the list is not closed.
    fn paren_list<T>(&self, i: Toks<'t>, mut f: impl FnMut(Toks<'t>) -> R<'t, T>) -> R<'t, Vec<T>> {
        let (i, _) = punct("(")(i)?;
        let (mut i, first) = cutr(f(i))?;
        let mut v = vec![first];
        loop {
            if let Ok((r, _)) = punct(",")(i) {
                let (r, x) = cutr(f(r))?;
                v.push(x);
                i = r;
            } else if let Ok((r, _)) = punct(")")(i) {
                return Ok((r, v));
            } else {
                return Err(nom::Err::Failure(PErr {
                    rem: i.0.len(),
                    expected: vec!["`,`".into(), "`)`".into()],
                    help: None,
                    diag: None,
                }));
            }
        }
    }

    /// `item { sep item }`, committed after each separator.
    fn sep1<T>(
        &self,
        i: Toks<'t>,
        sep: &'static str,
        mut f: impl FnMut(Toks<'t>) -> R<'t, T>,
    ) -> R<'t, Vec<T>> {
        let (mut i, first) = f(i)?;
        let mut v = vec![first];
        while let Ok((r, _)) = punct(sep)(i) {
            let (r, x) = cut(&mut f).parse(r)?;
            v.push(x);
            i = r;
        }
        Ok((i, v))
    }

    fn uint(&self, i: Toks<'t>, what: &str) -> R<'t, (u64, Span)> {
        let t = peek(i);
        match t.kind {
            TokKind::Int { value, .. } if value >= 0 => Ok((adv(i), (value as u64, t.span))),
            _ => Err(nom::Err::Failure(
                PErr::exp(i, "a non-negative integer")
                    .with_help(format!("{what} takes a non-negative integer literal")),
            )),
        }
    }

    fn u32_of(&self, i: Toks<'t>) -> R<'t, (u32, Span)> {
        let t = peek(i);
        match t.kind {
            TokKind::Int { value, .. } => match u32::try_from(value) {
                Ok(v) => Ok((adv(i), (v, t.span))),
                Err(_) => failure(
                    i,
                    Diagnostic::error("E0003", format!("number `{value}` is out of range here"))
                        .at(t.span)
                        .label("out of range")
                        .help("this position takes an integer between 0 and 4294967295"),
                ),
            },
            _ => err(i, "an integer"),
        }
    }

    // ------------------------------------------------------------ application

    fn app(&self) -> Result<App, Vec<Diagnostic>> {
        let mut i = Toks(self.toks);
        let mut stmts = Vec::new();
        let mut errs = Vec::new();
        loop {
            while let Ok((r, _)) = punct(";")(i) {
                i = r;
            }
            if peek(i).kind == TokKind::Eof {
                break;
            }
            let at = i;
            match self.statement(i, false) {
                Ok((r, s)) => {
                    let t = peek(r);
                    if is_punct(t, ";") || t.kind == TokKind::Eof {
                        stmts.push(s);
                        i = r;
                    } else {
                        let mut e = PErr::exp(r, "`;`");
                        if stmt_keyword(t) {
                            e = e.with_help("separate statements with `;`");
                        }
                        errs.push(self.to_diag(nom::Err::Error(e)));
                        i = self.recover(at);
                    }
                }
                Err(e) => {
                    errs.push(self.to_diag(e));
                    i = self.recover(at);
                }
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        if stmts.is_empty() {
            let end = self.src.len();
            return Err(vec![Diagnostic::error(
                "E0004",
                "empty application: no statements",
            )
            .at(Span::new(end, end))
            .help(
                "an application needs at least one statement, e.g. `CREATE STREAM S (x INT);`",
            )]);
        }
        Ok(App { statements: stmts })
    }

    /// Skips from a failed statement's start to just after its terminating `;`,
    /// counting `BEGIN`/`CASE` … `END` so a partition body is skipped whole.
    fn recover(&self, from: Toks<'t>) -> Toks<'t> {
        let mut i = from;
        let mut depth = 0i64;
        loop {
            let t = peek(i);
            if t.kind == TokKind::Eof {
                return i;
            }
            if is_kw(t, "BEGIN") || is_kw(t, "CASE") {
                depth += 1;
            } else if is_kw(t, "END") {
                depth -= 1;
            } else if is_punct(t, ";") && depth <= 0 {
                return adv(i);
            }
            i = adv(i);
        }
    }

    fn statement(&self, i: Toks<'t>, in_partition: bool) -> R<'t, Statement> {
        let start = self.start(i);
        let t = peek(i);
        let body_err = "a query, `UPDATE`, `DELETE` or `UPSERT` (inside PARTITION)";
        let (r, kind) = if is_kw(t, "CREATE") {
            let i2 = adv(i);
            let t2 = peek(i2);
            if is_kw(t2, "QUERY") {
                let (r, name) = cutr(self.ident(adv(i2)))?;
                let (r, _) = cutr(kw("AS")(r))?;
                let (r, mut q) = cutr(self.query(r))?;
                q.name = Some(name);
                (r, StatementKind::Query(q))
            } else if in_partition {
                return err(i, body_err);
            } else if is_kw(t2, "STREAM") {
                let (r, s) = cutr(self.create_stream(adv(i2)))?;
                (r, StatementKind::CreateStream(s))
            } else if is_kw(t2, "TABLE") {
                let (r, s) = cutr(self.create_table(adv(i2)))?;
                (r, StatementKind::CreateTable(s))
            } else if is_kw(t2, "TRIGGER") {
                let (r, s) = cutr(self.create_trigger(adv(i2)))?;
                (r, StatementKind::CreateTrigger(s))
            } else if is_kw(t2, "AGGREGATION") {
                let (r, s) = cutr(self.create_aggregation(adv(i2)))?;
                (r, StatementKind::CreateAggregation(s))
            } else if is_kw(t2, "WINDOW") {
                let (r, s) = cutr(self.create_window(adv(i2)))?;
                (r, StatementKind::CreateWindow(s))
            } else {
                return Err(nom::Err::Failure(PErr::exp(
                    i2,
                    "`STREAM`, `TABLE`, `TRIGGER`, `AGGREGATION`, `WINDOW` or `QUERY`",
                )));
            }
        } else if is_kw(t, "INSERT") || is_kw(t, "SELECT") {
            let (r, q) = self.query(i)?;
            (r, StatementKind::Query(q))
        } else if is_kw(t, "UPDATE") {
            let (r, s) = cutr(self.update(adv(i)))?;
            (r, StatementKind::Update(s))
        } else if is_kw(t, "DELETE") {
            let (r, s) = cutr(self.delete(adv(i)))?;
            (r, StatementKind::Delete(s))
        } else if is_kw(t, "UPSERT") {
            let (r, s) = cutr(self.upsert(adv(i)))?;
            (r, StatementKind::Upsert(s))
        } else if is_kw(t, "PARTITION") && !in_partition {
            let (r, s) = cutr(self.partition(adv(i)))?;
            (r, StatementKind::Partition(s))
        } else {
            let mut e = PErr::exp(i, if in_partition { body_err } else { STMT_START });
            if let TokKind::Word(w) = &t.kind {
                if w.eq_ignore_ascii_case("DEFINE") {
                    e = e.with_help("`define …` is the classic surface; write `CREATE STREAM …`");
                } else if let Some(s) = did_you_mean(
                    w,
                    [
                        "CREATE",
                        "SELECT",
                        "INSERT",
                        "UPDATE",
                        "DELETE",
                        "UPSERT",
                        "PARTITION",
                    ],
                ) {
                    e = e.with_help(format!("did you mean `{s}`?"));
                }
            }
            return Err(nom::Err::Error(e));
        };
        Ok((
            r,
            Statement {
                kind,
                span: self.sp(start, r),
            },
        ))
    }

    // ------------------------------------------------------------ definitions

    fn create_stream(&self, i: Toks<'t>) -> R<'t, CreateStream> {
        let (i, name) = self.ident(i)?;
        let (i, columns) = self.paren_list(i, |i| self.column_def(i, false))?;
        let (i, with) = self.opt_with(i)?;
        Ok((
            i,
            CreateStream {
                name,
                columns,
                with,
            },
        ))
    }

    fn create_table(&self, i: Toks<'t>) -> R<'t, CreateTable> {
        enum Elem {
            Col(ColumnDef),
            Pk(Vec<Ident>),
        }
        let (i, name) = self.ident(i)?;
        let (i, elems) = self.paren_list(i, |i| {
            if is_kw(peek(i), "PRIMARY") {
                let (i, _) = cutr(kw("KEY")(adv(i)))?;
                let (i, ks) = cutr(self.paren_list(i, |i| self.ident(i)))?;
                Ok((i, Elem::Pk(ks)))
            } else {
                let (i, c) = self.column_def(i, true)?;
                Ok((i, Elem::Col(c)))
            }
        })?;
        let mut columns = Vec::new();
        let mut primary_key = Vec::new();
        for e in elems {
            match e {
                Elem::Col(c) => columns.push(c),
                Elem::Pk(k) => primary_key.extend(k),
            }
        }
        let (i, with) = self.opt_with(i)?;
        Ok((
            i,
            CreateTable {
                name,
                columns,
                primary_key,
                with,
            },
        ))
    }

    fn column_def(&self, i: Toks<'t>, allow_pk: bool) -> R<'t, ColumnDef> {
        let start = self.start(i);
        let (i, name) = self.ident(i)?;
        let (i, ty) = cutr(self.type_name(i))?;
        let (i, primary_key) = if allow_pk && is_kw(peek(i), "PRIMARY") {
            let (i, _) = cutr(kw("KEY")(adv(i)))?;
            (i, true)
        } else {
            (i, false)
        };
        Ok((
            i,
            ColumnDef {
                name,
                ty,
                primary_key,
                span: self.sp(start, i),
            },
        ))
    }

    /// Type names of §1.5 with all their SQL spellings.
    fn type_name(&self, i: Toks<'t>) -> R<'t, TypeName> {
        let t = peek(i);
        let TokKind::Word(w) = &t.kind else {
            return err(i, "a type name");
        };
        let start = t.span.start;
        let u = w.to_ascii_uppercase();
        let mut r = adv(i);
        let mut lossy = false;
        let ty = match u.as_str() {
            "STRING" | "TEXT" | "VARCHAR" | "CHAR" => DataType::String,
            "CHARACTER" => {
                if is_kw(peek(r), "VARYING") {
                    r = adv(r);
                }
                DataType::String
            }
            "INT" | "INTEGER" | "SMALLINT" | "TINYINT" | "INT2" | "INT4" => DataType::Int,
            "BIGINT" | "LONG" | "INT8" | "TIMESTAMP" | "DATETIME" | "DATE" | "TIME" => {
                DataType::Long
            }
            "FLOAT" | "REAL" => DataType::Float,
            "DOUBLE" => {
                if is_kw(peek(r), "PRECISION") {
                    r = adv(r);
                }
                DataType::Double
            }
            "DECIMAL" | "NUMERIC" => {
                lossy = true;
                DataType::Double
            }
            "BOOL" | "BOOLEAN" => DataType::Bool,
            _ => {
                let names = [
                    "STRING", "INT", "LONG", "FLOAT", "DOUBLE", "BOOL", "VARCHAR", "INTEGER",
                    "BIGINT", "BOOLEAN",
                ];
                let help = match did_you_mean(w, names) {
                    Some(s) => format!("did you mean `{s}`? Types are STRING, INT, LONG, FLOAT, DOUBLE and BOOL"),
                    None => "types are STRING, INT, LONG, FLOAT, DOUBLE and BOOL (and their SQL spellings, §1.5)".into(),
                };
                let help = if u == "OBJECT" {
                    "OBJECT cannot be declared in SQL".to_string()
                } else {
                    help
                };
                return failure(
                    i,
                    Diagnostic::error("E0006", format!("unknown type `{w}`"))
                        .at(t.span)
                        .label("unknown type")
                        .help(help),
                );
            }
        };
        // Length / precision arguments (`VARCHAR(20)`, `DECIMAL(10, 2)`) are accepted and ignored.
        if matches!(ty, DataType::String) || lossy {
            if let Ok((r2, _)) = punct("(")(r) {
                let (r2, _) = cutr(self.u32_of(r2))?;
                let (r2, _) = opt(preceded(punct(","), cut(|i| self.u32_of(i)))).parse(r2)?;
                let (r2, _) = cutr(punct(")")(r2))?;
                r = r2;
            }
        }
        Ok((
            r,
            TypeName {
                ty,
                lossy_decimal: lossy,
                span: self.sp(start, r),
            },
        ))
    }

    fn opt_with(&self, i: Toks<'t>) -> R<'t, Vec<WithOption>> {
        if is_kw(peek(i), "WITH") {
            cutr(self.paren_list(adv(i), |i| self.with_option(i)))
        } else {
            Ok((i, Vec::new()))
        }
    }

    fn dotted_word(&self, i: Toks<'t>) -> Option<(Toks<'t>, String)> {
        let TokKind::Word(w) = &peek(i).kind else {
            return None;
        };
        let mut s = w.clone();
        let mut r = adv(i);
        while is_punct(peek(r), ".") {
            if let TokKind::Word(w2) = &peek_at(r, 1).kind {
                s.push('.');
                s.push_str(w2);
                r = adv(adv(r));
            } else {
                break;
            }
        }
        Some((r, s))
    }

    fn with_option(&self, i: Toks<'t>) -> R<'t, WithOption> {
        let t = peek(i);
        let key_start = t.span.start;
        let (i, key) = match &t.kind {
            TokKind::Str(s) | TokKind::QIdent(s) => (adv(i), s.clone()),
            TokKind::Word(_) => match self.dotted_word(i) {
                Some(x) => x,
                None => return err(i, "an option key"),
            },
            _ => return err(i, "an option key (e.g. `'type'`)"),
        };
        let key_span = self.sp(key_start, i);
        if punct("=")(i).is_err() {
            return Ok((
                i,
                WithOption {
                    key,
                    key_span,
                    value: None,
                },
            ));
        }
        let i = adv(i);
        let t = peek(i);
        let vstart = t.span.start;
        let raw = |a: Toks<'t>, b: Toks<'t>| {
            self.src
                .get(self.start(a)..self.end_of(b))
                .unwrap_or("")
                .to_string()
        };
        let (r, text, quoted) = match &t.kind {
            TokKind::Str(s) => (adv(i), s.clone(), true),
            TokKind::QIdent(s) => (adv(i), s.clone(), false),
            TokKind::Int { .. } | TokKind::Float { .. } => {
                let r = adv(i);
                (r, raw(i, r), false)
            }
            TokKind::Punct("-")
                if matches!(
                    peek_at(i, 1).kind,
                    TokKind::Int { .. } | TokKind::Float { .. }
                ) =>
            {
                let r = adv(adv(i));
                (r, format!("-{}", raw(adv(i), r)), false)
            }
            TokKind::Word(_) => match self.dotted_word(i) {
                Some((r, s)) => (r, s, false),
                None => return cutr(err(i, "an option value")),
            },
            _ => {
                return cutr(err(
                    i,
                    "an option value (string, number, TRUE/FALSE, NULL or name)",
                ))
            }
        };
        Ok((
            r,
            WithOption {
                key,
                key_span,
                value: Some(OptionValue {
                    text,
                    quoted,
                    span: self.sp(vstart, r),
                }),
            },
        ))
    }

    fn create_trigger(&self, i: Toks<'t>) -> R<'t, CreateTrigger> {
        let (i, name) = self.ident(i)?;
        let (i, _) = cutr(kw("AT")(i))?;
        let t = peek(i);
        if is_kw(t, "START") {
            Ok((
                adv(i),
                CreateTrigger {
                    name,
                    at: TriggerAt::Start,
                },
            ))
        } else if is_kw(t, "EVERY") {
            let (i, d) = cutr(self.duration(adv(i), true))?;
            Ok((
                i,
                CreateTrigger {
                    name,
                    at: TriggerAt::Every(d),
                },
            ))
        } else if is_kw(t, "CRON") {
            let (i, s) = cutr(self.string_lit(adv(i)))?;
            Ok((
                i,
                CreateTrigger {
                    name,
                    at: TriggerAt::Cron(s),
                },
            ))
        } else {
            Err(nom::Err::Failure(PErr::exp(
                i,
                "`START`, `EVERY` or `CRON`",
            )))
        }
    }

    fn string_lit(&self, i: Toks<'t>) -> R<'t, StringLit> {
        let t = peek(i);
        match &t.kind {
            TokKind::Str(s) => Ok((
                adv(i),
                StringLit {
                    value: s.clone(),
                    span: t.span,
                },
            )),
            TokKind::QIdent(_) => Err(nom::Err::Error(
                PErr::exp(i, "a string literal")
                    .with_help("strings use single quotes; \"…\" is a quoted identifier"),
            )),
            _ => err(i, "a string literal"),
        }
    }

    fn create_aggregation(&self, i: Toks<'t>) -> R<'t, CreateAggregation> {
        let (i, name) = self.ident(i)?;
        let (i, with) = self.opt_with(i)?;
        let (i, _) = cutr(kw("AS")(i))?;
        let (i, _) = cutr(kw("SELECT")(i))?;
        let (i, select) = cutr(self.select_list(i))?;
        let (i, _) = cutr(kw("FROM")(i))?;
        let (i, from) = cutr(self.ident(i))?;
        let (i, where_) = opt(preceded(kw("WHERE"), cut(|i| self.expr(i)))).parse(i)?;
        let (i, group_by) = self.group_by(i)?;
        let (i, _) = cutr(kw("AGGREGATE")(i))?;
        let (i, by) = opt(preceded(kw("BY"), cut(|i| self.ident(i)))).parse(i)?;
        let (i, _) = cutr(kw("EVERY")(i))?;
        let (i, every) = cutr(self.granularities(i))?;
        Ok((
            i,
            CreateAggregation {
                name,
                with,
                select,
                from,
                where_,
                group_by,
                by,
                every,
            },
        ))
    }

    fn granularity(&self, i: Toks<'t>) -> R<'t, (Granularity, Span)> {
        let t = peek(i);
        let g = match &t.kind {
            TokKind::Word(w) => time_unit(w),
            _ => None,
        };
        let g = match g {
            Some(TimeUnit::Second) => Granularity::Seconds,
            Some(TimeUnit::Minute) => Granularity::Minutes,
            Some(TimeUnit::Hour) => Granularity::Hours,
            Some(TimeUnit::Day) => Granularity::Days,
            Some(TimeUnit::Month) => Granularity::Months,
            Some(TimeUnit::Year) => Granularity::Years,
            Some(_) => {
                return failure(
                    i,
                    Diagnostic::error("E0007", "unsupported aggregation granularity")
                        .at(t.span)
                        .label("not a granularity")
                        .help("granularities are SECONDS, MINUTES, HOURS, DAYS, MONTHS and YEARS"),
                )
            }
            None => return err(i, "a granularity (`SECONDS` … `YEARS`)"),
        };
        Ok((adv(i), (g, t.span)))
    }

    fn granularities(&self, i: Toks<'t>) -> R<'t, Granularities> {
        let start = self.start(i);
        let (i2, first) = self.granularity(i)?;
        if let Ok((r, _)) = punct("...")(i2) {
            let (r, last) = cutr(self.granularity(r))?;
            return Ok((r, Granularities::Range(first.0, last.0, self.sp(start, r))));
        }
        let (r, v) = self.sep1(i, ",", |i| self.granularity(i))?;
        Ok((r, Granularities::List(v)))
    }

    fn create_window(&self, i: Toks<'t>) -> R<'t, CreateWindow> {
        let (i, name) = self.ident(i)?;
        let (i, columns) = self.paren_list(i, |i| self.column_def(i, false))?;
        let ws = self.start(i);
        let (i, _) = cutr(kw("WINDOW")(i))?;
        let (i, window) = cutr(self.window_body(i, ws))?;
        let (i, output) = if is_kw(peek(i), "OUTPUT") {
            let (i, k) = cutr(self.event_kind(adv(i)))?;
            (i, Some(k))
        } else {
            (i, None)
        };
        Ok((
            i,
            CreateWindow {
                name,
                columns,
                window,
                output,
            },
        ))
    }

    fn event_kind(&self, i: Toks<'t>) -> R<'t, EventKind> {
        let t = peek(i);
        let k = if is_kw(t, "CURRENT") {
            EventKind::Current
        } else if is_kw(t, "EXPIRED") {
            EventKind::Expired
        } else if is_kw(t, "ALL") {
            EventKind::All
        } else {
            return err(i, "`CURRENT`, `EXPIRED` or `ALL`");
        };
        let (i, _) = cutr(kw("EVENTS")(adv(i)))?;
        Ok((i, k))
    }

    // ------------------------------------------------------------ durations

    /// `n UNIT { n UNIT }`, `INTERVAL 'n' [UNIT]`, or (when `bare`) a plain integer
    /// meaning milliseconds (§1.4).
    fn duration(&self, i: Toks<'t>, bare: bool) -> R<'t, Duration> {
        let start = self.start(i);
        let t = peek(i);
        if is_kw(t, "INTERVAL") && matches!(peek_at(i, 1).kind, TokKind::Str(_)) {
            return self.interval(i);
        }
        let TokKind::Int { .. } = t.kind else {
            return err(i, "a duration (e.g. `5 SECONDS`)");
        };
        let mut parts = Vec::new();
        let mut r = i;
        while let TokKind::Int { value, .. } = peek(r).kind {
            let ut = peek_at(r, 1);
            let unit = match &ut.kind {
                TokKind::Word(w) => time_unit(w),
                _ => None,
            };
            match unit {
                Some(u) => {
                    parts.push((value, u));
                    r = adv(adv(r));
                }
                None if parts.is_empty() => {
                    if let TokKind::Word(w) = &ut.kind {
                        if !is_reserved(w) {
                            return Err(nom::Err::Failure(PErr::diag(
                                adv(r),
                                bad_unit(w, ut.span),
                            )));
                        }
                    }
                    if bare {
                        parts.push((value, TimeUnit::Millisecond));
                        r = adv(r);
                    } else {
                        return err(adv(r), "a time unit (e.g. `SECONDS`)");
                    }
                    break;
                }
                None => break,
            }
        }
        Ok((
            r,
            Duration {
                parts,
                span: self.sp(start, r),
            },
        ))
    }

    fn interval(&self, i: Toks<'t>) -> R<'t, Duration> {
        let start = self.start(i);
        let i = adv(i);
        let t = peek(i);
        let TokKind::Str(s) = &t.kind else {
            return err(i, "a string literal");
        };
        let Ok(n) = s.trim().parse::<i64>() else {
            return failure(
                i,
                Diagnostic::error("E0003", format!("bad INTERVAL value `{s}`"))
                    .at(t.span)
                    .label("not an integer")
                    .help("write an integer count, e.g. INTERVAL '5' SECOND"),
            );
        };
        let r = adv(i);
        let ut = peek(r);
        let (r, unit) = match &ut.kind {
            TokKind::Word(w) => match time_unit(w) {
                Some(u) => (adv(r), u),
                None if !is_reserved(w) => {
                    return Err(nom::Err::Failure(PErr::diag(r, bad_unit(w, ut.span))))
                }
                None => (r, TimeUnit::Millisecond),
            },
            _ => (r, TimeUnit::Millisecond),
        };
        Ok((
            r,
            Duration {
                parts: vec![(n, unit)],
                span: self.sp(start, r),
            },
        ))
    }

    // ------------------------------------------------------------ queries

    fn query(&self, i: Toks<'t>) -> R<'t, Query> {
        let start = self.start(i);
        let (i, insert) = if is_kw(peek(i), "INSERT") {
            cutr(self.insert(adv(i))).map(|(r, x)| (r, Some(x)))?
        } else {
            (i, None)
        };
        let (i, _) = if insert.is_some() {
            cutr(kw("SELECT")(i))?
        } else {
            kw("SELECT")(i)?
        };
        let (i, select) = cutr(self.select_list(i))?;
        let (i, _) = cutr(kw("FROM")(i))?;
        let (i, from) = cutr(self.source_clause(i))?;
        let (i, where_) = opt(preceded(kw("WHERE"), cut(|i| self.expr(i)))).parse(i)?;
        let (i, group_by) = self.group_by(i)?;
        let (i, having) = opt(preceded(kw("HAVING"), cut(|i| self.expr(i)))).parse(i)?;
        let (i, order_by) = if is_kw(peek(i), "ORDER") {
            let (i, _) = cutr(kw("BY")(adv(i)))?;
            cutr(self.sep1(i, ",", |i| self.order_key(i)))?
        } else {
            (i, Vec::new())
        };
        let (i, limit) = opt(preceded(kw("LIMIT"), |i| self.uint(i, "LIMIT"))).parse(i)?;
        let (i, offset) = opt(preceded(kw("OFFSET"), |i| self.uint(i, "OFFSET"))).parse(i)?;
        let (i, output_rate) = opt(|i| self.output_rate(i)).parse(i)?;
        Ok((
            i,
            Query {
                name: None,
                insert,
                select,
                from,
                where_,
                group_by,
                having,
                order_by,
                limit,
                offset,
                output_rate,
                span: self.sp(start, i),
            },
        ))
    }

    fn group_by(&self, i: Toks<'t>) -> R<'t, Vec<Expr>> {
        if is_kw(peek(i), "GROUP") {
            let (i, _) = cutr(kw("BY")(adv(i)))?;
            cutr(self.sep1(i, ",", |i| self.expr(i)))
        } else {
            Ok((i, Vec::new()))
        }
    }

    fn insert(&self, i: Toks<'t>) -> R<'t, Insert> {
        let t = peek(i);
        let (i, kind) = if is_kw(t, "CURRENT") || is_kw(t, "EXPIRED") || is_kw(t, "ALL") {
            let (i, k) = self.event_kind(i)?;
            (i, Some(k))
        } else {
            (i, None)
        };
        let (i, _) = kw("INTO")(i).map_err(|_| {
            nom::Err::Error(PErr::exp(
                i,
                if kind.is_some() {
                    "`INTO`"
                } else {
                    "`INTO`, `CURRENT`, `EXPIRED` or `ALL`"
                },
            ))
        })?;
        let (i, inner) = match punct("#")(i) {
            Ok((r, _)) => (r, true),
            Err(_) => (i, false),
        };
        let (i, target) = self.ident(i)?;
        Ok((
            i,
            Insert {
                kind,
                target,
                inner,
            },
        ))
    }

    fn select_list(&self, i: Toks<'t>) -> R<'t, SelectList> {
        if let Ok((r, sp)) = punct("*")(i) {
            return Ok((r, SelectList::Star(sp)));
        }
        let (i, items) = self.sep1(i, ",", |i| self.select_item(i))?;
        Ok((i, SelectList::Items(items)))
    }

    fn select_item(&self, i: Toks<'t>) -> R<'t, SelectItem> {
        if is_name(peek(i)) && is_punct(peek_at(i, 1), ".") && is_punct(peek_at(i, 2), "*") {
            let (r, q) = self.ident(i)?;
            return Ok((adv(adv(r)), SelectItem::QualifiedStar(q)));
        }
        let (i, expr) = self.expr(i)?;
        let (i, alias) = self.opt_alias(i)?;
        Ok((i, SelectItem::Expr { expr, alias }))
    }

    /// `[AS] ident`; without AS only a non-reserved word or quoted name.
    fn opt_alias(&self, i: Toks<'t>) -> R<'t, Option<Ident>> {
        if let Ok((r, _)) = kw("AS")(i) {
            let (r, a) = cutr(self.ident(r))?;
            Ok((r, Some(a)))
        } else if is_name(peek(i)) {
            let (r, a) = self.ident(i)?;
            Ok((r, Some(a)))
        } else {
            Ok((i, None))
        }
    }

    fn order_key(&self, i: Toks<'t>) -> R<'t, OrderKey> {
        let (i, expr) = self.expr(i)?;
        let t = peek(i);
        if is_kw(t, "DESC") {
            Ok((adv(i), OrderKey { expr, desc: true }))
        } else if is_kw(t, "ASC") {
            Ok((adv(i), OrderKey { expr, desc: false }))
        } else {
            Ok((i, OrderKey { expr, desc: false }))
        }
    }

    fn output_rate(&self, i: Toks<'t>) -> R<'t, OutputRate> {
        let start = self.start(i);
        let (i, _) = kw("OUTPUT")(i)?;
        let t = peek(i);
        let (i, mode) = if is_kw(t, "ALL") {
            (adv(i), RateMode::All)
        } else if is_kw(t, "FIRST") {
            (adv(i), RateMode::First)
        } else if is_kw(t, "LAST") {
            (adv(i), RateMode::Last)
        } else if is_kw(t, "SNAPSHOT") {
            (adv(i), RateMode::Snapshot)
        } else {
            (i, RateMode::Default)
        };
        let (i, _) = kw("EVERY")(i).map_err(|_| {
            let what = if mode == RateMode::Default {
                "`EVERY`, `ALL`, `FIRST`, `LAST` or `SNAPSHOT`"
            } else {
                "`EVERY`"
            };
            nom::Err::Failure(PErr::exp(i, what))
        })?;
        let (i, every) =
            if matches!(peek(i).kind, TokKind::Int { .. }) && is_kw(peek_at(i, 1), "EVENTS") {
                let (r, n) = self.uint(i, "EVERY … EVENTS")?;
                (adv(r), RateEvery::Events(n.0, n.1))
            } else {
                let (r, d) = cutr(self.duration(i, true))?;
                (r, RateEvery::Time(d))
            };
        Ok((
            i,
            OutputRate {
                mode,
                every,
                span: self.sp(start, i),
            },
        ))
    }

    fn source_clause(&self, i: Toks<'t>) -> R<'t, From> {
        let t = peek(i);
        if (is_kw(t, "PATTERN") || is_kw(t, "SEQUENCE")) && is_punct(peek_at(i, 1), "(") {
            let (r, p) = self.pattern_source(i)?;
            return Ok((r, From::Pattern(Box::new(p))));
        }
        let start = self.start(i);
        let (i, left) = self.stream_source(i)?;
        let (i, left_uni) = match kw("UNIDIRECTIONAL")(i) {
            Ok((r, _)) => (r, true),
            Err(_) => (i, false),
        };
        // `A NATURAL JOIN B` reads `NATURAL` as A's alias; say what it really is.
        if let Some(a) = left.alias.as_ref() {
            if a.name.eq_ignore_ascii_case("NATURAL") && self.join_op(i).is_ok() {
                return failure(
                    i,
                    Diagnostic::error("E0009", "NATURAL JOIN is not supported")
                        .at(a.span)
                        .label("natural joins match columns by name")
                        .help("write the join condition: `A JOIN B ON A.x = B.x`"),
                );
            }
        }
        let (i, kind) = match self.join_op(i) {
            Ok(x) => x,
            Err(e) => {
                if left_uni {
                    return Err(e);
                }
                return Ok((i, From::Stream(left)));
            }
        };
        let (i, right) = cutr(self.stream_source(i))?;
        let (i, right_uni) = match kw("UNIDIRECTIONAL")(i) {
            Ok((r, _)) => (r, true),
            Err(_) => (i, false),
        };
        if is_kw(peek(i), "USING") {
            return failure(
                i,
                Diagnostic::error("E0009", "JOIN … USING is not supported")
                    .at(peek(i).span)
                    .label("a join condition by column names")
                    .help("write the join condition: `A JOIN B ON A.x = B.x`"),
            );
        }
        let (i, on) = opt(preceded(kw("ON"), cut(|i| self.expr(i)))).parse(i)?;
        // A second join (`A JOIN B ON … JOIN C …`): one join per query (§2.8).
        if self.join_op(i).is_ok() {
            return failure(
                i,
                Diagnostic::error("E0009", "a query joins at most two streams")
                    .at(peek(i).span)
                    .label("a second join")
                    .help("join two streams into an intermediate stream with one query, then join that stream with the third in another"),
            );
        }
        let (i, within) = if is_kw(peek(i), "WITHIN") {
            let ws = self.start(i);
            let (i, from) = cutr(self.expr(adv(i)))?;
            let (i, to) = opt(preceded(punct(","), cut(|i| self.expr(i)))).parse(i)?;
            let (i, _) = cutr(kw("PER")(i))?;
            let (i, per) = cutr(self.expr(i))?;
            (
                i,
                Some(AggWithin {
                    from,
                    to,
                    per,
                    span: self.sp(ws, i),
                }),
            )
        } else {
            (i, None)
        };
        Ok((
            i,
            From::Join(Box::new(JoinSource {
                left,
                left_unidirectional: left_uni,
                kind,
                right,
                right_unidirectional: right_uni,
                on,
                within,
                span: self.sp(start, i),
            })),
        ))
    }

    fn join_op(&self, i: Toks<'t>) -> R<'t, JoinKind> {
        let t = peek(i);
        let (i, kind) = if is_kw(t, "JOIN") {
            return Ok((adv(i), JoinKind::Inner));
        } else if is_kw(t, "INNER") {
            (adv(i), JoinKind::Inner)
        } else if is_kw(t, "LEFT") {
            (adv(i), JoinKind::Left)
        } else if is_kw(t, "RIGHT") {
            (adv(i), JoinKind::Right)
        } else if is_kw(t, "FULL") {
            (adv(i), JoinKind::Full)
        } else {
            return err(i, "`JOIN`");
        };
        let i = if kind != JoinKind::Inner && is_kw(peek(i), "OUTER") {
            adv(i)
        } else {
            i
        };
        let (i, _) = cutr(kw("JOIN")(i))?;
        Ok((i, kind))
    }

    fn stream_source(&self, i: Toks<'t>) -> R<'t, StreamSource> {
        let start = self.start(i);
        let (i, inner) = match punct("#")(i) {
            Ok((r, _)) => (r, true),
            Err(_) => (i, false),
        };
        let (i, name) = if inner {
            cutr(self.ident(i))?
        } else {
            self.ident(i)?
        };
        let (i, alias) = self.opt_alias(i)?;
        let (i, window) = if is_kw(peek(i), "WINDOW") {
            let ws = self.start(i);
            let (i, w) = cutr(self.window_body(adv(i), ws))?;
            (i, Some(w))
        } else {
            (i, None)
        };
        // `S WINDOW(...) AS a` is accepted too (the shared benchmark workload writes
        // it); it means the same as `S AS a WINDOW(...)`.
        let (i, alias) = match (alias, &window) {
            (None, Some(_)) if is_kw(peek(i), "AS") => {
                let (i, a) = self.opt_alias(i)?;
                (i, a)
            }
            (alias, _) => (i, alias),
        };
        Ok((
            i,
            StreamSource {
                name,
                inner,
                alias,
                window,
                span: self.sp(start, i),
            },
        ))
    }

    /// `( 'name' { , arg } )`, after the `WINDOW` keyword.
    fn window_body(&self, i: Toks<'t>, kw_start: usize) -> R<'t, WindowSpec> {
        let (i, _) = punct("(")(i)?;
        let (mut i, name) = self.string_lit(i).map_err(|e| match e {
            nom::Err::Error(e) => nom::Err::Failure(
                e.with_help("the window name comes first, e.g. WINDOW('length', 10)"),
            ),
            other => other,
        })?;
        let prev = self.dur_ok.replace(true);
        let mut args = Vec::new();
        let res = loop {
            if let Ok((r, _)) = punct(",")(i) {
                match cutr(self.expr(r)) {
                    Ok((r, e)) => {
                        args.push(e);
                        i = r;
                    }
                    Err(e) => break Err(e),
                }
            } else if let Ok((r, _)) = punct(")")(i) {
                i = r;
                break Ok(());
            } else {
                break Err(nom::Err::Failure(PErr {
                    rem: i.0.len(),
                    expected: vec!["`,`".into(), "`)`".into()],
                    help: None,
                    diag: None,
                }));
            }
        };
        self.dur_ok.set(prev);
        res?;
        Ok((
            i,
            WindowSpec {
                name,
                args,
                span: self.sp(kw_start, i),
            },
        ))
    }

    // ------------------------------------------------------------ patterns

    fn pattern_source(&self, i: Toks<'t>) -> R<'t, PatternSource> {
        let start = self.start(i);
        let sequence = is_kw(peek(i), "SEQUENCE");
        let (i, _) = punct("(")(adv(i))?;
        let (i, expr) = cutr(self.pat_expr(i))?;
        let (i, _) = cutr(punct(")")(i).map_err(|_| {
            nom::Err::Error(PErr {
                rem: i.0.len(),
                expected: vec!["`->`".into(), "`)`".into()],
                help: None,
                diag: None,
            })
        }))?;
        let (i, within) = if is_kw(peek(i), "WITHIN") {
            let r = adv(i);
            if matches!(peek(r).kind, TokKind::Int { .. }) && is_kw(peek_at(r, 1), "EVENTS") {
                let (r, n) = self.uint(r, "WITHIN … EVENTS")?;
                (adv(r), Some(PatWithin::Events(n.0, n.1)))
            } else {
                let (r, d) = cutr(self.duration(r, true))?;
                (r, Some(PatWithin::Time(d)))
            }
        } else {
            (i, None)
        };
        Ok((
            i,
            PatternSource {
                sequence,
                expr,
                within,
                span: self.sp(start, i),
            },
        ))
    }

    fn pat_expr(&self, i: Toks<'t>) -> R<'t, PatExpr> {
        let start = self.start(i);
        let (i, terms) = self.sep1(i, "->", |i| self.pat_term(i))?;
        Ok((
            i,
            PatExpr {
                terms,
                span: self.sp(start, i),
            },
        ))
    }

    fn pat_term(&self, i: Toks<'t>) -> R<'t, PatTerm> {
        let start = self.start(i);
        let (i, every) = match kw("EVERY")(i) {
            Ok((r, _)) => (r, true),
            Err(_) => (i, false),
        };
        let (i, factor) = if every {
            cutr(self.pat_factor(i))?
        } else {
            self.pat_factor(i)?
        };
        Ok((
            i,
            PatTerm {
                every,
                factor,
                span: self.sp(start, i),
            },
        ))
    }

    fn pat_factor(&self, i: Toks<'t>) -> R<'t, PatFactor> {
        if let Ok((r, _)) = punct("(")(i) {
            let (r, e) = self.nested(r, |r| cutr(self.pat_expr(r)))?;
            let (r, _) = cutr(punct(")")(r).map_err(|_| {
                nom::Err::Error(PErr {
                    rem: r.0.len(),
                    expected: vec!["`->`".into(), "`)`".into()],
                    help: None,
                    diag: None,
                })
            }))?;
            return Ok((r, PatFactor::Group(Box::new(e))));
        }
        let (i, a) = self.pat_elem(i)?;
        if let Ok((r, _)) = kw("AND")(i) {
            let (r, b) = cutr(self.pat_elem(r))?;
            return Ok((r, PatFactor::And(a, b)));
        }
        if let Ok((r, _)) = kw("OR")(i) {
            let (r, b) = cutr(self.pat_elem(r))?;
            return Ok((r, PatFactor::Or(a, b)));
        }
        Ok((i, PatFactor::Elem(a)))
    }

    fn pat_filter(&self, i: Toks<'t>) -> R<'t, Option<Expr>> {
        if let Ok((r, _)) = punct("[")(i) {
            let (r, e) = cutr(self.expr(r))?;
            let (r, _) = cutr(punct("]")(r))?;
            Ok((r, Some(e)))
        } else {
            Ok((i, None))
        }
    }

    fn pat_elem(&self, i: Toks<'t>) -> R<'t, PatElem> {
        let start = self.start(i);
        if let Ok((r, _)) = kw("NOT")(i) {
            let (r, stream) = cutr(self.ident(r))?;
            let (r, filter) = self.pat_filter(r)?;
            let (r, for_) = opt(preceded(kw("FOR"), cut(|i| self.duration(i, true)))).parse(r)?;
            return Ok((
                r,
                PatElem::Absent {
                    stream,
                    filter,
                    for_,
                    span: self.sp(start, r),
                },
            ));
        }
        let (i, first) = self.ident(i).map_err(|e| match e {
            nom::Err::Error(e) => {
                nom::Err::Error(PErr::exp(i, "a pattern element (e.g. `e1=Stream`)").or(e))
            }
            o => o,
        })?;
        let (i, alias, stream) = if let Ok((r, _)) = punct("=")(i) {
            let (r, s) = cutr(self.ident(r))?;
            (r, Some(first), s)
        } else {
            (i, None, first)
        };
        let (i, filter) = self.pat_filter(i)?;
        let (i, quant) = self.quantifier(i)?;
        Ok((
            i,
            PatElem::Bind {
                alias,
                stream,
                filter,
                quant,
                span: self.sp(start, i),
            },
        ))
    }

    fn quantifier(&self, i: Toks<'t>) -> R<'t, Option<Quantifier>> {
        let t = peek(i);
        if is_punct(t, "+") {
            return Ok((adv(i), Some(Quantifier::Plus)));
        }
        if is_punct(t, "*") {
            return Ok((adv(i), Some(Quantifier::Star)));
        }
        if is_punct(t, "?") {
            return Ok((adv(i), Some(Quantifier::Question)));
        }
        if !is_punct(t, "{") {
            return Ok((i, None));
        }
        let start = t.span.start;
        let r = adv(i);
        let (r, min) = if is_punct(peek(r), ",") {
            (r, None)
        } else {
            let (r, (n, _)) = cutr(self.u32_of(r))?;
            (r, Some(n))
        };
        let (r, q) = if let Ok((r, _)) = punct(",")(r) {
            let (r, max) = if matches!(peek(r).kind, TokKind::Int { .. }) {
                let (r, (n, _)) = cutr(self.u32_of(r))?;
                (r, Some(n))
            } else if min.is_none() {
                return cutr(err(r, "a maximum count"));
            } else {
                (r, None)
            };
            (
                r,
                Quantifier::Count {
                    min: min.unwrap_or(0),
                    max,
                },
            )
        } else {
            match min {
                Some(n) => (
                    r,
                    Quantifier::Count {
                        min: n,
                        max: Some(n),
                    },
                ),
                None => return cutr(err(r, "`,`")),
            }
        };
        let (r, _) = cutr(punct("}")(r).map_err(|_| {
            nom::Err::Error(
                PErr::exp(r, "`}`").with_help("quantifiers are {n}, {n,m}, {n,} or {,m}"),
            )
        }))?;
        if let Quantifier::Count {
            min,
            max: Some(max),
        } = q
        {
            if min > max {
                return failure(
                    i,
                    Diagnostic::error(
                        "E0008",
                        format!(
                            "pattern quantifier minimum {min} is greater than its maximum {max}"
                        ),
                    )
                    .at(self.sp(start, r))
                    .label("empty range")
                    .help(format!(
                        "write {{{max},{min}}} if you meant between {max} and {min} events"
                    )),
                );
            }
        }
        Ok((r, Some(q)))
    }

    // ------------------------------------------------------------ table statements

    fn table_alias(&self, i: Toks<'t>) -> R<'t, Option<Ident>> {
        self.opt_alias(i)
    }

    fn update(&self, i: Toks<'t>) -> R<'t, UpdateStmt> {
        let (i, table) = self.ident(i)?;
        let (i, alias) = self.table_alias(i)?;
        let (i, _) = cutr(kw("SET")(i))?;
        let (i, sets) = cutr(self.sep1(i, ",", |i| {
            let (i, a) = self.ident(i)?;
            let (i, qualifier, column) = if let Ok((r, _)) = punct(".")(i) {
                let (r, c) = cutr(self.ident(r))?;
                (r, Some(a), c)
            } else {
                (i, None, a)
            };
            let (i, _) = cutr(punct("=")(i).or_else(|_| punct("==")(i)))?;
            let (i, value) = cutr(self.expr(i))?;
            Ok((
                i,
                SetItem {
                    qualifier,
                    column,
                    value,
                },
            ))
        }))?;
        let (i, _) = cutr(kw("FROM")(i))?;
        let (i, from) = cutr(self.stream_source(i))?;
        let (i, _) = cutr(kw("WHERE")(i))?;
        let (i, where_) = cutr(self.expr(i))?;
        Ok((
            i,
            UpdateStmt {
                table,
                alias,
                sets,
                from,
                where_,
            },
        ))
    }

    fn delete(&self, i: Toks<'t>) -> R<'t, DeleteStmt> {
        let (i, _) = kw("FROM")(i)?;
        let (i, table) = cutr(self.ident(i))?;
        let (i, alias) = self.table_alias(i)?;
        let (i, _) = cutr(kw("USING")(i))?;
        let (i, using) = cutr(self.stream_source(i))?;
        let (i, _) = cutr(kw("WHERE")(i))?;
        let (i, where_) = cutr(self.expr(i))?;
        Ok((
            i,
            DeleteStmt {
                table,
                alias,
                using,
                where_,
            },
        ))
    }

    fn upsert(&self, i: Toks<'t>) -> R<'t, UpsertStmt> {
        let (i, _) = kw("INTO")(i)?;
        let (i, table) = cutr(self.ident(i))?;
        let (i, _) = cutr(kw("SELECT")(i))?;
        let (i, select) = cutr(self.select_list(i))?;
        let (i, _) = cutr(kw("FROM")(i))?;
        let (i, from) = cutr(self.stream_source(i))?;
        let (i, where_) = opt(preceded(kw("WHERE"), cut(|i| self.expr(i)))).parse(i)?;
        let (i, _) = cutr(kw("ON")(i))?;
        let (i, on) = cutr(self.expr(i))?;
        Ok((
            i,
            UpsertStmt {
                table,
                select,
                from,
                where_,
                on,
            },
        ))
    }

    // ------------------------------------------------------------ partitions

    fn partition(&self, i: Toks<'t>) -> R<'t, Partition> {
        let (i, _) = kw("WITH")(i)?;
        let (i, keys) = cutr(self.paren_list(i, |i| self.partition_key(i)))?;
        let (i, with) = self.opt_with(i)?;
        let (mut i, _) = cutr(kw("BEGIN")(i))?;
        let mut body = Vec::new();
        loop {
            while let Ok((r, _)) = punct(";")(i) {
                i = r;
            }
            if let Ok((r, _)) = kw("END")(i) {
                if body.is_empty() {
                    return cutr(err(i, "a query"));
                }
                return Ok((r, Partition { keys, with, body }));
            }
            let (r, s) = cutr(self.statement(i, true))?;
            body.push(s);
            let t = peek(r);
            if !is_punct(t, ";") && !is_kw(t, "END") {
                return cutr(err(r, "`;` or `END`"));
            }
            i = r;
        }
    }

    fn partition_key(&self, i: Toks<'t>) -> R<'t, PartitionKey> {
        let start = self.start(i);
        if is_name(peek(i)) && is_kw(peek_at(i, 1), "OF") {
            let (r, attr) = self.ident(i)?;
            let (r, stream) = cutr(self.ident(adv(r)))?;
            return Ok((
                r,
                PartitionKey::Value {
                    attr,
                    stream,
                    span: self.sp(start, r),
                },
            ));
        }
        let mut ranges = Vec::new();
        let mut i = i;
        loop {
            // Conditions are parsed at AND level: an OR inside one must be parenthesised.
            let (r, cond) = self.nested(i, |i| self.and_expr(i))?;
            let (r, _) = cutr(kw("AS")(r).map_err(|_| {
                nom::Err::Error(
                    PErr::exp(r, "`AS`")
                        .with_help("a range condition that contains OR must be parenthesised"),
                )
            }))?;
            let (r, label) = cutr(self.string_lit(r))?;
            ranges.push((cond, label));
            if let Ok((r2, _)) = kw("OR")(r) {
                i = r2;
                continue;
            }
            let (r, _) = cutr(kw("OF")(r).map_err(|_| {
                nom::Err::Error(PErr {
                    rem: r.0.len(),
                    expected: vec!["`OR`".into(), "`OF`".into()],
                    help: None,
                    diag: None,
                })
            }))?;
            let (r, stream) = cutr(self.ident(r))?;
            return Ok((
                r,
                PartitionKey::Range {
                    ranges,
                    stream,
                    span: self.sp(start, r),
                },
            ));
        }
    }

    // ------------------------------------------------------------ expressions (§1.8)

    pub(crate) fn expr(&self, i: Toks<'t>) -> R<'t, Expr> {
        self.nested(i, |i| self.or_expr(i))
    }

    /// Left-assoc fold. Every folded operator counts one level of depth (restored
    /// afterwards) so long chains cannot build an arbitrarily deep tree.
    fn fold(
        &self,
        i: Toks<'t>,
        next: fn(&Self, Toks<'t>) -> R<'t, Expr>,
        op: fn(&Tok) -> Option<BinaryOp>,
    ) -> R<'t, Expr> {
        let (mut i, mut left) = next(self, i)?;
        let base = self.depth.get();
        let res = loop {
            let Some(o) = op(peek(i)) else { break Ok(()) };
            if self.depth.get() >= MAX_DEPTH {
                break Err(nom::Err::Failure(PErr::diag(
                    i,
                    Diagnostic::error(
                        "E0005",
                        format!("expression too long (more than {MAX_DEPTH} chained operators)"),
                    )
                    .at(peek(i).span)
                    .label("too deeply nested")
                    .help("split the expression"),
                )));
            }
            self.depth.set(self.depth.get() + 1);
            match cutr(next(self, adv(i))) {
                Ok((r, right)) => {
                    let span = left.span.to(right.span);
                    left = Expr::new(
                        ExprKind::Binary {
                            op: o,
                            left: Box::new(left),
                            right: Box::new(right),
                        },
                        span,
                    );
                    i = r;
                }
                Err(e) => break Err(e),
            }
        };
        self.depth.set(base);
        res?;
        Ok((i, left))
    }

    fn or_expr(&self, i: Toks<'t>) -> R<'t, Expr> {
        self.fold(i, Self::and_expr, |t| {
            is_kw(t, "OR").then_some(BinaryOp::Or)
        })
    }

    fn and_expr(&self, i: Toks<'t>) -> R<'t, Expr> {
        self.fold(i, Self::not_expr, |t| {
            is_kw(t, "AND").then_some(BinaryOp::And)
        })
    }

    fn not_expr(&self, i: Toks<'t>) -> R<'t, Expr> {
        let t = peek(i);
        if !is_kw(t, "NOT") {
            return self.cmp_expr(i);
        }
        let r = adv(i);
        if is_kw(peek(r), "EXISTS")
            && is_punct(peek_at(r, 1), "(")
            && is_kw(peek_at(r, 2), "SELECT")
        {
            return self.exists(r, true, t.span.start);
        }
        let (r, e) = self.nested(r, |r| cutr(self.not_expr(r)))?;
        let span = Span::new(t.span.start, e.span.end);
        Ok((
            r,
            Expr::new(
                ExprKind::Unary {
                    op: UnaryOp::Not,
                    expr: Box::new(e),
                },
                span,
            ),
        ))
    }

    fn cmp_expr(&self, i: Toks<'t>) -> R<'t, Expr> {
        let (i, left) = self.add_expr(i)?;
        let (r, e) = self.cmp_tail(i, left)?;
        if r.0.len() != i.0.len() && cmp_start(r) {
            let t = peek(r);
            return failure(
                r,
                Diagnostic::error(
                    "E0001",
                    format!(
                        "comparison operators cannot be chained, found {}",
                        self.describe(t)
                    ),
                )
                .at(t.span)
                .label("second comparison")
                .help("add parentheses, or combine the comparisons with AND"),
            );
        }
        Ok((r, e))
    }

    fn cmp_tail(&self, i: Toks<'t>, left: Expr) -> R<'t, Expr> {
        let t = peek(i);
        let start = left.span.start;
        let cmp = match t.kind {
            TokKind::Punct("=") | TokKind::Punct("==") => Some(BinaryOp::Eq),
            TokKind::Punct("!=") | TokKind::Punct("<>") => Some(BinaryOp::NotEq),
            TokKind::Punct("<") => Some(BinaryOp::Lt),
            TokKind::Punct("<=") => Some(BinaryOp::Le),
            TokKind::Punct(">") => Some(BinaryOp::Gt),
            TokKind::Punct(">=") => Some(BinaryOp::Ge),
            _ => None,
        };
        if let Some(op) = cmp {
            let (r, right) = cutr(self.add_expr(adv(i)))?;
            let span = Span::new(start, right.span.end);
            return Ok((
                r,
                Expr::new(
                    ExprKind::Binary {
                        op,
                        left: Box::new(left),
                        right: Box::new(right),
                    },
                    span,
                ),
            ));
        }
        if is_kw(t, "IS") {
            let r = adv(i);
            let (r, negated) = match kw("NOT")(r) {
                Ok((r, _)) => (r, true),
                Err(_) => (r, false),
            };
            let (r, _) = cutr(kw("NULL")(r))?;
            let span = self.sp(start, r);
            return Ok((
                r,
                Expr::new(
                    ExprKind::IsNull {
                        expr: Box::new(left),
                        negated,
                    },
                    span,
                ),
            ));
        }
        let (r, negated) = if is_kw(t, "NOT")
            && (is_kw(peek_at(i, 1), "BETWEEN")
                || is_kw(peek_at(i, 1), "IN")
                || is_kw(peek_at(i, 1), "LIKE"))
        {
            (adv(i), true)
        } else {
            (i, false)
        };
        let t = peek(r);
        if is_kw(t, "BETWEEN") {
            let (r, low) = cutr(self.add_expr(adv(r)))?;
            let (r, _) = cutr(kw("AND")(r))?;
            let (r, high) = cutr(self.add_expr(r))?;
            let span = self.sp(start, r);
            return Ok((
                r,
                Expr::new(
                    ExprKind::Between {
                        expr: Box::new(left),
                        low: Box::new(low),
                        high: Box::new(high),
                        negated,
                    },
                    span,
                ),
            ));
        }
        if is_kw(t, "IN") {
            let r = adv(r);
            let (r, list) = if is_punct(peek(r), "(") && is_punct(peek_at(r, 1), ")") {
                (adv(adv(r)), Vec::new())
            } else {
                cutr(self.paren_list(r, |i| self.expr(i)))?
            };
            let span = self.sp(start, r);
            return Ok((
                r,
                Expr::new(
                    ExprKind::InList {
                        expr: Box::new(left),
                        list,
                        negated,
                    },
                    span,
                ),
            ));
        }
        if is_kw(t, "LIKE") {
            let (r, pattern) = cutr(self.add_expr(adv(r)))?;
            // `ESCAPE` is contextual: if no expression follows, it is not ours (e.g. an alias).
            let (r, escape) = match kw("ESCAPE")(r) {
                Ok((r2, _)) => match self.add_expr(r2) {
                    Ok((r3, e)) => (r3, Some(Box::new(e))),
                    Err(nom::Err::Failure(e)) => return Err(nom::Err::Failure(e)),
                    Err(_) => (r, None),
                },
                Err(_) => (r, None),
            };
            let span = self.sp(start, r);
            return Ok((
                r,
                Expr::new(
                    ExprKind::Like {
                        expr: Box::new(left),
                        pattern: Box::new(pattern),
                        escape,
                        negated,
                    },
                    span,
                ),
            ));
        }
        Ok((i, left))
    }

    fn add_expr(&self, i: Toks<'t>) -> R<'t, Expr> {
        self.fold(i, Self::mul_expr, |t| match t.kind {
            TokKind::Punct("+") => Some(BinaryOp::Add),
            TokKind::Punct("-") => Some(BinaryOp::Sub),
            _ => None,
        })
    }

    fn mul_expr(&self, i: Toks<'t>) -> R<'t, Expr> {
        self.fold(i, Self::unary, |t| match t.kind {
            TokKind::Punct("*") => Some(BinaryOp::Mul),
            TokKind::Punct("/") => Some(BinaryOp::Div),
            TokKind::Punct("%") => Some(BinaryOp::Mod),
            _ => None,
        })
    }

    fn unary(&self, i: Toks<'t>) -> R<'t, Expr> {
        let t = peek(i);
        let op = match t.kind {
            TokKind::Punct("-") => UnaryOp::Neg,
            TokKind::Punct("+") => UnaryOp::Plus,
            _ => return self.primary(i),
        };
        let (r, e) = self.nested(adv(i), |r| cutr(self.unary(r)))?;
        let span = Span::new(t.span.start, e.span.end);
        Ok((
            r,
            Expr::new(
                ExprKind::Unary {
                    op,
                    expr: Box::new(e),
                },
                span,
            ),
        ))
    }

    fn primary(&self, i: Toks<'t>) -> R<'t, Expr> {
        let t = peek(i);
        let lit = |r: Toks<'t>, l: Literal| Ok((r, Expr::new(ExprKind::Literal(l), t.span)));
        match &t.kind {
            TokKind::Int { value, long } => {
                if self.dur_ok.get() {
                    if let TokKind::Word(w) = &peek_at(i, 1).kind {
                        if time_unit(w).is_some() || !is_reserved(w) {
                            let (r, d) = self.duration(i, false)?;
                            let span = d.span;
                            return Ok((r, Expr::new(ExprKind::Duration(d), span)));
                        }
                    }
                }
                lit(
                    adv(i),
                    Literal::Int {
                        value: *value,
                        long_suffix: *long,
                    },
                )
            }
            TokKind::Float { value, float } => lit(
                adv(i),
                Literal::Float {
                    value: *value,
                    float_suffix: *float,
                },
            ),
            TokKind::Str(s) => lit(adv(i), Literal::String(s.clone())),
            TokKind::Punct("(") => {
                let (r, e) = cutr(self.expr(adv(i)))?;
                let (r, _) = punct(")")(r).map_err(|_| {
                    let d = self
                        .to_diag(nom::Err::Error(PErr::exp(r, "`)`")))
                        .with_secondary(t.span, "this `(` is not closed");
                    nom::Err::Failure(PErr::diag(r, d))
                })?;
                // Parentheses are not kept in the AST; the span keeps covering them.
                Ok((r, Expr::new(e.kind, self.sp(t.span.start, r))))
            }
            TokKind::Word(w) => {
                let u = w.to_ascii_uppercase();
                let next = peek_at(i, 1);
                match u.as_str() {
                    "TRUE" => return lit(adv(i), Literal::Bool(true)),
                    "FALSE" => return lit(adv(i), Literal::Bool(false)),
                    "NULL" => return lit(adv(i), Literal::Null),
                    "CASE" => return self.case(i),
                    "CAST" if is_punct(next, "(") => return self.cast(i),
                    "EXISTS" if is_punct(next, "(") && is_kw(peek_at(i, 2), "SELECT") => {
                        return self.exists(i, false, t.span.start)
                    }
                    "INTERVAL" if matches!(next.kind, TokKind::Str(_)) => {
                        let (r, d) = self.interval(i)?;
                        let span = d.span;
                        return Ok((r, Expr::new(ExprKind::Duration(d), span)));
                    }
                    _ => {}
                }
                if is_punct(next, "(") && u != "NOT" {
                    return self.call(i, None);
                }
                if is_punct(next, ":")
                    && is_name_or_word(peek_at(i, 2))
                    && is_punct(peek_at(i, 3), "(")
                {
                    return self.call(adv(adv(i)), Some(Ident::new(w.clone(), t.span)));
                }
                if is_reserved(w) {
                    let mut e = PErr::exp(i, "an expression");
                    if !matches!(
                        u.as_str(),
                        "NOT" | "FROM" | "WHERE" | "AND" | "OR" | "END" | "THEN" | "ELSE" | "WHEN"
                    ) {
                        e = e.with_help(format!(
                            "`{w}` is a reserved word; write \"{w}\" to use it as a name"
                        ));
                    }
                    return Err(nom::Err::Error(e));
                }
                self.column(i)
            }
            TokKind::QIdent(_) => {
                if is_punct(peek_at(i, 1), "(") {
                    return self.call(i, None);
                }
                self.column(i)
            }
            _ => err(i, "an expression"),
        }
    }

    fn column(&self, i: Toks<'t>) -> R<'t, Expr> {
        let start = self.start(i);
        let (i, first) = self.ident(i)?;
        if let Ok((r, _)) = punct("[")(i) {
            // e[0].x, e[last].x, e[last - k].x
            let t = peek(r);
            let (r, index) = if is_kw(t, "LAST") {
                let r = adv(r);
                if let Ok((r2, _)) = punct("-")(r) {
                    let (r2, (k, _)) = cutr(self.u32_of(r2))?;
                    (r2, EventIndex::Last(k))
                } else {
                    (r, EventIndex::Last(0))
                }
            } else {
                let (r, (n, _)) = cutr(self.u32_of(r).map_err(|e| match e {
                    nom::Err::Error(_) => {
                        nom::Err::Error(PErr::exp(r, "an index (`0`, `last` or `last-1`)"))
                    }
                    o => o,
                }))?;
                (r, EventIndex::At(n))
            };
            let (r, _) = cutr(punct("]")(r))?;
            let (r, _) = cutr(punct(".")(r))?;
            let (r, attr) = cutr(self.ident(r))?;
            return Ok((
                r,
                Expr::new(
                    ExprKind::Indexed {
                        alias: first,
                        index,
                        attr,
                    },
                    self.sp(start, r),
                ),
            ));
        }
        if is_punct(peek(i), ".") && !is_punct(peek_at(i, 1), "*") {
            let (r, name) = cutr(self.ident(adv(i)))?;
            return Ok((
                r,
                Expr::new(
                    ExprKind::Column {
                        qualifier: Some(first),
                        name,
                    },
                    self.sp(start, r),
                ),
            ));
        }
        let span = first.span;
        Ok((
            i,
            Expr::new(
                ExprKind::Column {
                    qualifier: None,
                    name: first,
                },
                span,
            ),
        ))
    }

    fn call(&self, i: Toks<'t>, ns: Option<Ident>) -> R<'t, Expr> {
        let start = ns.as_ref().map(|n| n.span.start).unwrap_or(self.start(i));
        let t = peek(i);
        let name = match &t.kind {
            TokKind::Word(w) | TokKind::QIdent(w) => Ident::new(w.clone(), t.span),
            _ => return err(i, "a function name"),
        };
        let r = adv(adv(i)); // name and `(`
        let mk = |r: Toks<'t>, args, star, distinct, name| {
            Ok((
                r,
                Expr::new(
                    ExprKind::Func {
                        ns: ns.clone(),
                        name,
                        args,
                        star,
                        distinct,
                    },
                    self.sp(start, r),
                ),
            ))
        };
        if let Ok((r2, _)) = punct("*")(r) {
            let (r2, _) = cutr(punct(")")(r2))?;
            return mk(r2, Vec::new(), true, false, name);
        }
        if let Ok((r2, _)) = punct(")")(r) {
            return mk(r2, Vec::new(), false, false, name);
        }
        let is_substring =
            name.name.eq_ignore_ascii_case("SUBSTRING") && matches!(t.kind, TokKind::Word(_));
        let nt = peek(r);
        let (r, distinct) = if is_kw(nt, "DISTINCT")
            && !matches!(
                peek_at(r, 1).kind,
                TokKind::Punct(",") | TokKind::Punct(")") | TokKind::Punct(".")
            ) {
            (adv(r), true)
        } else {
            (r, false)
        };
        let (r, first) = cutr(self.expr(r))?;
        let mut args = vec![first];
        let mut r = r;
        if is_substring && (is_kw(peek(r), "FROM") || is_kw(peek(r), "FOR")) {
            // SUBSTRING(x FROM a FOR b) → substring(x, a, b); a missing FROM means 1.
            if let Ok((r2, _)) = kw("FROM")(r) {
                let (r2, a) = cutr(self.expr(r2))?;
                args.push(a);
                r = r2;
            } else {
                args.push(Expr::new(
                    ExprKind::Literal(Literal::Int {
                        value: 1,
                        long_suffix: false,
                    }),
                    peek(r).span,
                ));
            }
            if let Ok((r2, _)) = kw("FOR")(r) {
                let (r2, b) = cutr(self.expr(r2))?;
                args.push(b);
                r = r2;
            }
        } else {
            while let Ok((r2, _)) = punct(",")(r) {
                let (r2, a) = cutr(self.expr(r2))?;
                args.push(a);
                r = r2;
            }
        }
        let (r, _) = punct(")")(r).map_err(|_| {
            nom::Err::Failure(PErr {
                rem: r.0.len(),
                expected: vec!["`,`".into(), "`)`".into()],
                help: None,
                diag: None,
            })
        })?;
        mk(r, args, false, distinct, name)
    }

    fn case(&self, i: Toks<'t>) -> R<'t, Expr> {
        let start = self.start(i);
        let i = adv(i);
        let (i, operand) = if is_kw(peek(i), "WHEN") {
            (i, None)
        } else {
            let (i, e) = cutr(self.expr(i))?;
            (i, Some(Box::new(e)))
        };
        let mut whens = Vec::new();
        let mut i = cutr(kw("WHEN")(i))?.0;
        loop {
            let (r, c) = cutr(self.expr(i))?;
            let (r, _) = cutr(kw("THEN")(r))?;
            let (r, v) = cutr(self.expr(r))?;
            whens.push((c, v));
            match kw("WHEN")(r) {
                Ok((r2, _)) => i = r2,
                Err(_) => {
                    i = r;
                    break;
                }
            }
        }
        let (i, else_) = opt(preceded(kw("ELSE"), cut(|i| self.expr(i)))).parse(i)?;
        let (i, _) = kw("END")(i).map_err(|_| {
            let exp = if else_.is_some() {
                vec!["`END`".to_string()]
            } else {
                vec!["`WHEN`".into(), "`ELSE`".into(), "`END`".into()]
            };
            nom::Err::Failure(PErr {
                rem: i.0.len(),
                expected: exp,
                help: None,
                diag: None,
            })
        })?;
        Ok((
            i,
            Expr::new(
                ExprKind::Case {
                    operand,
                    whens,
                    else_: else_.map(Box::new),
                },
                self.sp(start, i),
            ),
        ))
    }

    fn cast(&self, i: Toks<'t>) -> R<'t, Expr> {
        let start = self.start(i);
        let (i, _) = punct("(")(adv(i))?;
        let (i, e) = cutr(self.expr(i))?;
        let (i, _) = cutr(kw("AS")(i))?;
        let (i, ty) = cutr(self.type_name(i))?;
        let (i, _) = cutr(punct(")")(i))?;
        Ok((
            i,
            Expr::new(
                ExprKind::Cast {
                    expr: Box::new(e),
                    ty,
                },
                self.sp(start, i),
            ),
        ))
    }

    /// `EXISTS ( SELECT * FROM T WHERE cond )`; `i` is at `EXISTS`.
    fn exists(&self, i: Toks<'t>, negated: bool, start: usize) -> R<'t, Expr> {
        let i = adv(adv(adv(i))); // EXISTS ( SELECT
        let (i, _) = cutr(punct("*")(i).map_err(|_| {
            nom::Err::Error(
                PErr::exp(i, "`*`").with_help("EXISTS takes `SELECT * FROM Table WHERE condition`"),
            )
        }))?;
        let (i, _) = cutr(kw("FROM")(i))?;
        let (i, table) = cutr(self.ident(i))?;
        let (i, _) = cutr(kw("WHERE")(i))?;
        let (i, w) = cutr(self.expr(i))?;
        let (i, _) = cutr(punct(")")(i))?;
        Ok((
            i,
            Expr::new(
                ExprKind::Exists {
                    table,
                    where_: Box::new(w),
                    negated,
                },
                self.sp(start, i),
            ),
        ))
    }
}

fn is_name_or_word(t: &Tok) -> bool {
    matches!(t.kind, TokKind::Word(_) | TokKind::QIdent(_))
}

/// Whether the next token continues a comparison (used to reject `a = b = c`).
fn cmp_start(i: Toks<'_>) -> bool {
    let t = peek(i);
    matches!(
        t.kind,
        TokKind::Punct("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=")
    ) || is_kw(t, "IS")
        || is_kw(t, "BETWEEN")
        || is_kw(t, "LIKE")
        || (is_kw(t, "IN") && is_punct(peek_at(i, 1), "("))
}

fn stmt_keyword(t: &Tok) -> bool {
    [
        "CREATE",
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "UPSERT",
        "PARTITION",
    ]
    .iter()
    .any(|k| is_kw(t, k))
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn bad_unit(w: &str, span: Span) -> Diagnostic {
    let help = match w.to_ascii_uppercase().as_str() {
        "M" => "`M` is ambiguous: write MINUTES or MONTHS".to_string(),
        "H" | "HR" | "HRS" => "write HOURS".to_string(),
        "D" => "write DAYS".to_string(),
        "W" | "WK" => "write WEEKS".to_string(),
        "Y" | "YR" | "YRS" => "write YEARS".to_string(),
        "MINS" => "write MINUTES".to_string(),
        "SECS" => "write SECONDS".to_string(),
        _ => "time units are MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS, WEEKS, MONTHS and YEARS"
            .to_string(),
    };
    Diagnostic::error("E0007", format!("unknown time unit `{w}`"))
        .at(span)
        .label("not a time unit")
        .help(help)
}

#[cfg(test)]
mod tests;
