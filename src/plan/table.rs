//! Tables in the plan (LANGUAGE.md §2.2, §2.10, the stream–table part of §2.8, §3.3,
//! §3.8): the declared table, the operations that read or change it, and where the
//! table's state lives.
//!
//! Every table becomes **one** operator ([`crate::ops::table`]) whose inputs are all
//! the streams that act on it: the rows `INSERT INTO T` queries produce (they target a
//! hidden stream named like the table), the source streams of UPDATE and DELETE, the
//! rows of each UPSERT's SELECT, and the streams that probe it (a stream–table join or
//! an EXISTS test). A probe's output is a hidden stream read by the rest of its query
//! as if it were an ordinary input: a join's output row is the joined row (the two
//! relations' attributes in the order written), an EXISTS step appends one BOOL.
//!
//! Placement (§3.8): with a primary key, when every operation pins the key (an
//! equality `T.k = expr` on every key column, with `expr` over the acting stream's
//! row), no UPDATE assigns a key column and the table is not a bounded cache, the rows
//! live in the key groups of their keys and each operation goes to its key's group.
//! Otherwise the whole table is on one worker; [`TablePlacement::Global`] says why.

// A plan error is built once per failed plan, never on a hot path.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use std::collections::BTreeMap;

use crate::diagnostics::{did_you_mean, Diagnostic, Span};
use crate::expr::ir::{CmpOp, ScalarExpr};
use crate::syntax::ast::{self, Expr, ExprKind, SelectItem, SelectList};
use crate::value::DataType;

use super::catalog::{describe, not_yet, PendingQuery, Planner};
use super::options::Options;
use super::resolve::{
    default_name, resolve, resolve_bool, Clause, JoinScope, JoinSide, Prefer, Scope,
};
use super::{ErrorStrategy, LatePolicy, Plan, StreamId, StreamInfo, TimeSpec};

/// A declared table and everything that acts on it.
#[derive(Clone, Debug)]
pub struct TablePlan {
    pub name: String,
    /// Plan-stable operator id: the CREATE TABLE statement's position.
    pub op: u32,
    /// The hidden stream `INSERT INTO T` queries write (named like the table).
    pub insert_stream: StreamId,
    pub columns: Vec<(Arc<str>, DataType)>,
    /// Key column indexes in key order; empty without a primary key.
    pub primary_key: Vec<usize>,
    /// `'extension' = 'cache'` with `max_size`: at most this many rows.
    pub cache_max: Option<usize>,
    /// Operations in tie-break order (see [`TablePlan::sort_ops`]).
    pub ops: Vec<TableOp>,
    pub placement: TablePlacement,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TablePlacement {
    /// Rows in the key groups of their primary keys; every operation is routed by the
    /// key it pins.
    Keyed,
    /// The whole table and all its operations on one worker, for the reason given.
    Global(String),
}

/// One operation on a table: a mutation or a probe.
#[derive(Clone, Debug)]
pub struct TableOp {
    /// The statement it comes from (1-based position) and its index inside it.
    pub stmt: u32,
    pub sub: u32,
    /// The stream whose records trigger it.
    pub input: StreamId,
    pub kind: TableOpKind,
    /// The primary key's values as expressions over the input row, in key order, when
    /// the operation pins the key; `None` otherwise.
    pub key: Option<Vec<ScalarExpr>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TableOpKind {
    /// The input row is a table row.
    Insert,
    /// `cond` and the SET values over `table row ++ input row`.
    Update {
        cond: ScalarExpr,
        sets: Vec<(usize, ScalarExpr)>,
    },
    /// `cond` over `table row ++ input row`.
    Delete { cond: ScalarExpr },
    /// The input row is a table row; `cond` (ON) over `table row ++ input row`.
    Upsert { cond: ScalarExpr },
    /// Stream–table join: ON over the joined row in written order (the table's
    /// attributes first when `table_left`). `outer`: an unmatched probe gives one row
    /// with NULL table attributes. Output rows go to `output`, keyed by `out_op`.
    Join {
        on: Option<ScalarExpr>,
        table_left: bool,
        outer: bool,
        output: StreamId,
        out_op: u32,
    },
    /// `EXISTS (SELECT * FROM T WHERE cond)`: `cond` over the first `stream_arity`
    /// columns of the input row followed by the table row; the output is the input
    /// row with one BOOL appended.
    Exists {
        cond: ScalarExpr,
        stream_arity: usize,
        output: StreamId,
        out_op: u32,
    },
}

impl TableOpKind {
    pub fn is_probe(&self) -> bool {
        matches!(self, TableOpKind::Join { .. } | TableOpKind::Exists { .. })
    }
    pub fn output(&self) -> Option<StreamId> {
        match self {
            TableOpKind::Join { output, .. } | TableOpKind::Exists { output, .. } => Some(*output),
            _ => None,
        }
    }
    pub fn word(&self) -> &'static str {
        match self {
            TableOpKind::Insert => "insert",
            TableOpKind::Update { .. } => "update",
            TableOpKind::Delete { .. } => "delete",
            TableOpKind::Upsert { .. } => "upsert",
            TableOpKind::Join { outer: true, .. } => "left outer join lookup",
            TableOpKind::Join { .. } => "join lookup",
            TableOpKind::Exists { .. } => "exists test",
        }
    }
}

impl TablePlan {
    /// Orders the operations for ties (records with equal time and ordering key, i.e.
    /// one stream record that both probes and changes the table): probes first, then
    /// mutations, each in statement order. The position is the tag word the operator
    /// appends to ordering keys.
    pub fn sort_ops(&mut self) {
        self.ops
            .sort_by_key(|o| (!o.kind.is_probe(), o.stmt, o.sub));
    }

