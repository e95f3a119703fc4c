//! AST → SQL text. Owns the canonical spelling of every node.
//!
//! The contract is `parse(&print(&app)) == Ok(app)` (spans compare equal, so only
//! structure counts). Parentheses are added from the §1.8 precedence table only
//! where the tree needs them; names that are reserved or contextual words, or not
//! plain identifiers, are printed as `"quoted"` identifiers so they read back as
//! the same name. One statement per line, each ending with `;`.

use std::fmt::Write;

use super::ast::*;
use super::parser::is_reserved;
use crate::value::DataType;

/// Prints a whole application, one statement per line.
pub fn print(app: &App) -> String {
    let mut out = String::new();
    for s in &app.statements {
        stmt(&mut out, s, "");
        out.push_str(";\n");
    }
    out
}

/// Prints one expression (used by EXPLAIN and diagnostics).
pub fn print_expr(e: &Expr) -> String {
    let mut out = String::new();
    expr(&mut out, e, LOOSEST);
    out
}

/// Words that are not reserved but mean something in some position; quoting them
/// as names costs nothing and removes every doubt.
const SOFT: &[&str] = &[
    "DISTINCT",
    "EXISTS",
    "INTERVAL",
    "QUERY",
    "AGGREGATE",
    "PER",
    "ESCAPE",
    "LAST",
    "FIRST",
    "SUBSTRING",
    "VARYING",
    "PRECISION",
];

