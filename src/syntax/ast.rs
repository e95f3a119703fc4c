//! The abstract syntax of EventFluxQL (SQL surface, LANGUAGE.md §1–2).
//!
//! Every node carries the [`Span`] it was written at. Spans compare equal to each
//! other, so `==` on AST nodes compares structure only; this is what makes
//! `parse(print(ast)) == ast` a meaningful test. Spellings that mean the same
//! (`==`/`=`, `!=`/`<>`, `SECONDS`/`SEC`, `{,4}`/`{0,4}`) map to one node, so the
//! pretty-printer may print any of them.

use crate::diagnostics::Span;
use crate::value::DataType;

/// A name as written (identifiers are case-sensitive, §1.2).
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

impl Ident {
    pub fn new(name: impl Into<String>, span: Span) -> Ident {
        Ident {
            name: name.into(),
            span,
        }
    }
}

/// A whole application: statements in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct App {
    pub statements: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

// An app has a handful of statements; boxing the large variants would only make
// matching on them noisier.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum StatementKind {
    CreateStream(CreateStream),
    CreateTable(CreateTable),
    CreateTrigger(CreateTrigger),
    CreateAggregation(CreateAggregation),
    /// `CREATE WINDOW W (cols) WINDOW(...) [OUTPUT kind EVENTS]` (§2.9, P2).
    CreateWindow(CreateWindow),
    Query(Query),
    Update(UpdateStmt),
    Delete(DeleteStmt),
    Upsert(UpsertStmt),
    Partition(Partition),
}

// ---------------------------------------------------------------- definitions

#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef {
    pub name: Ident,
    pub ty: TypeName,
    /// `col TYPE PRIMARY KEY` (tables only).
    pub primary_key: bool,
    pub span: Span,
}

/// A type as written. `DECIMAL`/`NUMERIC` map to DOUBLE and are remembered so the
/// planner can warn and the printer can print them back.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeName {
    pub ty: DataType,
    pub lossy_decimal: bool,
    pub span: Span,
}

