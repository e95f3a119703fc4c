//! Round-trip and robustness tests of the SQL parser and printer.
//!
//! * Every `*.sql` file under `tests/` and `examples/` and every app of the built-in
//!   corpus below satisfies `parse(print(ast)) == ast` (and printing is stable).
//! * Property tests: arbitrary text, and truncated or mutated corpus apps, never
//!   panic the parser: it returns `Ok` or `Err`, and whatever it accepts round-trips.

use std::path::{Path, PathBuf};

use fluxtide::syntax::{parse, print};
use proptest::prelude::*;

/// Varied applications covering LANGUAGE.md §2 (statements, clauses, patterns,
/// partitions, table operations, expressions, literals and durations).
const CORPUS: &[&str] = &[
    // 1 — streams and WITH options
    "CREATE STREAM S (a INT, b STRING);",
    "CREATE STREAM Trades (symbol VARCHAR(10), price DOUBLE PRECISION, volume BIGINT, ts TIMESTAMP)
     WITH ('type' = 'source', 'extension' = 'kafka', \"kafka.topic\" = 'trades', 'kafka.group.id' = 'g1',
           'format' = 'json', 'event.time' = 'ts', 'watermark.delay' = '2 SECONDS');",
    "CREATE STREAM Out (x DECIMAL(10,2), y NUMERIC, z REAL, w TINYINT, v BOOLEAN, u TEXT, t CHARACTER VARYING)
     WITH ('type' = 'sink', 'extension' = 'log', async.buffer_size = 1024, 'async.enabled' = true, flag);",
    // 4 — tables
    "CREATE TABLE Users (id INT PRIMARY KEY, name STRING, score FLOAT);",
    "CREATE TABLE Prices (sym STRING, venue STRING, px DOUBLE, PRIMARY KEY (sym, venue)) WITH ('extension' = 'cache', 'max_size' = 100);",
    // 6 — triggers
    "CREATE TRIGGER Boot AT START; CREATE TRIGGER Tick AT EVERY 5 SECONDS; CREATE TRIGGER Nightly AT CRON '0 0 0 * * *';",
    "CREATE TRIGGER Fast AT EVERY 1 MINUTE 30 SECONDS; CREATE TRIGGER Ms AT EVERY 250; CREATE TRIGGER I AT EVERY INTERVAL '10' SECOND",
    // 8 — simple queries
    "CREATE STREAM S (a INT); SELECT a FROM S",
    "CREATE STREAM S (a INT, b DOUBLE);
     INSERT INTO Out SELECT a, b * 2 AS b2, a + 1 next FROM S WHERE a > 0 AND b <= 10.5;",
    "INSERT CURRENT EVENTS INTO O1 SELECT * FROM S; INSERT EXPIRED EVENTS INTO O2 SELECT * FROM S WINDOW('length', 3);
     INSERT ALL EVENTS INTO O3 SELECT * FROM S WINDOW('lengthBatch', 3, true)",
    // 11 — windows of all kinds
    "SELECT sym, avg(price) AS ap FROM T WINDOW('time', 1 MINUTE) GROUP BY sym;
     SELECT count() AS n FROM T WINDOW('timeBatch', 10 SECONDS, 0L) ;
     SELECT count(*) AS n FROM T WINDOW('tumbling', 1 HOUR);
     SELECT max(p) AS m FROM T WINDOW('externalTime', ts, 500 MILLISECONDS);
     SELECT min(p) AS m FROM T WINDOW('externalTimeBatch', ts, 2 sec);
     SELECT sum(p) AS s FROM T WINDOW('session', 5 MIN, user_id);
     SELECT first(p) AS f, last(p) AS l FROM T WINDOW('sort', 3, price, 'desc');
     SELECT distinctCount(p) AS d FROM T WINDOW('hop', 10 SECONDS, 2 SECONDS);
     SELECT * FROM T AS t WINDOW('expression', count() <= 20);
     SELECT * FROM T WINDOW('delay', 1 DAY)",
    // 12 — GROUP BY / HAVING / ORDER BY / LIMIT / OFFSET / OUTPUT
    "INSERT INTO Top SELECT sym, sum(vol) AS total FROM T WINDOW('lengthBatch', 100)
     GROUP BY sym HAVING total > 1000 ORDER BY total DESC, sym LIMIT 3 OFFSET 1;",
    "SELECT sym, count() AS c FROM T GROUP BY sym OUTPUT EVERY 10 EVENTS;
     SELECT sym FROM T OUTPUT ALL EVERY 5 EVENTS;
     SELECT sym FROM T OUTPUT FIRST EVERY 2 SECONDS;
     SELECT sym FROM T OUTPUT LAST EVERY 1 MINUTE;
     SELECT sym, avg(p) AS a FROM T WINDOW('time', 1 MINUTE) GROUP BY sym OUTPUT SNAPSHOT EVERY 30 SECONDS;",
    "SELECT a FROM S WHERE a > 1 GROUP BY a, S.b HAVING count() >= 2 AND avg(a) > 50.0 ORDER BY a ASC LIMIT 10 OUTPUT LAST EVERY 100 MS",
    // 15 — joins
    "SELECT a.x, b.y FROM A AS a WINDOW('length', 10) JOIN B AS b WINDOW('time', 1 MINUTE) ON a.k = b.k",
    "SELECT * FROM A LEFT OUTER JOIN B ON A.k == B.k; SELECT * FROM A RIGHT JOIN B ON A.k = B.k;
     SELECT * FROM A FULL OUTER JOIN B ON A.k <> B.k; SELECT * FROM A INNER JOIN B ON A.k != B.k",
    "SELECT * FROM A UNIDIRECTIONAL JOIN B WINDOW('length', 5) ON A.k = B.k;
     SELECT * FROM A WINDOW('length', 1) JOIN B UNIDIRECTIONAL;",
    "INSERT INTO Enriched SELECT s.id, t.label FROM S AS s LEFT JOIN T AS t ON s.id = t.id WHERE t.label IS NOT NULL",
    "SELECT r.k, a.total FROM Req AS r JOIN Agg AS a ON r.k = a.k WITHIN '2017-06-01 00:00:00', '2017-06-30 00:00:00' PER 'days';
     SELECT * FROM Req AS r JOIN Agg AS a ON r.k = a.k WITHIN 1496200000000L PER r.granularity",
    // 20 — patterns
    "INSERT INTO Alerts SELECT e1.price AS p1, e2.price AS p2
     FROM PATTERN (EVERY e1=Trades[price > 100] -> e2=Trades[price > e1.price * 1.1]) WITHIN 5 MINUTES",
    "SELECT e1.x, e2.x, e3.x FROM PATTERN (e1=A -> e2=B -> e3=C)",
    "SELECT e1.x FROM PATTERN (EVERY (e1=A -> e3=A) -> e2=B)",
    "SELECT e1.x FROM PATTERN (e1=A -> EVERY e2=B[v > e1.v])",
    "SELECT coalesce(e1.x, e2.x) AS x FROM PATTERN (e1=A OR e2=B); SELECT e1.x, e2.y FROM PATTERN (e1=A AND e2=B)",
    "SELECT e3.x FROM PATTERN ((e1=A AND e2=B) -> e3=C) WITHIN 1 HOUR",
    "SELECT e1.x FROM PATTERN (e1=A -> NOT B[v > e1.v] FOR 10 SECONDS -> e3=C)",
    "SELECT e.x FROM PATTERN (NOT S FOR 5 SEC -> e=B); SELECT e.x FROM PATTERN (NOT S AND e=B)",
    "SELECT e1[0].p AS first_p, e1[last].p AS last_p, e1[last-1].p AS prev_p, count(e1) AS n, avg(e1.p) AS ap
     FROM PATTERN (e1=A[p > 20]{2,5} -> e2=B[p > e1[last].p])",
    "SELECT e1.p FROM PATTERN (e1=A{3} -> e2=B{2,} -> e3=C{,4} -> e4=D{0,1})",
    "SELECT e1.p FROM SEQUENCE (e1=A[p > 20] -> e2=B[p > e1.p]+ -> e3=C* -> e4=D?)",
    "SELECT e1.p FROM PATTERN (e1=A -> e2=B) WITHIN 100 EVENTS",
    "SELECT e1.p FROM SEQUENCE (EVERY e1=A -> e2=B) WITHIN 1 HOUR 30 MINUTES WHERE e2.p > e1.p",
    // 33 — table operations
    "UPDATE Users AS u SET u.score = s.score, name = upper(s.name) FROM Scores AS s WHERE u.id = s.id;",
    "DELETE FROM Users USING Removals WHERE Users.id = Removals.id; DELETE FROM Users AS u USING R AS r WHERE u.id = r.id",
    "UPSERT INTO Users SELECT id, name, score FROM Incoming WHERE score > 0 ON Users.id = id",
    "INSERT INTO Users SELECT id, name, 0.0 AS score FROM Incoming",
    "SELECT s.k FROM S AS s WHERE EXISTS (SELECT * FROM T WHERE T.k = s.k);
     SELECT s.k FROM S AS s WHERE NOT EXISTS (SELECT * FROM T WHERE T.k = s.k) AND s.v > 0",
    // 38 — partitions
    "PARTITION WITH (symbol OF Trades) BEGIN
       INSERT INTO Sums SELECT symbol, sum(price) AS total FROM Trades;
     END;",
    "PARTITION WITH (symbol OF A, symbol OF B) WITH ('purge.idle' = '1 HOUR') BEGIN
       INSERT INTO #Tmp SELECT symbol, price FROM A;
       INSERT INTO Out SELECT symbol, max(price) AS m FROM #Tmp WINDOW('length', 5);
       CREATE QUERY pq AS SELECT symbol FROM B
     END",
    "PARTITION WITH (price < 10 AS 'low' OR price >= 10 AND price < 100 AS 'mid' OR (price >= 100 OR vip) AS 'high' OF Trades)
     BEGIN SELECT count() AS n FROM Trades; UPDATE T SET n = 1 FROM Trades WHERE T.k = Trades.k; END",
    // 41 — aggregations and named windows
    "CREATE AGGREGATION TradeAgg AS SELECT symbol, sum(price) AS total, avg(price) AS ap FROM Trades
     GROUP BY symbol AGGREGATE BY ts EVERY SECONDS ... YEARS",
    "CREATE AGGREGATION A2 WITH ('timezone' = 'UTC') AS SELECT count() AS n FROM S WHERE x > 0 AGGREGATE EVERY MINUTES, HOURS, DAYS",
    "CREATE WINDOW Shared (a INT, b STRING) WINDOW('length', 10) OUTPUT ALL EVENTS; INSERT INTO Shared SELECT a, b FROM S;
     CREATE WINDOW W2 (a INT) WINDOW('time', 1 SECOND)",
    "CREATE QUERY hot_rooms AS INSERT INTO Hot SELECT room FROM Readings WHERE temp > 30.0",
    // 45 — expressions
    "SELECT CASE WHEN a > 1 THEN 'big' WHEN a < -1 THEN 'neg' ELSE 'small' END AS c,
            CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' END AS d,
            CAST(a AS DOUBLE) / 2 AS h, CAST(b AS VARCHAR(3)) AS bs FROM S",
    "SELECT a FROM S WHERE a BETWEEN 1 AND 10 AND b NOT BETWEEN -5 AND 5 OR c IN (1, 2, 3) OR d NOT IN ('x', 'y')",
    "SELECT a FROM S WHERE name LIKE 'A%' AND code NOT LIKE 'x!_%' ESCAPE '!' AND note IS NULL AND v IS NOT NULL",
    "SELECT -a, - -a, +a, -(a + b), a - -1, NOT (a > 1) AS n, 10 % 3, 7 / 2, (a + b) * (c - d) FROM S",
    "SELECT 42, 42L, 5000000000, 1.5, 1.5F, 2.5D, 1e3, .5, 'it''s', NULL, TRUE, false FROM S",
    "SELECT SUBSTRING(s FROM 2 FOR 3) AS a, substring(s, 1) AS b, TRIM(s) AS c, str:concat(s, '!') AS d,
            count(DISTINCT s) AS e, and(flag) AS f, or(flag) AS g, left(s, 2) AS h FROM S",
    "SELECT \"my col\", \"select\", \"a\"\"b\" AS \"weird name\" FROM \"My Stream\" AS \"x y\"",
    "SELECT a FROM S WHERE (a = 1 OR b = 2) AND NOT c = 3 AND (d > 4) = (e < 5)",
    "SELECT a FROM S WHERE x > INTERVAL '5' SECOND AND now() - ts < INTERVAL '1' HOUR",
    "-- a comment\nSELECT /* inline */ a FROM S; -- trailing\n/* block\n comment */ SELECT b FROM S;",
    "select A from s where b == 1 group by A having count() > 1 order by A desc limit 5",
    "SELECT eventTimestamp() AS t, uuid() AS u, coalesce(a, b, 0) AS c, ifnull(a, 1) AS d, round(p, 2) AS r, log(2, x) AS l FROM S",
];