fn ident_str(name: &str) -> String {
    let mut chars = name.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    let soft = SOFT.iter().any(|k| k.eq_ignore_ascii_case(name));
    if plain && !is_reserved(name) && !soft {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

fn id(out: &mut String, i: &Ident) {
    out.push_str(&ident_str(&i.name));
}

fn string(out: &mut String, s: &str) {
    out.push('\'');
    out.push_str(&s.replace('\'', "''"));
    out.push('\'');
}

fn sep<T>(out: &mut String, items: &[T], s: &str, mut f: impl FnMut(&mut String, &T)) {
    for (k, x) in items.iter().enumerate() {
        if k > 0 {
            out.push_str(s);
        }
        f(out, x);
    }
}

// ---------------------------------------------------------------- statements

fn stmt(out: &mut String, s: &Statement, indent: &str) {
    out.push_str(indent);
    match &s.kind {
        StatementKind::CreateStream(c) => {
            out.push_str("CREATE STREAM ");
            id(out, &c.name);
            columns(out, &c.columns);
            with(out, &c.with);
        }
        StatementKind::CreateTable(c) => {
            out.push_str("CREATE TABLE ");
            id(out, &c.name);
            out.push_str(" (");
            sep(out, &c.columns, ", ", column);
            if !c.primary_key.is_empty() {
                if !c.columns.is_empty() {
                    out.push_str(", ");
                }
                out.push_str("PRIMARY KEY (");
                sep(out, &c.primary_key, ", ", id);
                out.push(')');
            }
            out.push(')');
            with(out, &c.with);
        }
        StatementKind::CreateTrigger(t) => {
            out.push_str("CREATE TRIGGER ");
            id(out, &t.name);
            out.push_str(" AT ");
            match &t.at {
                TriggerAt::Start => out.push_str("START"),
                TriggerAt::Every(d) => {
                    out.push_str("EVERY ");
                    duration(out, d);
                }
                TriggerAt::Cron(c) => {
                    out.push_str("CRON ");
                    string(out, &c.value);
                }
            }
        }
        StatementKind::CreateAggregation(a) => {
            out.push_str("CREATE AGGREGATION ");
            id(out, &a.name);
            with(out, &a.with);
            out.push_str(" AS SELECT ");
            select_list(out, &a.select);
            out.push_str(" FROM ");
            id(out, &a.from);
            if let Some(w) = &a.where_ {
                out.push_str(" WHERE ");
                expr(out, w, LOOSEST);
            }
            group_by(out, &a.group_by);
            out.push_str(" AGGREGATE");
            if let Some(b) = &a.by {
                out.push_str(" BY ");
                id(out, b);
            }
            out.push_str(" EVERY ");
            match &a.every {
                Granularities::Range(x, y, _) => {
                    let _ = write!(out, "{} ... {}", gran(*x), gran(*y));
                }
                Granularities::List(v) => sep(out, v, ", ", |o, (g, _)| o.push_str(gran(*g))),
            }
        }
        StatementKind::CreateWindow(w) => {
            out.push_str("CREATE WINDOW ");
            id(out, &w.name);
            columns(out, &w.columns);
            out.push(' ');
            window(out, &w.window);
            if let Some(k) = w.output {
                out.push_str(" OUTPUT ");
                out.push_str(kind(k));
            }
        }
        StatementKind::Query(q) => query(out, q),
        StatementKind::Update(u) => {
            out.push_str("UPDATE ");
            id(out, &u.table);
            if let Some(a) = &u.alias {
                out.push_str(" AS ");
                id(out, a);
            }
            out.push_str(" SET ");
            sep(out, &u.sets, ", ", |o, s| {
                if let Some(q) = &s.qualifier {
                    id(o, q);
                    o.push('.');
                }
                id(o, &s.column);
                o.push_str(" = ");
                expr(o, &s.value, LOOSEST);
            });
            out.push_str(" FROM ");
            stream_source(out, &u.from);
            out.push_str(" WHERE ");
            expr(out, &u.where_, LOOSEST);
        }
        StatementKind::Delete(d) => {
            out.push_str("DELETE FROM ");
            id(out, &d.table);
            if let Some(a) = &d.alias {
                out.push_str(" AS ");
                id(out, a);
            }
            out.push_str(" USING ");
            stream_source(out, &d.using);
            out.push_str(" WHERE ");
            expr(out, &d.where_, LOOSEST);
        }
        StatementKind::Upsert(u) => {
            out.push_str("UPSERT INTO ");
            id(out, &u.table);
            out.push_str(" SELECT ");
            select_list(out, &u.select);
            out.push_str(" FROM ");
            stream_source(out, &u.from);
            if let Some(w) = &u.where_ {
                out.push_str(" WHERE ");
                expr(out, w, LOOSEST);
            }
            out.push_str(" ON ");
            expr(out, &u.on, LOOSEST);
        }
        StatementKind::Partition(p) => {
            out.push_str("PARTITION WITH (");
            sep(out, &p.keys, ", ", partition_key);
            out.push(')');
            with(out, &p.with);
            out.push_str(" BEGIN\n");
            for s in &p.body {
                stmt(out, s, "    ");
                out.push_str(";\n");
            }
            out.push_str(indent);
            out.push_str("END");
        }
    }
}

fn partition_key(out: &mut String, k: &PartitionKey) {
    match k {
        PartitionKey::Value { attr, stream, .. } => {
            id(out, attr);
            out.push_str(" OF ");
            id(out, stream);
        }
        PartitionKey::Range { ranges, stream, .. } => {
            sep(out, ranges, " OR ", |o, (c, l)| {
                // Conditions are read at AND level, so an OR inside gets parentheses.
                expr(o, c, AND);
                o.push_str(" AS ");
                string(o, &l.value);
            });
            out.push_str(" OF ");
            id(out, stream);
        }
    }
}

fn columns(out: &mut String, cols: &[ColumnDef]) {
    out.push_str(" (");
    sep(out, cols, ", ", column);
    out.push(')');
}

fn column(out: &mut String, c: &ColumnDef) {
    id(out, &c.name);
    out.push(' ');
    type_name(out, &c.ty);
    if c.primary_key {
        out.push_str(" PRIMARY KEY");
    }
}

fn type_name(out: &mut String, t: &TypeName) {
    out.push_str(match t.ty {
        DataType::Double if t.lossy_decimal => "DECIMAL",
        DataType::String => "STRING",
        DataType::Int => "INT",
        DataType::Long => "LONG",
        DataType::Float => "FLOAT",
        DataType::Double => "DOUBLE",
        DataType::Bool => "BOOL",
        // Not declarable in SQL (§1.5); printed for completeness of EXPLAIN output.
        DataType::Object => "OBJECT",
    });
}

fn with(out: &mut String, opts: &[WithOption]) {
    if opts.is_empty() {
        return;
    }
    out.push_str(" WITH (");
    sep(out, opts, ", ", |o, w| {
        string(o, &w.key);
        if let Some(v) = &w.value {
            o.push_str(" = ");
            if v.quoted || !bare_value(&v.text) {
                if v.quoted {
                    string(o, &v.text);
                } else {
                    o.push_str(&format!("\"{}\"", v.text.replace('"', "\"\"")));
                }
            } else {
                o.push_str(&v.text);
            }
        }
    });
    out.push(')');
}

/// Whether an unquoted option value reads back as the same text: a dotted word or
/// a (possibly negative) number as the lexer writes it.
fn bare_value(t: &str) -> bool {
    let body = t.strip_prefix('-').unwrap_or(t);
    let numeric = body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'));
    let word = !t.is_empty()
        && t.split('.').all(|p| {
            let mut cs = p.chars();
            cs.next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    numeric || word
}

fn gran(g: Granularity) -> &'static str {
    match g {
        Granularity::Seconds => "SECONDS",
        Granularity::Minutes => "MINUTES",
        Granularity::Hours => "HOURS",
        Granularity::Days => "DAYS",
        Granularity::Months => "MONTHS",
        Granularity::Years => "YEARS",
    }
}

fn kind(k: EventKind) -> &'static str {
    match k {
        EventKind::Current => "CURRENT EVENTS",
        EventKind::Expired => "EXPIRED EVENTS",
        EventKind::All => "ALL EVENTS",
    }
}

fn unit(u: TimeUnit) -> &'static str {
    match u {
        TimeUnit::Millisecond => "MILLISECONDS",
        TimeUnit::Second => "SECONDS",
        TimeUnit::Minute => "MINUTES",
        TimeUnit::Hour => "HOURS",
        TimeUnit::Day => "DAYS",
        TimeUnit::Week => "WEEKS",
        TimeUnit::Month => "MONTHS",
        TimeUnit::Year => "YEARS",
    }
}

fn duration(out: &mut String, d: &Duration) {
    sep(out, &d.parts, " ", |o, (n, u)| {
        let _ = write!(o, "{n} {}", unit(*u));
    });
}

// ---------------------------------------------------------------- queries

fn query(out: &mut String, q: &Query) {
    if let Some(n) = &q.name {
        out.push_str("CREATE QUERY ");
        id(out, n);
        out.push_str(" AS ");
    }
    if let Some(ins) = &q.insert {
        out.push_str("INSERT ");
        if let Some(k) = ins.kind {
            out.push_str(kind(k));
            out.push(' ');
        }
        out.push_str("INTO ");
        if ins.inner {
            out.push('#');
        }
        id(out, &ins.target);
        out.push(' ');
    }
    out.push_str("SELECT ");
    select_list(out, &q.select);
    out.push_str(" FROM ");
    match &q.from {
        From::Stream(s) => stream_source(out, s),
        From::Join(j) => {
            stream_source(out, &j.left);
            if j.left_unidirectional {
                out.push_str(" UNIDIRECTIONAL");
            }
            out.push_str(match j.kind {
                JoinKind::Inner => " JOIN ",
                JoinKind::Left => " LEFT OUTER JOIN ",
                JoinKind::Right => " RIGHT OUTER JOIN ",
                JoinKind::Full => " FULL OUTER JOIN ",
            });
            stream_source(out, &j.right);
            if j.right_unidirectional {
                out.push_str(" UNIDIRECTIONAL");
            }
            if let Some(on) = &j.on {
                out.push_str(" ON ");
                expr(out, on, LOOSEST);
            }
            if let Some(w) = &j.within {
                out.push_str(" WITHIN ");
                expr(out, &w.from, LOOSEST);
                if let Some(t) = &w.to {
                    out.push_str(", ");
                    expr(out, t, LOOSEST);
                }
                out.push_str(" PER ");
                expr(out, &w.per, LOOSEST);
            }
        }
        From::Pattern(p) => {
            out.push_str(if p.sequence {
                "SEQUENCE ("
            } else {
                "PATTERN ("
            });
            pat_expr(out, &p.expr);
            out.push(')');
            match &p.within {
                None => {}
                Some(PatWithin::Time(d)) => {
                    out.push_str(" WITHIN ");
                    duration(out, d);
                }
                Some(PatWithin::Events(n, _)) => {
                    let _ = write!(out, " WITHIN {n} EVENTS");
                }
            }
        }
    }
    if let Some(w) = &q.where_ {
        out.push_str(" WHERE ");
        expr(out, w, LOOSEST);
    }
    group_by(out, &q.group_by);
    if let Some(h) = &q.having {
        out.push_str(" HAVING ");
        expr(out, h, LOOSEST);
    }
    if !q.order_by.is_empty() {
        out.push_str(" ORDER BY ");
        sep(out, &q.order_by, ", ", |o, k| {
            expr(o, &k.expr, LOOSEST);
            if k.desc {
                o.push_str(" DESC");
            }
        });
    }
    if let Some((n, _)) = q.limit {
        let _ = write!(out, " LIMIT {n}");
    }
    if let Some((n, _)) = q.offset {
        let _ = write!(out, " OFFSET {n}");
    }
    if let Some(r) = &q.output_rate {
        out.push_str(" OUTPUT ");
        out.push_str(match r.mode {
            RateMode::Default => "",
            RateMode::All => "ALL ",
            RateMode::First => "FIRST ",
            RateMode::Last => "LAST ",
            RateMode::Snapshot => "SNAPSHOT ",
        });
        out.push_str("EVERY ");
        match &r.every {
            RateEvery::Events(n, _) => {
                let _ = write!(out, "{n} EVENTS");
            }
            RateEvery::Time(d) => duration(out, d),
        }
    }
}

fn group_by(out: &mut String, keys: &[Expr]) {
    if !keys.is_empty() {
        out.push_str(" GROUP BY ");
        sep(out, keys, ", ", |o, e| expr(o, e, LOOSEST));
    }
}

fn select_list(out: &mut String, s: &SelectList) {
    match s {
        SelectList::Star(_) => out.push('*'),
        SelectList::Items(items) => sep(out, items, ", ", |o, it| match it {
            SelectItem::Expr { expr: e, alias } => {
                expr(o, e, LOOSEST);
                if let Some(a) = alias {
                    o.push_str(" AS ");
                    id(o, a);
                }
            }
            SelectItem::QualifiedStar(q) => {
                id(o, q);
                o.push_str(".*");
            }
        }),
    }
}

fn stream_source(out: &mut String, s: &StreamSource) {
    if s.inner {
        out.push('#');
    }
    id(out, &s.name);
    if let Some(a) = &s.alias {
        out.push_str(" AS ");
        id(out, a);
    }
    if let Some(w) = &s.window {
        out.push(' ');
        window(out, w);
    }
}

fn window(out: &mut String, w: &WindowSpec) {
    out.push_str("WINDOW(");
    string(out, &w.name.value);
    for a in &w.args {
        out.push_str(", ");
        // Window arguments are a duration position: `5 SECONDS` reads back there.
        match &a.kind {
            ExprKind::Duration(d) => duration(out, d),
            _ => expr(out, a, LOOSEST),
        }
    }
    out.push(')');
}

// ---------------------------------------------------------------- patterns

fn pat_expr(out: &mut String, p: &PatExpr) {
    sep(out, &p.terms, " -> ", |o, t| {
        if t.every {
            o.push_str("EVERY ");
        }
        match &t.factor {
            PatFactor::Elem(e) => pat_elem(o, e),
            PatFactor::And(a, b) => {
                pat_elem(o, a);
                o.push_str(" AND ");
                pat_elem(o, b);
            }
            PatFactor::Or(a, b) => {
                pat_elem(o, a);
                o.push_str(" OR ");
                pat_elem(o, b);
            }
            PatFactor::Group(g) => {
                o.push('(');
                pat_expr(o, g);
                o.push(')');
            }
        }
    });
}

fn pat_elem(out: &mut String, e: &PatElem) {
    match e {
        PatElem::Bind {
            alias,
            stream,
            filter,
            quant,
            ..
        } => {
            if let Some(a) = alias {
                id(out, a);
                out.push('=');
            }
            id(out, stream);
            if let Some(f) = filter {
                out.push('[');
                expr(out, f, LOOSEST);
                out.push(']');
            }
            match quant {
                None => {}
                Some(Quantifier::Plus) => out.push('+'),
                Some(Quantifier::Star) => out.push('*'),
                Some(Quantifier::Question) => out.push('?'),
                Some(Quantifier::Count {
                    min,
                    max: Some(max),
                }) if min == max => {
                    let _ = write!(out, "{{{min}}}");
                }
                Some(Quantifier::Count {
                    min,
                    max: Some(max),
                }) => {
                    let _ = write!(out, "{{{min},{max}}}");
                }
                Some(Quantifier::Count { min, max: None }) => {
                    let _ = write!(out, "{{{min},}}");
                }
            }
        }
        PatElem::Absent {
            stream,
            filter,
            for_,
            ..
        } => {
            out.push_str("NOT ");
            id(out, stream);
            if let Some(f) = filter {
                out.push('[');
                expr(out, f, LOOSEST);
                out.push(']');
            }
            if let Some(d) = for_ {
                out.push_str(" FOR ");
                duration(out, d);
            }
        }
    }
}

// ---------------------------------------------------------------- expressions

// Precedence levels of §1.8 (smaller binds tighter).
const PRIMARY: u8 = 1;
const UNARY: u8 = 2;
const MUL: u8 = 3;
const ADD: u8 = 4;
const CMP: u8 = 5;
const NOT: u8 = 6;
const AND: u8 = 7;
const OR: u8 = 8;
const LOOSEST: u8 = OR;

fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => NOT,
        ExprKind::Unary { .. } => UNARY,
        ExprKind::Binary { op, .. } => bin_level(*op),
        ExprKind::Between { .. }
        | ExprKind::InList { .. }
        | ExprKind::Like { .. }
        | ExprKind::IsNull { .. } => CMP,
        // `NOT EXISTS` reads as a NOT-level form.
        ExprKind::Exists { negated: true, .. } => NOT,
        _ => PRIMARY,
    }
}