    /// Decides [`TablePlan::placement`] (module documentation).
    pub fn decide_placement(&mut self) {
        let why = if self.primary_key.is_empty() {
            Some("the table has no primary key".to_string())
        } else if self.cache_max.is_some() {
            Some("a bounded cache evicts across the whole table".to_string())
        } else {
            self.ops.iter().find_map(|o| {
                let pk = &self.primary_key;
                match &o.kind {
                    _ if o.key.is_none() => Some(format!(
                        "the {} of statement {} does not pin the primary key (an equality on every key column)",
                        o.kind.word(),
                        o.stmt
                    )),
                    TableOpKind::Update { sets, .. }
                        if sets.iter().any(|(c, _)| pk.contains(c)) =>
                    {
                        Some(format!(
                            "the update of statement {} assigns a key column",
                            o.stmt
                        ))
                    }
                    // An UPSERT must replace rows by the key its own row carries, or a
                    // replacement could move a row to another key group.
                    TableOpKind::Upsert { .. }
                        if o.key.as_ref().is_some_and(|k| {
                            k.iter()
                                .zip(pk)
                                .any(|(e, c)| !matches!(strip_widen(e), ScalarExpr::Column(x) if x == c))
                        }) =>
                    {
                        Some(format!(
                            "the upsert of statement {} matches rows by a key other than its row's own",
                            o.stmt
                        ))
                    }
                    _ => None,
                }
            })
        };
        self.placement = match why {
            Some(w) => TablePlacement::Global(w),
            None => TablePlacement::Keyed,
        };
    }
}

fn strip_widen(e: &ScalarExpr) -> &ScalarExpr {
    match e {
        ScalarExpr::Widen { expr, .. } => strip_widen(expr),
        x => x,
    }
}

/// The expressions a condition equates the primary key columns with, in key order:
/// for each key column `c`, a conjunct `T.c = e` (either way round) where `e` reads
/// only the input's columns. The table's columns are `table_off..table_off + arity`
/// of the condition's row, the input's `input_off..input_off + input_arity`; the
/// returned expressions are over the input row alone.
pub fn pinned_key(
    cond: Option<&ScalarExpr>,
    pk: &[usize],
    table_off: usize,
    table_arity: usize,
    input_off: usize,
    input_arity: usize,
) -> Option<Vec<ScalarExpr>> {
    if pk.is_empty() {
        return None;
    }
    let conjuncts: Vec<&ScalarExpr> = match cond? {
        ScalarExpr::And(v) => v.iter().collect(),
        x => vec![x],
    };
    let in_input = |x: &ScalarExpr| {
        let mut cols = Vec::new();
        x.columns(&mut cols);
        cols.iter()
            .all(|&c| c >= input_off && c < input_off + input_arity)
    };
    let table_col = |x: &ScalarExpr| match strip_widen(x) {
        ScalarExpr::Column(c) if *c >= table_off && *c < table_off + table_arity => {
            Some(*c - table_off)
        }
        _ => None,
    };
    let mut key = Vec::new();
    for &k in pk {
        let found = conjuncts.iter().find_map(|c| {
            let ScalarExpr::Cmp {
                op: CmpOp::Eq,
                left,
                right,
            } = c
            else {
                return None;
            };
            let other = if table_col(left) == Some(k) && in_input(right) {
                right
            } else if table_col(right) == Some(k) && in_input(left) {
                left
            } else {
                return None;
            };
            let mut e = (**other).clone();
            e.shift_columns(input_off);
            Some(e)
        })?;
        key.push(found);
    }
    Some(key)
}

/// The `[NOT] EXISTS (…)` sub-queries of an expression, outermost first, left to right.
pub fn collect_exists<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Exists { .. } => out.push(e),
        ExprKind::Literal(_)
        | ExprKind::Duration(_)
        | ExprKind::Column { .. }
        | ExprKind::Indexed { .. } => {}
        ExprKind::Unary { expr, .. }
        | ExprKind::IsNull { expr, .. }
        | ExprKind::Cast { expr, .. } => collect_exists(expr, out),
        ExprKind::Binary { left, right, .. } => {
            collect_exists(left, out);
            collect_exists(right, out);
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            collect_exists(expr, out);
            collect_exists(low, out);
            collect_exists(high, out);
        }
        ExprKind::InList { expr, list, .. } => {
            collect_exists(expr, out);
            list.iter().for_each(|x| collect_exists(x, out));
        }
        ExprKind::Like {
            expr,
            pattern,
            escape,
            ..
        } => {
            collect_exists(expr, out);
            collect_exists(pattern, out);
            if let Some(x) = escape {
                collect_exists(x, out);
            }
        }
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            if let Some(x) = operand {
                collect_exists(x, out);
            }
            for (c, v) in whens {
                collect_exists(c, out);
                collect_exists(v, out);
            }
            if let Some(x) = else_ {
                collect_exists(x, out);
            }
        }
        ExprKind::Func { args, .. } => args.iter().for_each(|x| collect_exists(x, out)),
    }
}