fn sql_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let p = entry.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            sql_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "sql") {
            out.push(p);
        }
    }
}

fn assert_roundtrip(name: &str, text: &str) {
    let ast = match parse(text) {
        Ok(a) => a,
        Err(e) => panic!("{name}: does not parse: {e:?}"),
    };
    let printed = print(&ast);
    let again = match parse(&printed) {
        Ok(a) => a,
        Err(e) => panic!("{name}: printed text does not parse: {e:?}\n---\n{printed}"),
    };
    assert_eq!(
        ast, again,
        "{name}: round trip changed the AST\n---\n{printed}"
    );
    assert_eq!(printed, print(&again), "{name}: printing is not stable");
}

#[test]
fn corpus_round_trips() {
    assert!(CORPUS.len() >= 40);
    for (k, text) in CORPUS.iter().enumerate() {
        assert_roundtrip(&format!("corpus #{}", k + 1), text);
    }
}

#[test]
fn sql_files_round_trip() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sql_files(&root.join("examples"), &mut files);
    let mut test_files = Vec::new();
    sql_files(&root.join("tests"), &mut test_files);
    if root.join("examples").is_dir() {
        assert!(!files.is_empty(), "examples/ holds no .sql file");
    }
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        assert_roundtrip(&f.display().to_string(), &text);
    }
    // Files under tests/ may be deliberately invalid (error goldens): those only
    // have to fail cleanly; the valid ones must round-trip.
    for f in &test_files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        if parse(&text).is_ok() {
            assert_roundtrip(&f.display().to_string(), &text);
        }
    }
}