fn bin_level(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => MUL,
        BinaryOp::Add | BinaryOp::Sub => ADD,
        BinaryOp::Eq
        | BinaryOp::NotEq
        | BinaryOp::Lt
        | BinaryOp::Le
        | BinaryOp::Gt
        | BinaryOp::Ge => CMP,
        BinaryOp::And => AND,
        BinaryOp::Or => OR,
    }
}

fn bin_str(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        BinaryOp::Eq => "=",
        BinaryOp::NotEq => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::And => "AND",
        BinaryOp::Or => "OR",
    }
}

/// Prints `e`, parenthesised when its level is looser than `max`.
fn expr(out: &mut String, e: &Expr, max: u8) {
    if level(e) > max {
        out.push('(');
        expr_inner(out, e);
        out.push(')');
    } else {
        expr_inner(out, e);
    }
}

fn expr_inner(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Literal(l) => literal(out, l),
        ExprKind::Duration(d) => {
            // Outside window arguments only INTERVAL reads back as a duration; inside
            // them both forms do, so INTERVAL is used whenever it can express it.
            match d.parts.as_slice() {
                [(n, u)] => {
                    out.push_str("INTERVAL ");
                    string(out, &n.to_string());
                    out.push(' ');
                    out.push_str(unit(*u));
                }
                _ => duration(out, d),
            }
        }
        ExprKind::Column { qualifier, name } => {
            if let Some(q) = qualifier {
                id(out, q);
                out.push('.');
            }
            id(out, name);
        }
        ExprKind::Indexed { alias, index, attr } => {
            id(out, alias);
            match index {
                EventIndex::At(n) => {
                    let _ = write!(out, "[{n}]");
                }
                EventIndex::Last(0) => out.push_str("[last]"),
                EventIndex::Last(k) => {
                    let _ = write!(out, "[last-{k}]");
                }
            }
            out.push('.');
            id(out, attr);
        }
        ExprKind::Unary { op, expr: inner } => match op {
            UnaryOp::Not => {
                out.push_str("NOT ");
                // `NOT EXISTS` would read back as the negated form: keep the nesting explicit.
                if matches!(inner.kind, ExprKind::Exists { negated: false, .. }) {
                    out.push('(');
                    expr_inner(out, inner);
                    out.push(')');
                } else {
                    expr(out, inner, NOT);
                }
            }
            UnaryOp::Neg | UnaryOp::Plus => {
                out.push(if *op == UnaryOp::Neg { '-' } else { '+' });
                let mut s = String::new();
                expr(&mut s, inner, UNARY);
                // `- -x` must not become the comment `--x`; `+ +x` reads better spaced too.
                if s.starts_with(['-', '+']) {
                    out.push(' ');
                }
                out.push_str(&s);
            }
        },
        ExprKind::Binary { op, left, right } => {
            let l = bin_level(*op);
            if l == CMP {
                // Non-associative: both operands must bind tighter.
                expr(out, left, ADD);
                let _ = write!(out, " {} ", bin_str(*op));
                expr(out, right, ADD);
            } else {
                expr(out, left, l);
                let _ = write!(out, " {} ", bin_str(*op));
                expr(out, right, l - 1);
            }
        }
        ExprKind::Between {
            expr: x,
            low,
            high,
            negated,
        } => {
            expr(out, x, ADD);
            out.push_str(if *negated {
                " NOT BETWEEN "
            } else {
                " BETWEEN "
            });
            expr(out, low, ADD);
            out.push_str(" AND ");
            expr(out, high, ADD);
        }
        ExprKind::InList {
            expr: x,
            list,
            negated,
        } => {
            expr(out, x, ADD);
            out.push_str(if *negated { " NOT IN (" } else { " IN (" });
            sep(out, list, ", ", |o, a| expr(o, a, LOOSEST));
            out.push(')');
        }
        ExprKind::Like {
            expr: x,
            pattern,
            escape,
            negated,
        } => {
            expr(out, x, ADD);
            out.push_str(if *negated { " NOT LIKE " } else { " LIKE " });
            expr(out, pattern, ADD);
            if let Some(esc) = escape {
                out.push_str(" ESCAPE ");
                expr(out, esc, ADD);
            }
        }
        ExprKind::IsNull { expr: x, negated } => {
            expr(out, x, ADD);
            out.push_str(if *negated { " IS NOT NULL" } else { " IS NULL" });
        }
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            out.push_str("CASE");
            if let Some(o) = operand {
                out.push(' ');
                expr(out, o, LOOSEST);
            }
            for (c, v) in whens {
                out.push_str(" WHEN ");
                expr(out, c, LOOSEST);
                out.push_str(" THEN ");
                expr(out, v, LOOSEST);
            }
            if let Some(x) = else_ {
                out.push_str(" ELSE ");
                expr(out, x, LOOSEST);
            }
            out.push_str(" END");
        }
        ExprKind::Cast { expr: x, ty } => {
            out.push_str("CAST(");
            expr(out, x, LOOSEST);
            out.push_str(" AS ");
            type_name(out, ty);
            out.push(')');
        }
        ExprKind::Func {
            ns,
            name,
            args,
            star,
            distinct,
        } => {
            if let Some(n) = ns {
                id(out, n);
                out.push(':');
            }
            out.push_str(&func_name(&name.name));
            out.push('(');
            if *star {
                out.push('*');
            } else {
                if *distinct {
                    out.push_str("DISTINCT ");
                }
                sep(out, args, ", ", |o, a| expr(o, a, LOOSEST));
            }
            out.push(')');
        }
        ExprKind::Exists {
            table,
            where_,
            negated,
        } => {
            if *negated {
                out.push_str("NOT ");
            }
            out.push_str("EXISTS (SELECT * FROM ");
            id(out, table);
            out.push_str(" WHERE ");
            expr(out, where_, LOOSEST);
            out.push(')');
        }
    }
}