/// Whether a pattern names `table` as one of its elements.
pub fn pattern_uses<'p>(
    p: &'p ast::PatExpr,
    is_table: &dyn Fn(&str) -> bool,
) -> Option<&'p ast::Ident> {
    for term in &p.terms {
        let elems: Vec<&ast::PatElem> = match &term.factor {
            ast::PatFactor::Elem(e) => vec![e],
            ast::PatFactor::And(a, b) | ast::PatFactor::Or(a, b) => vec![a, b],
            ast::PatFactor::Group(g) => {
                if let Some(x) = pattern_uses(g, is_table) {
                    return Some(x);
                }
                Vec::new()
            }
        };
        for e in elems {
            let s = match e {
                ast::PatElem::Bind { stream, .. } | ast::PatElem::Absent { stream, .. } => stream,
            };
            if is_table(&s.name) {
                return Some(s);
            }
        }
    }
    None
}

/// What the dataflow builder builds, in an order where every input of a query or a
/// table operator is complete before it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Query(usize),
    Table(usize),
}

impl Plan {
    /// Queries and table operators in build order; the second value lists the ones
    /// left out because they wait on each other (a cycle through a table).
    pub fn build_order(&self) -> (Vec<Node>, Vec<Node>) {
        let n = self.streams.len();
        // Producers still to build, per stream.
        let mut missing = vec![0usize; n];
        for q in &self.queries {
            missing[q.output] += 1;
        }
        for t in &self.tables {
            for o in &t.ops {
                if let Some(s) = o.kind.output() {
                    missing[s] += 1;
                }
            }
        }
        let mut todo: Vec<Node> = (0..self.queries.len())
            .map(Node::Query)
            .chain((0..self.tables.len()).map(Node::Table))
            .collect();
        let mut order = Vec::new();
        loop {
            let ready = todo.iter().position(|node| match *node {
                Node::Query(i) => {
                    let q = &self.queries[i];
                    missing[q.input] == 0
                        && q.join
                            .as_ref()
                            .is_none_or(|j| j.sides.iter().all(|s| missing[s.stream] == 0))
                }
                Node::Table(i) => self.tables[i].ops.iter().all(|o| missing[o.input] == 0),
            });
            let Some(pos) = ready else { break };
            let node = todo.remove(pos);
            match node {
                Node::Query(i) => missing[self.queries[i].output] -= 1,
                Node::Table(i) => {
                    for o in &self.tables[i].ops {
                        if let Some(s) = o.kind.output() {
                            missing[s] -= 1;
                        }
                    }
                }
            }
            order.push(node);
        }
        (order, todo)
    }

    pub fn table_reads(&self, sid: StreamId) -> bool {
        self.tables
            .iter()
            .any(|t| t.ops.iter().any(|o| o.input == sid))
    }
}

/// `Diagnostic` for a table used where only a stream may be.
pub fn table_alone(name: &ast::Ident) -> Diagnostic {
    Diagnostic::error(
        "E0530",
        format!("table `{}` cannot be the only relation of FROM", name.name),
    )
    .at(name.span)
    .label("a table never produces events")
    .help(format!(
        "join it with a stream that drives the query, e.g. `FROM S JOIN {} ON …`",
        name.name
    ))
}

/// The name of the hidden stream an UPSERT's SELECT writes.
fn upsert_stream_name(table: &str, id: u32) -> String {
    format!("{table}#upsert{id}")
}

/// An UPSERT's SELECT as a query into its hidden stream.
pub fn upsert_query(id: u32, u: &ast::UpsertStmt, span: Span) -> ast::Query {
    ast::Query {
        name: None,
        insert: Some(ast::Insert {
            kind: None,
            target: ast::Ident::new(upsert_stream_name(&u.table.name, id), u.table.span),
            inner: false,
        }),
        select: u.select.clone(),
        from: ast::From::Stream(u.from.clone()),
        where_: u.where_.clone(),
        group_by: Vec::new(),
        having: None,
        order_by: Vec::new(),
        limit: None,
        offset: None,
        output_rate: None,
        span,
    }
}

/// A cycle the dataflow cannot be built around: a table changed by a stream that
/// depends on its own probes.
pub fn cycle_through_table(plan: &Plan, node: Node) -> Diagnostic {
    let (what, span) = match node {
        Node::Table(t) => (
            format!("table `{}`", plan.tables[t].name),
            plan.tables[t].span,
        ),
        Node::Query(q) => (
            format!("query `{}`", plan.queries[q].name),
            plan.queries[q].span,
        ),
    };
    Diagnostic::error(
        "E0502",
        format!("queries and tables form a cycle through {what}"),
    )
    .at(span)
    .label("its input depends on its own output")
    .help("a table cannot be changed by a stream computed from lookups of the same table")
}

impl<'a> Planner<'a> {
    pub(super) fn is_table(&self, name: &str) -> bool {
        self.table_names.iter().any(|t| t == name)
    }

    pub(super) fn table_index(&self, name: &str) -> Option<usize> {
        self.tables.iter().position(|t| t.name == name)
    }

