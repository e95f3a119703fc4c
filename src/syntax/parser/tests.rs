//! Unit tests of the parser: one or more per construct of LANGUAGE.md §1–2, plus
//! error codes and positions. Every successful parse is also round-tripped through
//! the printer.

use super::*;
use crate::syntax::printer::{print, print_expr};

fn ok(src: &str) -> App {
    match parse(src) {
        Ok(a) => {
            let printed = print(&a);
            match parse(&printed) {
                Ok(b) => assert_eq!(a, b, "round trip changed the AST\n{printed}"),
                Err(e) => panic!("printed text does not parse: {e:?}\n{printed}"),
            }
            a
        }
        Err(e) => panic!("parse failed for {src:?}: {e:?}"),
    }
}

fn errs(src: &str) -> Vec<Diagnostic> {
    match parse(src) {
        Ok(a) => panic!("expected an error for {src:?}, got {a:?}"),
        Err(e) => e,
    }
}

fn err1(src: &str) -> Diagnostic {
    errs(src).remove(0)
}

fn query(src: &str) -> Query {
    match ok(src).statements.remove(0).kind {
        StatementKind::Query(q) => q,
        other => panic!("not a query: {other:?}"),
    }
}

fn e(src: &str) -> Expr {
    let q = query(&format!("SELECT {src} FROM S"));
    match q.select {
        SelectList::Items(mut v) => match v.remove(0) {
            SelectItem::Expr { expr, .. } => expr,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

fn pe(src: &str) -> String {
    print_expr(&e(src))
}

fn pat(src: &str) -> PatternSource {
    match query(&format!("SELECT * FROM {src}")).from {
        From::Pattern(p) => *p,
        other => panic!("{other:?}"),
    }
}

fn col(name: &str) -> ExprKind {
    ExprKind::Column {
        qualifier: None,
        name: Ident::new(name, Span::default()),
    }
}

// ---------------------------------------------------------------- statements

#[test]
fn create_stream_with_options() {
    let a = ok("CREATE STREAM S (a INT, b STRING, c DOUBLE PRECISION) WITH ('type' = 'source', \"kafka.topic\" = 't', \
                event.time = ts, 'n' = 5, 'f' = 1.5, 'b' = true, 'z' = NULL, 'neg' = -3, bare)");
    let StatementKind::CreateStream(s) = &a.statements[0].kind else {
        panic!()
    };
    assert_eq!(s.name.name, "S");
    assert_eq!(s.columns.len(), 3);
    assert_eq!(s.columns[2].ty.ty, DataType::Double);
    let kv: Vec<(&str, Option<(&str, bool)>)> = s
        .with
        .iter()
        .map(|w| {
            (
                w.key.as_str(),
                w.value.as_ref().map(|v| (v.text.as_str(), v.quoted)),
            )
        })
        .collect();
    assert_eq!(
        kv,
        vec![
            ("type", Some(("source", true))),
            ("kafka.topic", Some(("t", true))),
            ("event.time", Some(("ts", false))),
            ("n", Some(("5", false))),
            ("f", Some(("1.5", false))),
            ("b", Some(("true", false))),
            ("z", Some(("NULL", false))),
            ("neg", Some(("-3", false))),
            ("bare", None),
        ]
    );
}

#[test]
fn all_type_spellings() {
    let cases = [
        ("STRING", DataType::String, false),
        ("VARCHAR(20)", DataType::String, false),
        ("TEXT", DataType::String, false),
        ("CHAR(3)", DataType::String, false),
        ("CHARACTER VARYING(9)", DataType::String, false),
        ("INT", DataType::Int, false),
        ("INTEGER", DataType::Int, false),
        ("SMALLINT", DataType::Int, false),
        ("TINYINT", DataType::Int, false),
        ("INT2", DataType::Int, false),
        ("int4", DataType::Int, false),
        ("BIGINT", DataType::Long, false),
        ("LONG", DataType::Long, false),
        ("INT8", DataType::Long, false),
        ("TIMESTAMP", DataType::Long, false),
        ("DATETIME", DataType::Long, false),
        ("DATE", DataType::Long, false),
        ("TIME", DataType::Long, false),
        ("FLOAT", DataType::Float, false),
        ("REAL", DataType::Float, false),
        ("DOUBLE", DataType::Double, false),
        ("double precision", DataType::Double, false),
        ("DECIMAL(10, 2)", DataType::Double, true),
        ("NUMERIC", DataType::Double, true),
        ("BOOL", DataType::Bool, false),
        ("BOOLEAN", DataType::Bool, false),
    ];
    for (t, ty, lossy) in cases {
        let a = ok(&format!("CREATE STREAM S (x {t})"));
        let StatementKind::CreateStream(s) = &a.statements[0].kind else {
            panic!()
        };
        assert_eq!(
            (s.columns[0].ty.ty, s.columns[0].ty.lossy_decimal),
            (ty, lossy),
            "{t}"
        );
    }
}

#[test]
fn create_table_primary_keys() {
    let a = ok("CREATE TABLE T (id INT PRIMARY KEY, v STRING, PRIMARY KEY (v)) WITH ('extension' = 'inMemory')");
    let StatementKind::CreateTable(t) = &a.statements[0].kind else {
        panic!()
    };
    assert!(t.columns[0].primary_key);
    assert!(!t.columns[1].primary_key);
    assert_eq!(t.primary_key[0].name, "v");
    assert_eq!(t.with.len(), 1);
}

#[test]
fn create_trigger_forms() {
    let a = ok("CREATE TRIGGER A AT START; CREATE TRIGGER B AT EVERY 5 SECONDS; CREATE TRIGGER C AT CRON '*/5 * * * * *';\
                CREATE TRIGGER D AT EVERY 250");
    let at: Vec<&TriggerAt> = a
        .statements
        .iter()
        .map(|s| match &s.kind {
            StatementKind::CreateTrigger(t) => &t.at,
            _ => panic!(),
        })
        .collect();
    assert_eq!(*at[0], TriggerAt::Start);
    let TriggerAt::Every(d) = at[1] else { panic!() };
    assert_eq!(d.millis(), 5000);
    let TriggerAt::Cron(c) = at[2] else { panic!() };
    assert_eq!(c.value, "*/5 * * * * *");
    let TriggerAt::Every(d) = at[3] else { panic!() };
    assert_eq!(d.parts, vec![(250, TimeUnit::Millisecond)]);
}

#[test]
fn create_aggregation_forms() {
    let a = ok("CREATE AGGREGATION A WITH ('timezone' = 'UTC') AS SELECT sym, sum(p) AS total FROM S WHERE p > 0 \
                GROUP BY sym AGGREGATE BY ts EVERY SECONDS ... YEARS");
    let StatementKind::CreateAggregation(g) = &a.statements[0].kind else {
        panic!()
    };
    assert_eq!(g.by.as_ref().map(|b| b.name.as_str()), Some("ts"));
    assert_eq!(
        g.every,
        Granularities::Range(Granularity::Seconds, Granularity::Years, Span::default())
    );
    let a = ok("CREATE AGGREGATION A AS SELECT count() AS n FROM S AGGREGATE EVERY SECONDS, MINUTES, HOURS");
    let StatementKind::CreateAggregation(g) = &a.statements[0].kind else {
        panic!()
    };
    let Granularities::List(l) = &g.every else {
        panic!()
    };
    assert_eq!(l.len(), 3);
    assert!(g.by.is_none());
}

#[test]
fn create_window_and_named_query() {
    let a = ok(
        "CREATE WINDOW W (a INT) WINDOW('length', 10) OUTPUT ALL EVENTS;\
                CREATE QUERY q1 AS INSERT INTO Out SELECT a FROM W",
    );
    let StatementKind::CreateWindow(w) = &a.statements[0].kind else {
        panic!()
    };
    assert_eq!(w.output, Some(EventKind::All));
    assert_eq!(w.window.name.value, "length");
    let StatementKind::Query(q) = &a.statements[1].kind else {
        panic!()
    };
    assert_eq!(q.name.as_ref().map(|n| n.name.as_str()), Some("q1"));
}

#[test]
fn query_all_clauses() {
    let q = query(
        "INSERT EXPIRED EVENTS INTO Out SELECT sym, avg(price) AS ap, count(*) c FROM T AS t WINDOW('time', 1 MINUTE) \
         WHERE price > 10 GROUP BY sym, t.venue HAVING ap > 50.0 ORDER BY ap DESC, sym ASC LIMIT 3 OFFSET 1 \
         OUTPUT LAST EVERY 5 SECONDS",
    );
    let ins = q
        .insert
        .as_ref()
        .map(|i| (i.kind, i.target.name.as_str(), i.inner));
    assert_eq!(ins, Some((Some(EventKind::Expired), "Out", false)));
    let SelectList::Items(items) = &q.select else {
        panic!()
    };
    assert_eq!(items.len(), 3);
    let From::Stream(s) = &q.from else { panic!() };
    assert_eq!(s.alias.as_ref().map(|a| a.name.as_str()), Some("t"));
    let w = s
        .window
        .as_ref()
        .map(|w| (w.name.value.as_str(), w.args.len()));
    assert_eq!(w, Some(("time", 1)));
    assert!(matches!(
        s.window.as_ref().map(|w| &w.args[0].kind),
        Some(ExprKind::Duration(_))
    ));
    assert_eq!(q.group_by.len(), 2);
    assert!(q.having.is_some());
    assert_eq!(
        q.order_by.iter().map(|k| k.desc).collect::<Vec<_>>(),
        vec![true, false]
    );
    assert_eq!(q.limit.map(|l| l.0), Some(3));
    assert_eq!(q.offset.map(|l| l.0), Some(1));
    let r = q.output_rate.as_ref().map(|r| r.mode);
    assert_eq!(r, Some(RateMode::Last));
}

#[test]
fn insert_kinds_and_inner() {
    for (k, want) in [
        ("", None),
        ("CURRENT EVENTS", Some(EventKind::Current)),
        ("ALL EVENTS", Some(EventKind::All)),
    ] {
        let q = query(&format!("INSERT {k} INTO O SELECT * FROM S"));
        assert_eq!(q.insert.map(|i| i.kind), Some(want));
    }
    let a = ok("PARTITION WITH (k OF S) BEGIN INSERT INTO #Tmp SELECT k FROM S; INSERT INTO Out SELECT k FROM #Tmp; END");
    let StatementKind::Partition(p) = &a.statements[0].kind else {
        panic!()
    };
    let StatementKind::Query(q0) = &p.body[0].kind else {
        panic!()
    };
    assert!(q0.insert.as_ref().is_some_and(|i| i.inner));
    let StatementKind::Query(q1) = &p.body[1].kind else {
        panic!()
    };
    assert!(matches!(&q1.from, From::Stream(s) if s.inner));
}

#[test]
fn select_star_and_qualified_star() {
    assert!(matches!(
        query("SELECT * FROM S").select,
        SelectList::Star(_)
    ));
    let q = query("SELECT a.*, b.x FROM A AS a JOIN B AS b ON a.k = b.k");
    let SelectList::Items(v) = q.select else {
        panic!()
    };
    assert!(matches!(&v[0], SelectItem::QualifiedStar(i) if i.name == "a"));
}

#[test]
fn no_insert_query() {
    let q = query("select x from S");
    assert!(q.insert.is_none());
}

#[test]
fn output_rate_forms() {
    let cases = [
        ("OUTPUT EVERY 5 EVENTS", RateMode::Default, true),
        ("OUTPUT ALL EVERY 5 EVENTS", RateMode::All, true),
        ("OUTPUT FIRST EVERY 1 SECOND", RateMode::First, false),
        ("OUTPUT LAST EVERY 2 MINUTES", RateMode::Last, false),
        (
            "OUTPUT SNAPSHOT EVERY 1 HOUR 30 MINUTES",
            RateMode::Snapshot,
            false,
        ),
    ];
    for (txt, mode, events) in cases {
        let q = query(&format!("SELECT a FROM S {txt}"));
        let r = q.output_rate.unwrap_or_else(|| panic!("{txt}"));
        assert_eq!(r.mode, mode);
        assert_eq!(matches!(r.every, RateEvery::Events(..)), events);
    }
    let q = query("SELECT a FROM S OUTPUT SNAPSHOT EVERY 1 HOUR 30 MINUTES");
    let Some(RateEvery::Time(d)) = q.output_rate.map(|r| r.every) else {
        panic!()
    };
    assert_eq!(d.millis(), 5_400_000);
}

#[test]
fn joins() {
    let kinds = [
        ("JOIN", JoinKind::Inner),
        ("INNER JOIN", JoinKind::Inner),
        ("LEFT JOIN", JoinKind::Left),
        ("LEFT OUTER JOIN", JoinKind::Left),
        ("RIGHT OUTER JOIN", JoinKind::Right),
        ("FULL JOIN", JoinKind::Full),
        ("full outer join", JoinKind::Full),
    ];
    for (op, k) in kinds {
        let q = query(&format!("SELECT a.x FROM A AS a WINDOW('length', 5) {op} B b WINDOW('time', 1 sec) ON a.k == b.k"));
        let From::Join(j) = q.from else { panic!() };
        assert_eq!(j.kind, k);
        assert_eq!(j.right.alias.as_ref().map(|a| a.name.as_str()), Some("b"));
        assert!(j.on.is_some());
    }
    let q = query("SELECT * FROM A UNIDIRECTIONAL JOIN B");
    let From::Join(j) = q.from else { panic!() };
    assert!(j.left_unidirectional && !j.right_unidirectional && j.on.is_none());
    let q = query("SELECT * FROM A JOIN B UNIDIRECTIONAL ON A.x = B.x");
    let From::Join(j) = q.from else { panic!() };
    assert!(j.right_unidirectional);
}

#[test]
fn aggregation_join_within_per() {
    let q = query(
        "SELECT a.total FROM Req AS r JOIN Agg AS a ON r.k = a.k WITHIN '2017-06-01 00:00:00', '2017-06-02 00:00:00' PER 'hours'",
    );
    let From::Join(j) = q.from else { panic!() };
    let w = j.within.unwrap_or_else(|| panic!("no within"));
    assert!(w.to.is_some());
    assert_eq!(
        w.per.kind,
        ExprKind::Literal(Literal::String("hours".into()))
    );
    let q = query("SELECT * FROM R JOIN A ON R.k = A.k WITHIN 1000L PER r.gran");
    let From::Join(j) = q.from else { panic!() };
    assert!(j.within.is_some_and(|w| w.to.is_none()));
}

#[test]
fn update_delete_upsert() {
    let a = ok(
        "UPDATE T AS t SET t.v = s.v, w = 1 FROM S AS s WHERE t.id = s.id;\
                DELETE FROM T USING S WINDOW('length', 1) WHERE T.id = S.id;\
                UPSERT INTO T SELECT id, v FROM S WHERE v > 0 ON T.id = id;\
                UPDATE T SET v = 0 FROM S WHERE T.id = S.id",
    );
    let StatementKind::Update(u) = &a.statements[0].kind else {
        panic!()
    };
    assert_eq!(u.alias.as_ref().map(|x| x.name.as_str()), Some("t"));
    assert_eq!(u.sets.len(), 2);
    assert!(u.sets[0].qualifier.is_some() && u.sets[1].qualifier.is_none());
    let StatementKind::Delete(d) = &a.statements[1].kind else {
        panic!()
    };
    assert!(d.using.window.is_some());
    let StatementKind::Upsert(x) = &a.statements[2].kind else {
        panic!()
    };
    assert!(x.where_.is_some());
    assert!(matches!(a.statements[3].kind, StatementKind::Update(_)));
}

#[test]
fn exists_and_not_exists() {
    let q = query("SELECT a FROM S WHERE EXISTS (SELECT * FROM T WHERE T.k = S.k) AND NOT EXISTS (SELECT * FROM U WHERE U.k = S.k)");
    let Some(ExprKind::Binary {
        op: BinaryOp::And,
        left,
        right,
    }) = q.where_.map(|w| w.kind)
    else {
        panic!()
    };
    assert!(matches!(left.kind, ExprKind::Exists { negated: false, .. }));
    assert!(matches!(right.kind, ExprKind::Exists { negated: true, .. }));
    // NOT (EXISTS …) stays a NOT around a positive EXISTS.
    let q = query("SELECT a FROM S WHERE NOT (EXISTS (SELECT * FROM T WHERE T.k = S.k))");
    assert!(matches!(
        q.where_.map(|w| w.kind),
        Some(ExprKind::Unary {
            op: UnaryOp::Not,
            ..
        })
    ));
}

#[test]
fn partitions_value_and_range() {
    let a = ok(
        "PARTITION WITH (symbol OF A, price < 10 AS 'low' OR (price >= 10 OR x) AS 'high' OF B) \
                WITH ('purge.idle' = '1 HOUR') BEGIN \
                INSERT INTO Out SELECT symbol, sum(price) AS s FROM A; \
                CREATE QUERY inner_q AS SELECT * FROM B \
                END;",
    );
    let StatementKind::Partition(p) = &a.statements[0].kind else {
        panic!()
    };
    assert!(matches!(&p.keys[0], PartitionKey::Value { attr, .. } if attr.name == "symbol"));
    let PartitionKey::Range { ranges, stream, .. } = &p.keys[1] else {
        panic!()
    };
    assert_eq!(ranges.len(), 2);
    assert_eq!(ranges[1].1.value, "high");
    assert_eq!(stream.name, "B");
    assert_eq!(p.with.len(), 1);
    assert_eq!(p.body.len(), 2);
}

#[test]
fn partition_range_with_bare_or_is_an_error() {
    let d = err1("PARTITION WITH (p < 1 OR p > 5 AS 'x' OF S) BEGIN SELECT * FROM S; END");
    assert_eq!(d.code, "E0001");
    assert!(d.message.contains("`AS`"), "{}", d.message);
}

// ---------------------------------------------------------------- patterns

#[test]
fn pattern_chain_every_within() {
    let p =
        pat("PATTERN (EVERY e1=A[price > 10] -> e2=B[price > e1.price] -> e3=C) WITHIN 10 MINUTES");
    assert!(!p.sequence);
    assert_eq!(p.expr.terms.len(), 3);
    assert!(p.expr.terms[0].every);
    let PatFactor::Elem(PatElem::Bind {
        alias,
        stream,
        filter,
        ..
    }) = &p.expr.terms[1].factor
    else {
        panic!()
    };
    assert_eq!(
        (
            alias.as_ref().map(|a| a.name.as_str()),
            stream.name.as_str()
        ),
        (Some("e2"), "B")
    );
    assert!(filter.is_some());
    assert!(matches!(p.within, Some(PatWithin::Time(ref d)) if d.millis() == 600_000));
}

#[test]
fn pattern_every_group_and_sequence() {
    let p = pat("PATTERN (EVERY (e1=A -> e2=B) -> e3=C)");
    assert!(matches!(&p.expr.terms[0].factor, PatFactor::Group(g) if g.terms.len() == 2));
    let p = pat("SEQUENCE (e1=A, e2=B)".replace(", ", " -> ").as_str());
    assert!(p.sequence);
}

#[test]
fn pattern_logical_and_absent() {
    let p = pat("PATTERN ((e1=A AND e2=B) -> e3=C OR e4=D)");
    let PatFactor::Group(g) = &p.expr.terms[0].factor else {
        panic!()
    };
    assert!(matches!(g.terms[0].factor, PatFactor::And(..)));
    assert!(matches!(p.expr.terms[1].factor, PatFactor::Or(..)));
    let p = pat("PATTERN (e1=A -> NOT B[v > e1.v] FOR 5 SECONDS -> e3=C)");
    let PatFactor::Elem(PatElem::Absent {
        stream,
        filter,
        for_,
        ..
    }) = &p.expr.terms[1].factor
    else {
        panic!()
    };
    assert_eq!(stream.name, "B");
    assert!(filter.is_some());
    assert_eq!(for_.as_ref().map(|d| d.millis()), Some(5000));
    let p = pat("PATTERN (NOT S AND e=B)");
    assert!(matches!(
        &p.expr.terms[0].factor,
        PatFactor::And(PatElem::Absent { for_: None, .. }, PatElem::Bind { .. })
    ));
}

#[test]
fn pattern_quantifiers() {
    let cases = [
        (
            "{3}",
            Quantifier::Count {
                min: 3,
                max: Some(3),
            },
        ),
        (
            "{2,5}",
            Quantifier::Count {
                min: 2,
                max: Some(5),
            },
        ),
        ("{2,}", Quantifier::Count { min: 2, max: None }),
        (
            "{,4}",
            Quantifier::Count {
                min: 0,
                max: Some(4),
            },
        ),
        ("+", Quantifier::Plus),
        ("*", Quantifier::Star),
        ("?", Quantifier::Question),
    ];
    for (q, want) in cases {
        let p = pat(&format!("SEQUENCE (e1=A[x > 1]{q} -> e2=B)"));
        let PatFactor::Elem(PatElem::Bind { quant, .. }) = &p.expr.terms[0].factor else {
            panic!()
        };
        assert_eq!(*quant, Some(want), "{q}");
    }
    let p = pat("PATTERN (e1=A{2} -> e2=B)");
    let PatFactor::Elem(PatElem::Bind { quant, filter, .. }) = &p.expr.terms[0].factor else {
        panic!()
    };
    assert!(filter.is_none() && quant.is_some());
}

#[test]
fn pattern_within_events_and_indexed_refs() {
    let p = pat("PATTERN (e1=A{2,5} -> e2=B) WITHIN 10 EVENTS");
    assert!(matches!(p.within, Some(PatWithin::Events(10, _))));
    let q = query("SELECT e1[0].price, e1[last].price AS l, e1[LAST - 1].price, e1[last-2].x FROM PATTERN (e1=A{2,} -> e2=B)");
    let SelectList::Items(items) = q.select else {
        panic!()
    };
    let idx: Vec<EventIndex> = items
        .iter()
        .map(|it| match it {
            SelectItem::Expr {
                expr:
                    Expr {
                        kind: ExprKind::Indexed { index, .. },
                        ..
                    },
                ..
            } => *index,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        idx,
        vec![
            EventIndex::At(0),
            EventIndex::Last(0),
            EventIndex::Last(1),
            EventIndex::Last(2)
        ]
    );
}

#[test]
fn bad_quantifier_is_rejected() {
    let d = err1("SELECT * FROM PATTERN (e1=A{3,1} -> e2=B)");
    assert_eq!(d.code, "E0008");
    assert_eq!(d.span.map(|s| s.start), Some(27));
}

// ---------------------------------------------------------------- expressions

#[test]
fn precedence_levels() {
    assert_eq!(pe("1 + 2 * 3"), "1 + 2 * 3");
    assert_eq!(pe("(1 + 2) * 3"), "(1 + 2) * 3");
    assert_eq!(pe("a - (b - c)"), "a - (b - c)");
    assert_eq!(pe("a - b - c"), "a - b - c");
    assert_eq!(pe("a OR b AND c"), "a OR b AND c");
    assert_eq!(pe("(a OR b) AND c"), "(a OR b) AND c");
    assert_eq!(pe("NOT a = b"), "NOT a = b");
    assert_eq!(pe("NOT a AND b"), "NOT a AND b");
    assert_eq!(pe("NOT (a AND b)"), "NOT (a AND b)");
    assert_eq!(pe("-a * b"), "-a * b");
    assert_eq!(pe("-(a * b)"), "-(a * b)");
    assert_eq!(pe("- -a"), "- -a");
    assert_eq!(
        pe("a + 1 > b * 2 AND c <> d OR e != f"),
        "a + 1 > b * 2 AND c != d OR e != f"
    );
    // NOT binds looser than comparisons: NOT (a = b)
    let x = e("NOT a = b");
    let ExprKind::Unary {
        op: UnaryOp::Not,
        expr,
    } = x.kind
    else {
        panic!()
    };
    assert!(matches!(
        expr.kind,
        ExprKind::Binary {
            op: BinaryOp::Eq,
            ..
        }
    ));
    // * binds tighter than +
    let x = e("1 + 2 * 3");
    let ExprKind::Binary {
        op: BinaryOp::Add,
        right,
        ..
    } = x.kind
    else {
        panic!()
    };
    assert!(matches!(
        right.kind,
        ExprKind::Binary {
            op: BinaryOp::Mul,
            ..
        }
    ));
}

#[test]
fn equality_spellings() {
    assert_eq!(e("a == b"), e("a = b"));
    assert_eq!(e("a != b"), e("a <> b"));
}

#[test]
fn comparisons_do_not_chain() {
    let d = err1("SELECT a = b = c FROM S");
    assert_eq!(d.code, "E0001");
    assert_eq!(d.span.map(|s| s.start), Some(13));
}

#[test]
fn special_predicates() {
    assert!(matches!(
        e("a BETWEEN 1 AND 5").kind,
        ExprKind::Between { negated: false, .. }
    ));
    assert!(matches!(
        e("a NOT BETWEEN 1 AND 5 AND b").kind,
        ExprKind::Binary {
            op: BinaryOp::And,
            ..
        }
    ));
    assert!(
        matches!(e("a IN (1, 2, 3)").kind, ExprKind::InList { negated: false, ref list, .. } if list.len() == 3)
    );
    assert!(
        matches!(e("a NOT IN ()").kind, ExprKind::InList { negated: true, ref list, .. } if list.is_empty())
    );
    assert!(matches!(
        e("a LIKE 'x%'").kind,
        ExprKind::Like {
            escape: None,
            negated: false,
            ..
        }
    ));
    assert!(matches!(
        e("a NOT LIKE 'x!%' ESCAPE '!'").kind,
        ExprKind::Like {
            escape: Some(_),
            negated: true,
            ..
        }
    ));
    assert!(matches!(
        e("a IS NULL").kind,
        ExprKind::IsNull { negated: false, .. }
    ));
    assert!(matches!(
        e("a + 1 IS NOT NULL").kind,
        ExprKind::IsNull { negated: true, .. }
    ));
}

#[test]
fn like_escape_is_contextual() {
    // `escape` here is an alias, not the ESCAPE clause.
    let q = query("SELECT a LIKE 'x' escape FROM S");
    let SelectList::Items(v) = q.select else {
        panic!()
    };
    assert!(matches!(&v[0], SelectItem::Expr { alias: Some(a), .. } if a.name == "escape"));
}

#[test]
fn literals() {
    assert_eq!(
        e("42").kind,
        ExprKind::Literal(Literal::Int {
            value: 42,
            long_suffix: false
        })
    );
    assert_eq!(
        e("42L").kind,
        ExprKind::Literal(Literal::Int {
            value: 42,
            long_suffix: true
        })
    );
    assert_eq!(
        e("5000000000").kind,
        ExprKind::Literal(Literal::Int {
            value: 5_000_000_000,
            long_suffix: false
        })
    );
    assert_eq!(
        e("4.5").kind,
        ExprKind::Literal(Literal::Float {
            value: 4.5,
            float_suffix: false
        })
    );
    assert_eq!(
        e("4.5f").kind,
        ExprKind::Literal(Literal::Float {
            value: 4.5,
            float_suffix: true
        })
    );
    assert_eq!(
        e("4.5D").kind,
        ExprKind::Literal(Literal::Float {
            value: 4.5,
            float_suffix: false
        })
    );
    assert_eq!(
        e("1e3").kind,
        ExprKind::Literal(Literal::Float {
            value: 1000.0,
            float_suffix: false
        })
    );
    assert_eq!(
        e("'it''s'").kind,
        ExprKind::Literal(Literal::String("it's".into()))
    );
    assert_eq!(e("NULL").kind, ExprKind::Literal(Literal::Null));
    assert_eq!(e("true").kind, ExprKind::Literal(Literal::Bool(true)));
    assert_eq!(e("FALSE").kind, ExprKind::Literal(Literal::Bool(false)));
    let x = e("-5");
    assert!(matches!(
        x.kind,
        ExprKind::Unary {
            op: UnaryOp::Neg,
            ..
        }
    ));
    assert_eq!(pe("0.1 + 1e300 + 2.5e-7F"), "0.1 + 1e300 + 2.5e-7F");
}

#[test]
fn durations_all_units() {
    let units = [
        ("MILLISECOND", 1),
        ("MILLISECONDS", 1),
        ("MILLISEC", 1),
        ("ms", 1),
        ("SECOND", 1000),
        ("seconds", 1000),
        ("SEC", 1000),
        ("S", 1000),
        ("MINUTE", 60_000),
        ("MINUTES", 60_000),
        ("MIN", 60_000),
        ("HOUR", 3_600_000),
        ("HOURS", 3_600_000),
        ("DAY", 86_400_000),
        ("DAYS", 86_400_000),
        ("WEEK", 604_800_000),
        ("WEEKS", 604_800_000),
        ("MONTH", 2_592_000_000),
        ("MONTHS", 2_592_000_000),
        ("YEAR", 31_536_000_000),
        ("YEARS", 31_536_000_000),
    ];
    for (u, ms) in units {
        let a = ok(&format!("CREATE TRIGGER T AT EVERY 1 {u}"));
        let StatementKind::CreateTrigger(CreateTrigger {
            at: TriggerAt::Every(d),
            ..
        }) = &a.statements[0].kind
        else {
            panic!()
        };
        assert_eq!(d.millis(), ms, "{u}");
    }
    let p = pat("PATTERN (e1=A -> e2=B) WITHIN 1 HOUR 30 MINUTES 5 SEC");
    assert!(
        matches!(p.within, Some(PatWithin::Time(ref d)) if d.millis() == 5_405_000 && d.parts.len() == 3)
    );
}

#[test]
fn interval_durations() {
    let a = ok("CREATE TRIGGER T AT EVERY INTERVAL '5' SECOND");
    let StatementKind::CreateTrigger(CreateTrigger {
        at: TriggerAt::Every(d),
        ..
    }) = &a.statements[0].kind
    else {
        panic!()
    };
    assert_eq!(d.millis(), 5000);
    assert!(
        matches!(e("INTERVAL '2' MINUTE").kind, ExprKind::Duration(ref d) if d.millis() == 120_000)
    );
    assert!(matches!(e("INTERVAL '7'").kind, ExprKind::Duration(ref d) if d.millis() == 7));
    let q = query("SELECT a FROM S WINDOW('time', INTERVAL '3' HOUR)");
    let From::Stream(s) = q.from else { panic!() };
    assert!(
        matches!(s.window.map(|w| w.args[0].kind.clone()), Some(ExprKind::Duration(d)) if d.millis() == 10_800_000)
    );
}

#[test]
fn bad_duration_unit_m() {
    let d = err1("SELECT a FROM S WINDOW('time', 5 M)");
    assert_eq!(d.code, "E0007");
    assert_eq!(d.span.map(|s| s.start), Some(33));
    assert!(d
        .help
        .as_deref()
        .is_some_and(|h| h.contains("MINUTES or MONTHS")));
    assert_eq!(err1("CREATE TRIGGER T AT EVERY 5 M").code, "E0007");
    assert_eq!(
        err1("SELECT * FROM PATTERN (e1=A -> e2=B) WITHIN 5 h").code,
        "E0007"
    );
}

#[test]
fn case_cast_functions() {
    assert!(
        matches!(e("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END").kind,
        ExprKind::Case { operand: None, ref whens, else_: Some(_) } if whens.len() == 2)
    );
    assert!(matches!(
        e("CASE a WHEN 1 THEN 'one' END").kind,
        ExprKind::Case {
            operand: Some(_),
            else_: None,
            ..
        }
    ));
    assert!(
        matches!(e("CAST(a AS DOUBLE)").kind, ExprKind::Cast { ref ty, .. } if ty.ty == DataType::Double)
    );
    assert!(
        matches!(e("CAST(a AS VARCHAR(5))").kind, ExprKind::Cast { ref ty, .. } if ty.ty == DataType::String)
    );
    assert!(
        matches!(e("count(*)").kind, ExprKind::Func { star: true, ref args, .. } if args.is_empty())
    );
    assert!(
        matches!(e("count()").kind, ExprKind::Func { star: false, ref args, .. } if args.is_empty())
    );
    assert!(matches!(
        e("count(DISTINCT x)").kind,
        ExprKind::Func { distinct: true, .. }
    ));
    assert!(
        matches!(e("count(distinct)").kind, ExprKind::Func { distinct: false, ref args, .. } if args.len() == 1)
    );
    assert!(
        matches!(e("str:concat(a, 'x')").kind, ExprKind::Func { ns: Some(ref n), ref name, .. } if n.name == "str" && name.name == "concat")
    );
    assert!(matches!(e("TRIM(x)").kind, ExprKind::Func { ref args, .. } if args.len() == 1));
    assert!(
        matches!(e("coalesce(a, b, 0)").kind, ExprKind::Func { ref args, .. } if args.len() == 3)
    );
}

#[test]
fn substring_forms() {
    let x = e("SUBSTRING(s FROM 2 FOR 3)");
    let ExprKind::Func { args, .. } = &x.kind else {
        panic!()
    };
    assert_eq!(args.len(), 3);
    let y = e("SUBSTRING(s, 2, 3)");
    assert_eq!(x, y);
    assert!(
        matches!(e("substring(s FROM 2)").kind, ExprKind::Func { ref args, .. } if args.len() == 2)
    );
}

#[test]
fn contextual_function_names() {
    for f in [
        "and(flag)",
        "or(flag)",
        "first(x)",
        "last(x)",
        "left(s, 2)",
        "right(s, 2)",
    ] {
        assert!(matches!(e(f).kind, ExprKind::Func { .. }), "{f}");
    }
    // As an operator, AND stays AND even before a parenthesis.
    assert!(matches!(
        e("a AND (b)").kind,
        ExprKind::Binary {
            op: BinaryOp::And,
            ..
        }
    ));
}

#[test]
fn identifiers_quoted_and_case() {
    let x = e("\"my col\" + \"Select\"");
    let ExprKind::Binary { left, right, .. } = x.kind else {
        panic!()
    };
    assert_eq!(left.kind, col("my col"));
    assert_eq!(right.kind, col("Select"));
    assert_ne!(e("Price").kind, col("price"));
    assert_eq!(pe("\"a \"\"b\"\"\""), "\"a \"\"b\"\"\"");
    // Keywords are case-insensitive.
    assert!(parse("select A from S where B > 1 group by A").is_ok());
}

#[test]
fn reserved_word_as_name_is_rejected() {
    let d = err1("CREATE STREAM select (a INT)");
    assert_eq!(d.code, "E0001");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("reserved")));
}

#[test]
fn comments_and_semicolons() {
    let a = ok(
        "-- leading\nCREATE STREAM S (a INT); /* block ; comment */ SELECT a FROM S -- trailing",
    );
    assert_eq!(a.statements.len(), 2);
    assert_eq!(ok("SELECT a FROM S;").statements.len(), 1);
}

#[test]
fn spans_are_byte_offsets() {
    let src = "CREATE STREAM S (a INT);\nSELECT a + 1 AS b FROM S";
    let a = ok(src);
    let s1 = a.statements[1].span;
    assert_eq!(&src[s1.start..s1.end], "SELECT a + 1 AS b FROM S");
    let StatementKind::Query(q) = &a.statements[1].kind else {
        panic!()
    };
    let SelectList::Items(items) = &q.select else {
        panic!()
    };
    let SelectItem::Expr { expr, alias } = &items[0] else {
        panic!()
    };
    assert_eq!(&src[expr.span.start..expr.span.end], "a + 1");
    let al = alias.as_ref().map(|a| a.span).unwrap_or_default();
    assert_eq!(&src[al.start..al.end], "b");
}

// ---------------------------------------------------------------- errors

#[test]
fn empty_application() {
    assert_eq!(err1("").code, "E0004");
    assert_eq!(err1("  -- nothing\n ; ;").code, "E0004");
}

#[test]
fn missing_from_points_at_where() {
    let d = err1("SELECT a WHERE a > 1");
    assert_eq!(d.code, "E0001");
    assert_eq!(d.message, "expected `FROM`, found `WHERE`");
    assert_eq!(d.span.map(|s| s.start), Some(9));
}

#[test]
fn lexical_errors() {
    assert_eq!(err1("SELECT 'abc FROM S").code, "E0002");
    assert_eq!(err1("SELECT a FROM S /* x").code, "E0002");
    assert_eq!(err1("SELECT 99999999999999999999 FROM S").code, "E0003");
}

#[test]
fn unknown_type() {
    let d = err1("CREATE STREAM S (a INTEGR)");
    assert_eq!(d.code, "E0006");
    assert_eq!(d.span.map(|s| s.start), Some(19));
    assert!(d.help.as_deref().is_some_and(|h| h.contains("INTEGER")));
}

#[test]
fn limit_must_be_non_negative() {
    let d = err1("SELECT a FROM S LIMIT -1");
    assert_eq!(d.span.map(|s| s.start), Some(22));
}

#[test]
fn one_error_per_statement_with_recovery() {
    let e = errs("SELECT FROM S; CREATE STREAM X (a INT); SELECT a FROM; PARTITION WITH (a OF S) BEGIN SELECT x FROM S; SELECT ; END; SELECT 1 FROM S");
    assert_eq!(e.len(), 3, "{e:?}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("SELECT {}1{} FROM S", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(err1(&deep).code, "E0005");
    let long = format!("SELECT 1{} FROM S", " + 1".repeat(5000));
    assert_eq!(err1(&long).code, "E0005");
    let negs = format!("SELECT {}1 FROM S", "- ".repeat(5000));
    assert_eq!(err1(&negs).code, "E0005");
    let nots = format!("SELECT a FROM S WHERE {} a", "NOT ".repeat(5000));
    assert_eq!(err1(&nots).code, "E0005");
    let groups = format!(
        "SELECT * FROM PATTERN ({}e=A{})",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    assert_eq!(err1(&groups).code, "E0005");
    // Just under the limit still parses and round-trips.
    let ok_depth = format!("SELECT {}1{} FROM S", "(".repeat(150), ")".repeat(150));
    ok(&ok_depth);
}

#[test]
fn unknown_statement_start() {
    let d = err1("DEFINE STREAM S (a int)");
    assert_eq!(d.code, "E0001");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("classic")));
    let d = err1("SELEC a FROM S");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("SELECT")));
}

#[test]
fn stray_token_after_statement() {
    let d = err1("SELECT a FROM S )");
    assert_eq!(d.span.map(|s| s.start), Some(16));
    assert!(d.message.contains("`;`"));
}

#[test]
fn alias_may_follow_the_window() {
    // The shared benchmark workload writes `S WINDOW(...) AS t`; it equals `S AS t WINDOW(...)`.
    let a = query("SELECT t.x FROM S WINDOW('time', 100 MILLISECONDS) AS t JOIN Q WINDOW('length', 2) AS q ON t.x = q.x");
    let b = query("SELECT t.x FROM S AS t WINDOW('time', 100 MILLISECONDS) JOIN Q AS q WINDOW('length', 2) ON t.x = q.x");
    assert_eq!(a, b);
    // An alias given twice is an error, not silently merged.
    assert!(!errs("SELECT x FROM S AS a WINDOW('length', 2) AS b").is_empty());
}
