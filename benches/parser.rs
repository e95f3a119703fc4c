//! Parser micro benchmarks: `fluxtide::syntax::parse` on realistic applications, from
//! the one-query workload app to a generated 50-query app. Parsing happens once per
//! deployment, so the budget is generous; these numbers guard against accidental
//! blow-ups (exponential backtracking, per-token allocation storms).
//! The throughput line is bytes of SQL per second.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const TRADES: &str =
    "CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ts BIGINT) \
                      WITH ('event.time' = 'ts');\n";

/// Workload Q1 (`WORKLOAD.md`).
fn q1() -> String {
    format!(
        "{TRADES}INSERT INTO Out SELECT symbol, price, volume FROM Trades WHERE price > 900.0;\n"
    )
}

/// All five workload queries in one application: filters, windows, group by, a pattern
/// and a join. Q5 puts the alias before the window (`Trades AS t WINDOW(…)`), the order
/// the grammar and LANGUAGE.md use.
fn workload() -> String {
    format!(
        "{TRADES}\
CREATE STREAM Quotes (symbol STRING, bid DOUBLE, ask DOUBLE, ts BIGINT) WITH ('event.time' = 'ts');

INSERT INTO Q1 SELECT symbol, price, volume FROM Trades WHERE price > 900.0;

INSERT INTO Q2
SELECT symbol, COUNT(*) AS n, AVG(price) AS avg_price, SUM(volume) AS vol
FROM Trades WINDOW('tumbling', 1 SECOND) GROUP BY symbol;

INSERT INTO Q3
SELECT symbol, AVG(price) AS avg_price, MAX(price) AS max_price
FROM Trades WINDOW('time', 10 SECONDS) GROUP BY symbol;

INSERT INTO Q4
SELECT e1.symbol AS symbol, e1.price AS p1, e2.price AS p2
FROM PATTERN (EVERY e1=Trades[price > 995.0]
              -> e2=Trades[symbol = e1.symbol AND price < e1.price - 500.0]) WITHIN 5 SECONDS;

INSERT INTO Q5
SELECT t.symbol, t.price, q.bid, q.ask
FROM Trades AS t WINDOW('time', 100 MILLISECONDS)
JOIN Quotes AS q WINDOW('time', 100 MILLISECONDS) ON t.symbol = q.symbol;
"
    )
}

/// The two shipped examples' shapes: projections with CASE, functions, IN, LIKE, NULL
/// handling, and a chain through an internal stream.
fn examples() -> String {
    format!(
        "{TRADES}\
CREATE STREAM Readings (sensor STRING, room STRING, temp_c DOUBLE, humidity INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'sensors.csv',
      'format' = 'csv', 'event.time' = 'ts');

-- Trades over 900 with their notional value.
INSERT INTO BigTrades
SELECT symbol, price, volume, round(price * volume, 2) AS notional
FROM Trades
WHERE price > 900.0 AND volume >= 100;

INSERT INTO Watched
SELECT symbol,
       CASE WHEN price >= 500.0 THEN 'high' ELSE 'low' END AS band,
       eventTimestamp() AS seen_at
FROM Trades
WHERE symbol IN ('S0001', 'S0007', 'S0013');

INSERT INTO Normalised
SELECT sensor, upper(replace(room, ' ', '_')) AS room, temp_c * 9.0 / 5.0 + 32.0 AS temp_f,
       coalesce(humidity, -1) AS humidity
FROM Readings;

INSERT INTO Alerts
SELECT sensor, room, round(temp_f, 1) AS temp_f, humidity,
       CASE WHEN temp_f > 104.0 THEN 'hot' WHEN humidity > 80 THEN 'humid' ELSE 'warm' END AS reason
FROM Normalised
WHERE (temp_f > 100.0 OR humidity > 80) AND room NOT LIKE 'HALL%';
"
    )
}

/// A 50-query application of the kind a real deployment grows into: per-desk filters
/// and projections with mixed expressions, a few windowed aggregates, comments.
fn fifty_queries() -> String {
    let mut s = String::from(TRADES);
    s.push_str("CREATE STREAM Quotes (symbol STRING, bid DOUBLE, ask DOUBLE, ts BIGINT) WITH ('event.time' = 'ts');\n\n");
    for i in 0..50 {
        let _ = writeln!(s, "-- Desk {i}: its own slice of the tape.");
        let _ = match i % 5 {
            0 => writeln!(
                s,
                "INSERT INTO Desk{i} SELECT symbol, price, volume, round(price * volume, 2) AS notional \
                 FROM Trades WHERE price > {}.5 AND volume >= {} AND symbol LIKE 'S0{}%';",
                100 + i * 17,
                10 * i,
                i % 10
            ),
            1 => writeln!(
                s,
                "INSERT INTO Desk{i}\nSELECT symbol,\n       CASE WHEN price >= {}.0 THEN 'high' WHEN price >= {}.0 THEN 'mid' ELSE 'low' END AS band,\n       \
                 upper(concat(symbol, '-{i}')) AS tag, eventTimestamp() AS seen_at\nFROM Trades\n\
                 WHERE symbol IN ('S{:04}', 'S{:04}', 'S{:04}', 'S{:04}') OR (price BETWEEN {}.0 AND {}.0 AND NOT volume < 5);",
                700 + i,
                300 + i,
                i,
                i + 1,
                i * 7 % 1000,
                i * 13 % 1000,
                400 + i,
                450 + i
            ),
            2 => writeln!(
                s,
                "INSERT INTO Desk{i} SELECT symbol, COUNT(*) AS n, AVG(price) AS avg_price, SUM(volume) AS vol \
                 FROM Trades WINDOW('tumbling', {} SECONDS) WHERE volume > {} GROUP BY symbol;",
                1 + i % 7,
                i * 3
            ),
            3 => writeln!(
                s,
                "INSERT INTO Desk{i} SELECT symbol, bid, ask, (ask - bid) / ((ask + bid) / 2.0) * 10000.0 AS spread_bps, \
                 coalesce(nullif(bid, 0.0), ask) AS ref FROM Quotes WHERE ask - bid > 0.{} AND length(symbol) = 5;",
                1 + i % 9
            ),
            _ => writeln!(
                s,
                "INSERT INTO Desk{i} SELECT symbol, -price AS neg, abs(price - {}.25) AS dist, volume % 7 AS bucket, \
                 CAST(price AS BIGINT) AS whole FROM Trades WHERE price IS NOT NULL AND (volume * 2 > {} OR symbol <> 'S{:04}');",
                500 + i,
                i * 11,
                i
            ),
        };
        s.push('\n');
    }
    s
}

fn bench_parse(c: &mut Criterion) {
    let apps = [
        ("q1", q1()),
        ("workload_q1_q5", workload()),
        ("examples", examples()),
        ("fifty_queries", fifty_queries()),
    ];
    let mut group = c.benchmark_group("parse");
    for (name, text) in &apps {
        // A parse error here is a bench bug (or a grammar regression): say which.
        if let Err(diags) = fluxtide::syntax::parse(text) {
            panic!("bench app `{name}` does not parse: {diags:?}\n{text}");
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| fluxtide::syntax::parse(black_box(text)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