    fn unknown_table(&self, ident: &ast::Ident) -> Diagnostic {
        let d = Diagnostic::error("E0110", format!("unknown table `{}`", ident.name))
            .at(ident.span)
            .label("not declared with CREATE TABLE");
        match did_you_mean(&ident.name, self.table_names.iter().map(String::as_str)) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("declare it with CREATE TABLE before use"),
        }
    }

    /// A stream that only the planner names (a table's insert input, a probe's output).
    fn hidden_stream(
        &mut self,
        name: String,
        columns: Vec<(Arc<str>, DataType)>,
        declared: bool,
        span: Span,
    ) -> StreamId {
        let rank = self.streams.len() as u32 + 1;
        self.streams.push(StreamInfo {
            name,
            columns,
            rank,
            declared,
            source: None,
            sinks: Vec::new(),
            time: TimeSpec {
                event_time: None,
                watermark_delay_ms: 0,
                late: LatePolicy::Drop,
            },
            errors: ErrorStrategy::Skip,
            options: BTreeMap::new(),
            span,
        });
        self.streams.len() - 1
    }

    /// Pass 1: `CREATE TABLE` (§2.2).
    pub(super) fn declare_table(&mut self, id: u32, t: &ast::CreateTable) {
        if let Err(d) = self.try_declare_table(id, t) {
            self.errors.push(d);
        }
    }

    fn try_declare_table(&mut self, id: u32, t: &ast::CreateTable) -> Result<(), Diagnostic> {
        let name = &t.name.name;
        if self.find(name).is_some() || self.shadow_names.contains(name) {
            let mut d = Diagnostic::error("E0501", format!("`{name}` is defined twice"))
                .at(t.name.span)
                .label("second definition")
                .help("a name is either a stream or a table; rename one of them");
            if let Some(first) = self.find(name) {
                d = d.with_secondary(self.streams[first].span, "first defined here");
            }
            return Err(d);
        }
        let mut columns: Vec<(Arc<str>, DataType)> = Vec::new();
        for (i, c) in t.columns.iter().enumerate() {
            if let Some(first) = t.columns[..i].iter().find(|f| f.name.name == c.name.name) {
                return Err(Diagnostic::error(
                    "E0506",
                    format!("attribute `{}` is declared twice", c.name.name),
                )
                .at(c.name.span)
                .with_secondary(first.name.span, "first declared here")
                .help("attribute names of a table must be unique; rename one of them"));
            }
            if c.ty.lossy_decimal {
                self.warnings.push(
                    Diagnostic::warning(
                        "W0003",
                        format!("`{}` is DECIMAL/NUMERIC, stored as DOUBLE", c.name.name),
                    )
                    .at(c.ty.span)
                    .help("DOUBLE is binary floating point: decimal fractions may round"),
                );
            }
            columns.push((Arc::from(c.name.name.as_str()), c.ty.ty));
        }
        let flagged: Vec<&ast::ColumnDef> = t.columns.iter().filter(|c| c.primary_key).collect();
        if flagged.len() > 1 || (!flagged.is_empty() && !t.primary_key.is_empty()) {
            let second = if flagged.len() > 1 {
                flagged[1].span
            } else {
                t.primary_key[0].span
            };
            return Err(Diagnostic::error("E0540", "the primary key is declared twice")
                .at(second)
                .label("a second primary key")
                .help("a table has one primary key; for a key of several columns write `PRIMARY KEY (a, b)`"));
        }
        let key_names: Vec<&ast::Ident> = if t.primary_key.is_empty() {
            flagged.iter().map(|c| &c.name).collect()
        } else {
            t.primary_key.iter().collect()
        };
        let mut primary_key = Vec::new();
        for k in key_names {
            let Some(c) = columns.iter().position(|(n, _)| n.as_ref() == k.name) else {
                let d = Diagnostic::error(
                    "E0102",
                    format!("unknown attribute `{}` in PRIMARY KEY of `{name}`", k.name),
                )
                .at(k.span);
                return Err(
                    match did_you_mean(&k.name, columns.iter().map(|(n, _)| n.as_ref())) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(format!("`{name}` has: {}", describe(&columns))),
                    },
                );
            };
            if primary_key.contains(&c) {
                return Err(Diagnostic::error(
                    "E0541",
                    format!("`{}` appears twice in the primary key", k.name),
                )
                .at(k.span));
            }
            primary_key.push(c);
        }
        let opts = Options::from_ast(&t.with)?;
        let mut cache_max = None;
        let ext = opts.get("extension").map(str::to_ascii_lowercase);
        match ext.as_deref() {
            None | Some("inmemory") => {}
            Some("cache") => {
                if let Some(v) = opts.get("max_size") {
                    match v.trim().parse::<usize>() {
                        Ok(n) if n > 0 => cache_max = Some(n),
                        _ => {
                            return Err(opts.bad_value(
                                "max_size",
                                format!("`max_size` must be a positive integer, found '{v}'"),
                                "write e.g. 'max_size' = '1000'",
                            ))
                        }
                    }
                }
            }
            Some("jdbc") => {
                return Err(not_yet(
                    "the 'jdbc' table extension",
                    opts.value_span("extension"),
                    "use 'inMemory' or 'cache'",
                ))
            }
            Some(other) => {
                return Err(opts.bad_value(
                    "extension",
                    format!("unknown table extension '{other}'"),
                    "tables take 'extension' = 'inMemory' (the default) or 'cache'",
                ))
            }
        }
        for key in opts.map.keys() {
            let ok = key == "extension" || (key == "max_size" && ext.as_deref() == Some("cache"));
            if !ok {
                let d = Diagnostic::error("E0601", format!("unknown table option `{key}`"))
                    .at(opts.key_span(key));
                return Err(if key == "max_size" {
                    d.help("`max_size` belongs to 'extension' = 'cache'")
                } else {
                    d.help("tables take 'extension' ('inMemory' or 'cache') and, for a cache, 'max_size'")
                });
            }
        }
        let insert_stream = self.hidden_stream(name.clone(), columns.clone(), true, t.name.span);
        let key = (!primary_key.is_empty())
            .then(|| primary_key.iter().map(|&c| ScalarExpr::Column(c)).collect());
        self.tables.push(TablePlan {
            name: name.clone(),
            op: id,
            insert_stream,
            columns,
            primary_key,
            cache_max,
            ops: vec![TableOp {
                stmt: id,
                sub: 0,
                input: insert_stream,
                kind: TableOpKind::Insert,
                key,
                span: t.name.span,
            }],
            placement: TablePlacement::Global(String::new()),
            span: t.name.span,
        });
        Ok(())
    }

    /// Rejections of a stream–table join's shape (§2.8, §2.16 item 5).
    pub(super) fn table_join_shape(&self, j: &ast::JoinSource) -> Result<(), Diagnostic> {
        let (lt, rt) = (
            self.is_table(&j.left.name.name),
            self.is_table(&j.right.name.name),
        );
        if !lt && !rt {
            return Ok(());
        }
        if lt && rt {
            return Err(Diagnostic::error("E0531", "a join of two tables")
                .at(j.span)
                .label("neither side can trigger the join")
                .help("join each table with a stream; tables never produce events"));
        }
        let (table, table_uni, stream) = if lt {
            (&j.left, j.left_unidirectional, &j.right)
        } else {
            (&j.right, j.right_unidirectional, &j.left)
        };
        let preserves_table = match j.kind {
            ast::JoinKind::Full => {
                return Err(Diagnostic::error(
                    "E0533",
                    format!("FULL OUTER JOIN with table `{}`", table.name.name),
                )
                .at(j.span)
                .label("a table cannot trigger, so its unmatched rows could never be emitted")
                .help("use a LEFT (or RIGHT) OUTER JOIN that preserves the stream side"));
            }
            ast::JoinKind::Left => lt,
            ast::JoinKind::Right => rt,
            ast::JoinKind::Inner => false,
        };
        if preserves_table {
            return Err(Diagnostic::error(
                "E0533",
                format!("this outer join preserves table `{}`", table.name.name),
            )
            .at(j.span)
            .label("a table cannot trigger, so its unmatched rows could never be emitted")
            .help(if lt {
                "preserve the stream side: write RIGHT OUTER JOIN (or put the stream on the left)"
            } else {
                "preserve the stream side: write LEFT OUTER JOIN (or put the stream on the right)"
            }));
        }
        if table_uni {
            return Err(Diagnostic::error(
                "E0534",
                format!("table `{}` cannot drive the join", table.name.name),
            )
            .at(table.span)
            .label("UNIDIRECTIONAL on a table")
            .help(format!(
                "a table never triggers; the stream `{}` always drives a stream–table join, so remove UNIDIRECTIONAL",
                stream.name.name
            )));
        }
        if let Some(w) = &table.window {
            return Err(Diagnostic::error("E0538", "a table has no window")
                .at(w.span)
                .help("remove the WINDOW clause from the table side"));
        }
        if let Some(w) = &stream.window {
            return Err(not_yet(
                "a window on the stream side of a stream–table join",
                w.span,
                "join the table in a query without a window, then window that query's output",
            ));
        }
        Ok(())
    }

    /// A stream–table join's probe: returns the hidden stream of joined rows.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn plan_table_join(
        &mut self,
        pq: &PendingQuery,
        j: &ast::JoinSource,
        t: usize,
        table_left: bool,
        on: Option<ScalarExpr>,
        stream: StreamId,
        columns: &[(Arc<str>, DataType)],
    ) -> StreamId {
        let tarity = self.tables[t].columns.len();
        let sarity = columns.len() - tarity;
        let name = format!("{}#join{}", self.tables[t].name, pq.id);
        let output = self.hidden_stream(name, columns.to_vec(), false, j.span);
        let (toff, soff) = if table_left { (0, tarity) } else { (sarity, 0) };
        let table = &mut self.tables[t];
        let key = pinned_key(on.as_ref(), &table.primary_key, toff, tarity, soff, sarity);
        table.ops.push(TableOp {
            stmt: pq.id,
            sub: 0,
            input: stream,
            kind: TableOpKind::Join {
                on,
                table_left,
                outer: j.kind != ast::JoinKind::Inner,
                output,
                out_op: pq.id,
            },
            key,
            span: j.span,
        });
        output
    }

    /// The `i`-th EXISTS test of a query: a probe from `prev` (the stream's row plus
    /// the earlier tests' results) that appends one BOOL. Returns its output stream.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn plan_exists(
        &mut self,
        pq: &PendingQuery,
        i: u32,
        (qualifier, stream, stream_cols): (&str, &str, &[(Arc<str>, DataType)]),
        prev: StreamId,
        flags: &[(Arc<str>, DataType)],
        table: &ast::Ident,
        cond: &Expr,
    ) -> Result<StreamId, Diagnostic> {
        let t = self
            .table_index(&table.name)
            .ok_or_else(|| self.unknown_table(table))?;
        let tcols = self.tables[t].columns.clone();
        let tname = self.tables[t].name.clone();
        if tname == qualifier {
            return Err(Diagnostic::error(
                "E0107",
                format!("the stream and the table are both named `{tname}`"),
            )
            .at(table.span)
            .help(format!(
                "give the stream an alias, e.g. `FROM {stream} AS s`"
            )));
        }
        let joined: Vec<(Arc<str>, DataType)> =
            stream_cols.iter().chain(tcols.iter()).cloned().collect();
        let js = JoinScope {
            left: JoinSide {
                qualifier,
                stream,
                columns: stream_cols,
            },
            right: JoinSide {
                qualifier: &tname,
                stream: &tname,
                columns: &tcols,
            },
            prefer: None,
        };
        let scope = Scope {
            qualifier,
            stream,
            columns: &joined,
            clause: Clause::Where,
            query_id: pq.id,
            aggs: None,
            aliases: &[],
            join: Some(&js),
            exists: &[],
        };
        let cond = resolve_bool(cond, &scope)?;
        let sarity = stream_cols.len();
        let out_cols: Vec<(Arc<str>, DataType)> =
            stream_cols.iter().chain(flags.iter()).cloned().collect();
        let output = self.hidden_stream(
            format!("{tname}#exists{}.{i}", pq.id),
            out_cols,
            false,
            table.span,
        );
        let table_plan = &mut self.tables[t];
        let key = pinned_key(
            Some(&cond),
            &table_plan.primary_key,
            sarity,
            tcols.len(),
            0,
            sarity,
        );
        table_plan.ops.push(TableOp {
            stmt: pq.id,
            sub: i + 1,
            input: prev,
            kind: TableOpKind::Exists {
                cond,
                stream_arity: sarity,
                output,
                out_op: pq.id | ((i + 1) << 20),
            },
            key,
            span: table.span,
        });
        Ok(output)
    }

    /// An UPSERT's SELECT as a pending query into a hidden stream with the table's
    /// schema (so the column count and types are checked like an INSERT's).
    pub(super) fn upsert_shape(
        &mut self,
        id: u32,
        u: &ast::UpsertStmt,
        q: &'a ast::Query,
    ) -> Option<PendingQuery<'a>> {
        let Some(t) = self.table_index(&u.table.name) else {
            let d = self.unknown_table(&u.table);
            self.errors.push(d);
            return None;
        };
        if self.is_table(&u.from.name.name) {
            self.errors.push(table_alone(&u.from.name));
            return None;
        }
        if let Some(w) = &u.from.window {
            self.errors.push(
                Diagnostic::error("E0539", "the source of an UPSERT cannot have a window")
                    .at(w.span)
                    .help("window the stream in an earlier query and UPSERT from its output"),
            );
            return None;
        }
        let name = upsert_stream_name(&u.table.name, id);
        let cols = self.tables[t].columns.clone();
        self.hidden_stream(name.clone(), cols, false, u.table.span);
        let ast::From::Stream(src) = &q.from else {
            return None;
        };
        Some(PendingQuery {
            id,
            q,
            input: &src.name,
            right: None,
            target: name,
            target_span: u.table.span,
            upsert_of: Some(t),
        })
    }

    /// Rewords errors about the hidden stream of an UPSERT in terms of its table.
    pub(super) fn upsert_error(&self, t: usize, mut d: Diagnostic) -> Diagnostic {
        let table = &self.tables[t];
        if d.code == "E0503" {
            return Diagnostic::error(
                "E0535",
                format!(
                    "UPSERT into `{}` must select its {} columns, in order",
                    table.name,
                    table.columns.len()
                ),
            )
            .at(d.span.unwrap_or(table.span))
            .label(d.message.split(" but ").nth(1).unwrap_or("").to_string())
            .help(format!(
                "`{}` is ({})",
                table.name,
                describe(&table.columns)
            ));
        }
        let prefix = format!("{}#upsert", table.name);
        if let Some(pos) = d.message.find(&prefix) {
            // `T#upsert7.col` → `T.col`
            let end = d.message[pos + prefix.len()..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(d.message.len(), |e| pos + prefix.len() + e);
            d.message.replace_range(pos..end, &table.name);
        }
        d
    }

    /// The ON of an UPSERT, over the table's row then the SELECT's output row; a bare
    /// name is an output column first (LANGUAGE.md, Decisions).
    pub(super) fn plan_upsert_on(
        &mut self,
        id: u32,
        u: &ast::UpsertStmt,
        q: &ast::Query,
    ) -> Result<(), Diagnostic> {
        let (Some(t), Some(input)) = (
            self.table_index(&u.table.name),
            self.find(&upsert_stream_name(&u.table.name, id)),
        ) else {
            return Ok(());
        };
        let Some(src) = self.find(&u.from.name.name) else {
            return Ok(());
        };
        let tcols = self.tables[t].columns.clone();
        let src_cols = self.streams[src].columns.clone();
        let names: Vec<Arc<str>> = match &q.select {
            SelectList::Star(_) => src_cols.iter().map(|(n, _)| n.clone()).collect(),
            SelectList::Items(items) => {
                let mut v = Vec::new();
                for (pos, it) in items.iter().enumerate() {
                    match it {
                        SelectItem::Expr { expr, alias } => v.push(match alias {
                            Some(a) => Arc::from(a.name.as_str()),
                            None => Arc::from(default_name(expr, pos).0.as_str()),
                        }),
                        SelectItem::QualifiedStar(_) => {
                            v.extend(src_cols.iter().map(|(n, _)| n.clone()))
                        }
                    }
                }
                v
            }
        };
        let out: Vec<(Arc<str>, DataType)> = names
            .into_iter()
            .zip(tcols.iter().map(|(_, t)| *t))
            .collect();
        let tname = self.tables[t].name.clone();
        let sname = self.streams[src].name.clone();
        let squal = u
            .from
            .alias
            .as_ref()
            .map_or(sname.clone(), |a| a.name.clone());
        let js = JoinScope {
            left: JoinSide {
                qualifier: &tname,
                stream: &tname,
                columns: &tcols,
            },
            right: JoinSide {
                qualifier: &squal,
                stream: &sname,
                columns: &out,
            },
            prefer: Some(Prefer::Right),
        };
        let joined: Vec<(Arc<str>, DataType)> = tcols.iter().chain(out.iter()).cloned().collect();
        let scope = Scope {
            qualifier: &tname,
            stream: &tname,
            columns: &joined,
            clause: Clause::On,
            query_id: id,
            aggs: None,
            aliases: &[],
            join: Some(&js),
            exists: &[],
        };
        let cond = resolve_bool(&u.on, &scope)?;
        let arity = tcols.len();
        let table = &mut self.tables[t];
        let key = pinned_key(Some(&cond), &table.primary_key, 0, arity, arity, arity);
        table.ops.push(TableOp {
            stmt: id,
            sub: 0,
            input,
            kind: TableOpKind::Upsert { cond },
            key,
            span: u.table.span,
        });
        Ok(())
    }

    /// The source stream of an UPDATE or DELETE and the scope over `table ++ stream`.
    fn mutation_source(
        &self,
        table: &ast::Ident,
        source: &ast::StreamSource,
    ) -> Result<(usize, StreamId), Diagnostic> {
        let t = self
            .table_index(&table.name)
            .ok_or_else(|| self.unknown_table(table))?;
        if self.is_table(&source.name.name) {
            return Err(table_alone(&source.name));
        }
        if source.inner {
            return Err(Diagnostic::error(
                "E0508",
                "inner streams `#Name` exist only inside PARTITION",
            )
            .at(source.span));
        }
        if let Some(w) = &source.window {
            return Err(Diagnostic::error(
                "E0539",
                "the source of UPDATE or DELETE cannot have a window",
            )
            .at(w.span)
            .help("each event of the source stream is one operation on the table (§2.10)"));
        }
        let sid = self
            .find(&source.name.name)
            .ok_or_else(|| self.unknown_stream(&source.name, &[]))?;
        Ok((t, sid))
    }

    /// The names an UPDATE's or DELETE's WHERE and SET see: the table's (first, and
    /// preferred for a bare name) and its source stream's, each under its alias.
    fn mutation_names(
        &self,
        t: usize,
        sid: StreamId,
        alias: Option<&ast::Ident>,
        source: &ast::StreamSource,
    ) -> MutationNames {
        let tcols = self.tables[t].columns.clone();
        let scols = self.streams[sid].columns.clone();
        let tname = self.tables[t].name.clone();
        let sname = self.streams[sid].name.clone();
        MutationNames {
            tqual: alias.map_or(tname.clone(), |a| a.name.clone()),
            squal: source
                .alias
                .as_ref()
                .map_or(sname.clone(), |a| a.name.clone()),
            joined: tcols.iter().chain(scols.iter()).cloned().collect(),
            tcols,
            scols,
            tname,
            sname,
        }
    }

    /// `UPDATE T SET … FROM S WHERE …` (§2.10).
    pub(super) fn plan_update(&mut self, id: u32, u: &ast::UpdateStmt) -> Result<(), Diagnostic> {
        let (t, sid) = self.mutation_source(&u.table, &u.from)?;
        let names = self.mutation_names(t, sid, u.alias.as_ref(), &u.from);
        let js = names.join_scope();
        let scope = names.scope(&js, id);
        let cond = resolve_bool(&u.where_, &scope)?;
        let MutationNames {
            tcols,
            scols,
            tname,
            tqual,
            ..
        } = &names;
        let mut sets: Vec<(usize, ScalarExpr)> = Vec::new();
        for item in &u.sets {
            if let Some(q) = &item.qualifier {
                if q.name != *tqual {
                    return Err(Diagnostic::error(
                        "E0104",
                        format!(
                            "SET target `{}.{}` is not a column of the table",
                            q.name, item.column.name
                        ),
                    )
                    .at(q.span)
                    .help(format!("qualify it with `{tqual}` or not at all")));
                }
            }
            let Some(c) = tcols
                .iter()
                .position(|(n, _)| n.as_ref() == item.column.name)
            else {
                let d = Diagnostic::error(
                    "E0102",
                    format!("unknown attribute `{}` in `{tname}`", item.column.name),
                )
                .at(item.column.span)
                .label(format!("not an attribute of `{tqual}`"));
                return Err(
                    match did_you_mean(&item.column.name, tcols.iter().map(|(n, _)| n.as_ref())) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(format!("`{tname}` has: {}", describe(tcols))),
                    },
                );
            };
            if sets.iter().any(|(s, _)| *s == c) {
                return Err(Diagnostic::error(
                    "E0542",
                    format!("`{}` is assigned twice", item.column.name),
                )
                .at(item.column.span));
            }
            let (x, ty) = resolve(&item.value, &scope)?;
            let want = tcols[c].1;
            if !ty.widens_to(want) {
                return Err(Diagnostic::error(
                    "E0504",
                    format!(
                        "cannot assign {ty} to `{tname}.{}`, which is {want}",
                        item.column.name
                    ),
                )
                .at(item.value.span)
                .help("use CAST to convert it (narrowing needs an explicit CAST)"));
            }
            let x = if ty != want && ty != DataType::Object {
                ScalarExpr::Widen {
                    expr: x.boxed(),
                    to: want,
                }
            } else {
                x
            };
            sets.push((c, x));
        }
        let (tarity, sarity) = (tcols.len(), scols.len());
        let table = &mut self.tables[t];
        let key = pinned_key(Some(&cond), &table.primary_key, 0, tarity, tarity, sarity);
        table.ops.push(TableOp {
            stmt: id,
            sub: 0,
            input: sid,
            kind: TableOpKind::Update { cond, sets },
            key,
            span: u.table.span,
        });
        Ok(())
    }

    /// `DELETE FROM T USING S WHERE …` (§2.10).
    pub(super) fn plan_delete(&mut self, id: u32, d: &ast::DeleteStmt) -> Result<(), Diagnostic> {
        let (t, sid) = self.mutation_source(&d.table, &d.using)?;
        let names = self.mutation_names(t, sid, d.alias.as_ref(), &d.using);
        let js = names.join_scope();
        let scope = names.scope(&js, id);
        let cond = resolve_bool(&d.where_, &scope)?;
        let (tcols, scols) = (&names.tcols, &names.scols);
        let (tarity, sarity) = (tcols.len(), scols.len());
        let table = &mut self.tables[t];
        let key = pinned_key(Some(&cond), &table.primary_key, 0, tarity, tarity, sarity);
        table.ops.push(TableOp {
            stmt: id,
            sub: 0,
            input: sid,
            kind: TableOpKind::Delete { cond },
            key,
            span: d.table.span,
        });
        Ok(())
    }
}

