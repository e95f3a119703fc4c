//! Compiled-expression micro benchmarks: each expression is planned from SQL (so the
//! planner's typing and widening are included), compiled once with
//! `fluxtide::expr::compile::{compile, compile_pred}`, then evaluated over `ROWS`
//! trade rows shaped like `gen_trades.py`'s. Criterion's time per iteration divided by
//! `ROWS` is the cost per row (the throughput line shows rows per second).
//!
//! DESIGN.md §3 budgets ~7 ns for a filter; `q1_filter_handwritten` is the same test as
//! a plain Rust closure over the row, the floor a compiled predicate is measured against.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fluxtide::expr::compile::{compile, compile_pred, EvalCtx};
use fluxtide::expr::ir::ScalarExpr;
use fluxtide::value::Value;
use fluxtide::App;

const ROWS: usize = 1024;

const TRADES: &str =
    "CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ts BIGINT) \
                      WITH ('event.time' = 'ts');\n";

/// A deterministic xorshift stream, so the bench needs no data file.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `(symbol, price, volume, ts)` rows: 1000 symbols, prices uniform in 0..1000 with two
/// decimals, volumes 1..1000, 10 events per millisecond.
fn rows() -> Vec<(Box<[Value]>, i64)> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..ROWS)
        .map(|i| {
            let ts = 1_700_000_000_000 + (i as i64) / 10;
            let row = vec![
                Value::str(&format!("S{:04}", rng.next() % 1000)),
                Value::Double((rng.next() % 100_000) as f64 / 100.0),
                Value::Long(1 + (rng.next() % 999) as i64),
                Value::Long(ts),
            ];
            (row.into_boxed_slice(), ts)
        })
        .collect()
}

/// Plans `INSERT INTO Out SELECT <select> FROM Trades [WHERE <filter>]` and returns the
/// query's filter and select list.
fn plan(select: &str, filter: Option<&str>) -> (Option<ScalarExpr>, Vec<ScalarExpr>) {
    let where_ = filter.map(|f| format!(" WHERE {f}")).unwrap_or_default();
    let sql = format!("{TRADES}INSERT INTO Out SELECT {select} FROM Trades{where_};\n");
    let app = match App::from_sql("bench.sql", &sql) {
        Ok(a) => a,
        Err(e) => panic!("bench query does not plan: {e}\n{sql}"),
    };
    let plan = match app.plan() {
        Ok(p) => p,
        Err(e) => panic!("bench query does not plan: {e}\n{sql}"),
    };
    let Some(q) = plan.queries.into_iter().next() else {
        panic!("no query planned:\n{sql}")
    };
    (q.filter, q.project)
}

fn bench_predicates(c: &mut Criterion) {
    let rows = rows();
    let mut group = c.benchmark_group("predicate");
    group.throughput(Throughput::Elements(ROWS as u64));

    let cases = [
        ("q1_price_gt", "price > 900.0"),
        (
            "compound_and_or_in_like",
            "(price > 900.0 AND volume >= 100) OR (symbol IN ('S0001', 'S0007', 'S0013', 'S0420') AND symbol LIKE 'S00%')",
        ),
        ("between_not", "price BETWEEN 250.0 AND 750.0 AND NOT volume < 500"),
    ];
    for (name, filter) in cases {
        let (Some(pred), _) = plan("symbol", Some(filter)) else {
            panic!("`{filter}` planned without a filter")
        };
        let f = compile_pred(&pred);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut n = 0usize;
                for (row, ts) in &rows {
                    n += usize::from(f(&EvalCtx::new(black_box(row), *ts)));
                }
                n
            })
        });
    }

    // The floor: the same test hand-written over the row.
    group.bench_function("q1_filter_handwritten", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (row, _) in &rows {
                n += usize::from(matches!(black_box(row)[1], Value::Double(p) if p > 900.0));
            }
            n
        })
    });
    group.finish();
}

fn bench_projections(c: &mut Criterion) {
    let rows = rows();
    let mut group = c.benchmark_group("project");
    group.throughput(Throughput::Elements(ROWS as u64));

    let cases = [
        ("q1_columns", "symbol, price, volume"),
        ("arithmetic", "price * volume / 100.0 + 1.5 AS x, (volume - 1) % 7 AS bucket, -price AS neg"),
        ("round_notional", "round(price * volume, 2) AS notional"),
        (
            "case_when",
            "CASE WHEN price >= 750.0 THEN 'high' WHEN price >= 250.0 THEN 'mid' ELSE 'low' END AS band",
        ),
        ("string_upper_concat", "upper(concat(symbol, '-x')) AS tag"),
        ("string_length_substr", "length(symbol) AS n, substring(symbol, 2, 3) AS digits"),
    ];
    for (name, select) in cases {
        let (_, project) = plan(select, None);
        let fs: Vec<_> = project.iter().map(compile).collect();
        let mut out: Vec<Value> = Vec::with_capacity(fs.len());
        group.bench_function(name, |b| {
            b.iter(|| {
                for (row, ts) in &rows {
                    let ctx = EvalCtx::new(black_box(row), *ts);
                    out.clear();
                    out.extend(fs.iter().map(|f| f(&ctx)));
                    black_box(&out);
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_predicates, bench_projections);
criterion_main!(benches);