/// Returns the largest char boundary ≤ `i`.
fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whatever the parser accepts must print and parse back to the same AST.
fn check_any(text: &str) {
    if let Ok(ast) = parse(text) {
        let printed = print(&ast);
        match parse(&printed) {
            Ok(b) => assert_eq!(ast, b, "input {text:?}\nprinted {printed:?}"),
            Err(e) => panic!("input {text:?}\nprinted {printed:?}\n{e:?}"),
        }
    }
}

const FRAGMENTS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "(",
    ")",
    ",",
    ";",
    "'x'",
    "\"q\"",
    "1",
    "2.5",
    "-",
    "+",
    "*",
    "=",
    "->",
    "[",
    "]",
    "{",
    "}",
    "EVERY",
    "PATTERN",
    "NOT",
    "AND",
    "OR",
    "CASE",
    "WHEN",
    "THEN",
    "END",
    "BEGIN",
    "PARTITION",
    "WITH",
    "OF",
    "AS",
    "WINDOW",
    "5 SECONDS",
    "e1=A",
    "INSERT INTO",
    "#",
    ":",
    "--",
    "/*",
    "*/",
    "a",
    "b.c",
    "e[last]",
    "IN",
    "BETWEEN",
    "LIKE",
    "IS",
    "NULL",
    "CAST",
    "INTERVAL",
    "'",
    "\"",
    "é",
    "\n",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, .. ProptestConfig::default() })]

    #[test]
    fn random_strings_never_panic(s in any::<String>()) {
        check_any(&s);
    }

    #[test]
    fn random_token_soup_never_panics(parts in prop::collection::vec(0..FRAGMENTS.len(), 0..40)) {
        let text: Vec<&str> = parts.iter().map(|&k| FRAGMENTS[k]).collect();
        check_any(&text.join(" "));
    }

    #[test]
    fn truncated_corpus_never_panics(k in 0..CORPUS.len(), cut in 0usize..2000) {
        let app = CORPUS[k];
        let at = floor(app, cut % (app.len() + 1));
        check_any(&app[..at]);
    }

    #[test]
    fn mutated_corpus_never_panics(
        k in 0..CORPUS.len(),
        a in 0usize..2000,
        b in 0usize..2000,
        frag in 0..FRAGMENTS.len(),
        op in 0u8..3,
    ) {
        let app = CORPUS[k];
        let (x, y) = (floor(app, a % (app.len() + 1)), floor(app, b % (app.len() + 1)));
        let (lo, hi) = (x.min(y), x.max(y));
        let text = match op {
            // delete a range
            0 => format!("{}{}", &app[..lo], &app[hi..]),
            // insert a fragment
            1 => format!("{} {} {}", &app[..lo], FRAGMENTS[frag], &app[lo..]),
            // duplicate a range
            _ => format!("{}{}{}", &app[..hi], &app[lo..hi], &app[hi..]),
        };
        check_any(&text);
    }
}