/// See [`Planner::mutation_names`].
struct MutationNames {
    tcols: Vec<(Arc<str>, DataType)>,
    scols: Vec<(Arc<str>, DataType)>,
    tname: String,
    tqual: String,
    sname: String,
    squal: String,
    /// The row WHERE and SET are resolved over: table columns, then stream columns.
    joined: Vec<(Arc<str>, DataType)>,
}

impl MutationNames {
    fn join_scope(&self) -> JoinScope<'_> {
        JoinScope {
            left: JoinSide {
                qualifier: &self.tqual,
                stream: &self.tname,
                columns: &self.tcols,
            },
            right: JoinSide {
                qualifier: &self.squal,
                stream: &self.sname,
                columns: &self.scols,
            },
            prefer: Some(Prefer::Left),
        }
    }

    fn scope<'a>(&'a self, js: &'a JoinScope<'a>, id: u32) -> Scope<'a> {
        Scope {
            qualifier: &self.tqual,
            stream: &self.tname,
            columns: &self.joined,
            clause: Clause::Where,
            query_id: id,
            aggs: None,
            aliases: &[],
            join: Some(js),
            exists: &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq(l: ScalarExpr, r: ScalarExpr) -> ScalarExpr {
        ScalarExpr::Cmp {
            op: CmpOp::Eq,
            left: l.boxed(),
            right: r.boxed(),
        }
    }

    #[test]
    fn a_key_is_pinned_only_by_equalities_on_every_key_column() {
        use ScalarExpr::Column as C;
        // Table (a, b, v) at 0..3, input (x, y) at 3..5; key (a, b).
        let both = ScalarExpr::And(vec![eq(C(4), C(1)), eq(C(0), C(3))]);
        let key = pinned_key(Some(&both), &[0, 1], 0, 3, 3, 2).map(|k| format!("{k:?}"));
        assert_eq!(key, Some(format!("{:?}", vec![C(0), C(1)])));
        // One key column only, or an equality with another table column: not pinned.
        let one = eq(C(0), C(3));
        assert!(pinned_key(Some(&one), &[0, 1], 0, 3, 3, 2).is_none());
        let table_only = ScalarExpr::And(vec![eq(C(0), C(2)), eq(C(1), C(4))]);
        assert!(pinned_key(Some(&table_only), &[0, 1], 0, 3, 3, 2).is_none());
        // A disjunction pins nothing; no key pins nothing.
        let or = ScalarExpr::Or(vec![eq(C(0), C(3)), eq(C(1), C(4))]);
        assert!(pinned_key(Some(&or), &[0, 1], 0, 3, 3, 2).is_none());
        assert!(pinned_key(Some(&one), &[], 0, 3, 3, 2).is_none());
        // Input first (EXISTS): input (x) at 0, table (a, v) at 1..3.
        let exists = eq(C(1), C(0));
        let key = pinned_key(Some(&exists), &[0], 1, 2, 0, 1).map(|k| format!("{k:?}"));
        assert_eq!(key, Some(format!("{:?}", vec![C(0)])));
    }
}