/// One `key = value` of a WITH clause; values are kept as text (§2.1).
#[derive(Clone, Debug, PartialEq)]
pub struct WithOption {
    pub key: String,
    pub key_span: Span,
    /// `None` for a bare key (means "").
    pub value: Option<OptionValue>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OptionValue {
    /// The value as text: string literals unquoted, numbers/bools/NULL/idents as written.
    pub text: String,
    /// Whether it was a string literal (printing quotes it again).
    pub quoted: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateStream {
    pub name: Ident,
    pub columns: Vec<ColumnDef>,
    pub with: Vec<WithOption>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateTable {
    pub name: Ident,
    pub columns: Vec<ColumnDef>,
    /// `PRIMARY KEY (a, b)` table element; column-level flags are on [`ColumnDef`].
    pub primary_key: Vec<Ident>,
    pub with: Vec<WithOption>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateTrigger {
    pub name: Ident,
    pub at: TriggerAt,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TriggerAt {
    Start,
    Every(Duration),
    Cron(StringLit),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateAggregation {
    pub name: Ident,
    pub with: Vec<WithOption>,
    pub select: SelectList,
    pub from: Ident,
    pub where_: Option<Expr>,
    pub group_by: Vec<Expr>,
    /// `AGGREGATE BY ts`
    pub by: Option<Ident>,
    pub every: Granularities,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Granularity {
    Seconds,
    Minutes,
    Hours,
    Days,
    Months,
    Years,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Granularities {
    /// `SECONDS ... YEARS`
    Range(Granularity, Granularity, Span),
    /// `SECONDS, MINUTES, HOURS`
    List(Vec<(Granularity, Span)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateWindow {
    pub name: Ident,
    pub columns: Vec<ColumnDef>,
    pub window: WindowSpec,
    pub output: Option<EventKind>,
}

// ---------------------------------------------------------------- queries

#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// `CREATE QUERY name AS …` (names the query in EXPLAIN, metrics, snapshots).
    pub name: Option<Ident>,
    /// `None`: no INSERT clause (target `OutputStream`, §2.4).
    pub insert: Option<Insert>,
    pub select: SelectList,
    pub from: From,
    pub where_: Option<Expr>,
    pub group_by: Vec<Expr>,
    pub having: Option<Expr>,
    pub order_by: Vec<OrderKey>,
    pub limit: Option<(u64, Span)>,
    pub offset: Option<(u64, Span)>,
    pub output_rate: Option<OutputRate>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Insert {
    /// `INSERT [CURRENT|EXPIRED|ALL] EVENTS INTO`; `None` when not written.
    pub kind: Option<EventKind>,
    pub target: Ident,
    /// `#Name`: an inner stream of a partition.
    pub inner: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Current,
    Expired,
    All,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SelectList {
    /// `SELECT *`
    Star(Span),
    Items(Vec<SelectItem>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum SelectItem {
    Expr {
        expr: Expr,
        alias: Option<Ident>,
    },
    /// `a.*`
    QualifiedStar(Ident),
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrderKey {
    pub expr: Expr,
    pub desc: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutputRate {
    pub mode: RateMode,
    pub every: RateEvery,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateMode {
    /// Mode not written; means ALL.
    Default,
    All,
    First,
    Last,
    Snapshot,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RateEvery {
    Events(u64, Span),
    Time(Duration),
}

#[derive(Clone, Debug, PartialEq)]
pub enum From {
    Stream(StreamSource),
    Join(Box<JoinSource>),
    Pattern(Box<PatternSource>),
}

/// `Name [AS alias] [WINDOW(...)]`, or `#Inner` inside a partition.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamSource {
    pub name: Ident,
    pub inner: bool,
    pub alias: Option<Ident>,
    pub window: Option<WindowSpec>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WindowSpec {
    /// The window name literal, e.g. `'tumbling'`.
    pub name: StringLit,
    pub args: Vec<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct JoinSource {
    pub left: StreamSource,
    pub left_unidirectional: bool,
    pub kind: JoinKind,
    pub right: StreamSource,
    pub right_unidirectional: bool,
    pub on: Option<Expr>,
    /// `WITHIN from[, to] PER gran` for aggregation joins.
    pub within: Option<AggWithin>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AggWithin {
    pub from: Expr,
    pub to: Option<Expr>,
    pub per: Expr,
    pub span: Span,
}

// ---------------------------------------------------------------- patterns

#[derive(Clone, Debug, PartialEq)]
pub struct PatternSource {
    pub sequence: bool,
    pub expr: PatExpr,
    pub within: Option<PatWithin>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatWithin {
    Time(Duration),
    /// `WITHIN n EVENTS` (parsed, rejected by the planner until implemented).
    Events(u64, Span),
}

/// A followed-by chain `t1 -> t2 -> …` (one term: no arrow).
#[derive(Clone, Debug, PartialEq)]
pub struct PatExpr {
    pub terms: Vec<PatTerm>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PatTerm {
    pub every: bool,
    pub factor: PatFactor,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatFactor {
    Elem(PatElem),
    And(PatElem, PatElem),
    Or(PatElem, PatElem),
    Group(Box<PatExpr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatElem {
    /// `[alias =] Stream [ '[' filter ']' ] [quantifier]`
    Bind {
        alias: Option<Ident>,
        stream: Ident,
        filter: Option<Expr>,
        quant: Option<Quantifier>,
        span: Span,
    },
    /// `NOT Stream [ '[' filter ']' ] [FOR duration]`
    Absent {
        stream: Ident,
        filter: Option<Expr>,
        for_: Option<Duration>,
        span: Span,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    /// `{min,max}`; `{n}` is `min = max = n`; `{n,}` has no max; `{,m}` has min 0.
    Count { min: u32, max: Option<u32> },
    /// `+`
    Plus,
    /// `*`
    Star,
    /// `?`
    Question,
}

// ---------------------------------------------------------------- table statements

#[derive(Clone, Debug, PartialEq)]
pub struct SetItem {
    pub qualifier: Option<Ident>,
    pub column: Ident,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UpdateStmt {
    pub table: Ident,
    pub alias: Option<Ident>,
    pub sets: Vec<SetItem>,
    pub from: StreamSource,
    pub where_: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeleteStmt {
    pub table: Ident,
    pub alias: Option<Ident>,
    pub using: StreamSource,
    pub where_: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UpsertStmt {
    pub table: Ident,
    pub select: SelectList,
    pub from: StreamSource,
    pub where_: Option<Expr>,
    pub on: Expr,
}

// ---------------------------------------------------------------- partitions

#[derive(Clone, Debug, PartialEq)]
pub struct Partition {
    pub keys: Vec<PartitionKey>,
    /// `PARTITION WITH (keys) WITH ('purge.idle' = …) BEGIN …`
    pub with: Vec<WithOption>,
    /// Queries and table statements of the block.
    pub body: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PartitionKey {
    /// `attr OF Stream`
    Value {
        attr: Ident,
        stream: Ident,
        span: Span,
    },
    /// `cond AS 'label' OR cond AS 'label' … OF Stream`
    Range {
        ranges: Vec<(Expr, StringLit)>,
        stream: Ident,
        span: Span,
    },
}

// ---------------------------------------------------------------- expressions

#[derive(Clone, Debug, PartialEq)]
pub struct StringLit {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    pub fn millis(self) -> i64 {
        match self {
            TimeUnit::Millisecond => 1,
            TimeUnit::Second => 1_000,
            TimeUnit::Minute => 60_000,
            TimeUnit::Hour => 3_600_000,
            TimeUnit::Day => 86_400_000,
            TimeUnit::Week => 7 * 86_400_000,
            TimeUnit::Month => 30 * 86_400_000,
            TimeUnit::Year => 365 * 86_400_000,
        }
    }
}

/// `5 SECONDS`, `1 HOUR 30 MINUTES`, `INTERVAL '5' SECOND`.
#[derive(Clone, Debug, PartialEq)]
pub struct Duration {
    pub parts: Vec<(i64, TimeUnit)>,
    pub span: Span,
}

impl Duration {
    /// Total milliseconds (saturating; MONTH = 30 days, YEAR = 365 days, §1.4).
    pub fn millis(&self) -> i64 {
        self.parts.iter().fold(0i64, |acc, (n, u)| {
            acc.saturating_add(n.saturating_mul(u.millis()))
        })
    }
    /// Whether a calendar unit (MONTH/YEAR) was written; these are rejected in windows,
    /// triggers and WITHIN.
    pub fn has_calendar_unit(&self) -> bool {
        self.parts
            .iter()
            .any(|(_, u)| matches!(u, TimeUnit::Month | TimeUnit::Year))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// Integer literal; `long_suffix` for a trailing `L`.
    Int {
        value: i64,
        long_suffix: bool,
    },
    /// Floating literal; `float_suffix` for `F` (FLOAT), otherwise DOUBLE.
    Float {
        value: f64,
        float_suffix: bool,
    },
    String(String),
    Bool(bool),
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// Index of `e[i].x` in patterns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventIndex {
    /// `e[3]` (0-based)
    At(u32),
    /// `e[last]` (k = 0) or `e[last - k]`
    Last(u32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    Duration(Duration),
    /// `name` or `qualifier.name`
    Column {
        qualifier: Option<Ident>,
        name: Ident,
    },
    /// `e1[0].price`, `e1[last].price`
    Indexed {
        alias: Ident,
        index: EventIndex,
        attr: Ident,
    },
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        escape: Option<Box<Expr>>,
        negated: bool,
    },
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    Cast {
        expr: Box<Expr>,
        ty: TypeName,
    },
    /// `[ns:]name(args)`; `count(*)` has `star`; `DISTINCT` inside is kept to be rejected.
    /// `SUBSTRING(x FROM a FOR b)`, `TRIM(x)` and friends become ordinary calls.
    Func {
        ns: Option<Ident>,
        name: Ident,
        args: Vec<Expr>,
        star: bool,
        distinct: bool,
    },
    /// `[NOT] EXISTS (SELECT * FROM T WHERE cond)`
    Exists {
        table: Ident,
        where_: Box<Expr>,
        negated: bool,
    },
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}