/// A function name is followed by `(`, so reserved words (`and(`, `left(`) read back
/// as calls; only the words that start other forms need quoting.
fn func_name(name: &str) -> String {
    let special = [
        "CASE", "CAST", "NOT", "NULL", "TRUE", "FALSE", "EXISTS", "INTERVAL",
    ];
    let mut chars = name.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain && !special.iter().any(|k| k.eq_ignore_ascii_case(name)) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

fn literal(out: &mut String, l: &Literal) {
    match l {
        Literal::Int { value, long_suffix } => {
            let _ = write!(out, "{value}");
            if *long_suffix {
                out.push('L');
            }
        }
        Literal::Float {
            value,
            float_suffix,
        } => {
            // `{:?}` is the shortest text that reads back to the same f64, and always
            // has a `.` or an exponent, so it lexes as a float again.
            let mut s = format!("{value:?}");
            if !s.contains(['.', 'e', 'E']) && value.is_finite() {
                s.push_str(".0");
            }
            out.push_str(&s);
            if *float_suffix {
                out.push('F');
            }
        }
        Literal::String(s) => string(out, s),
        Literal::Bool(true) => out.push_str("TRUE"),
        Literal::Bool(false) => out.push_str("FALSE"),
        Literal::Null => out.push_str("NULL"),
    }
}
