//! Record-format micro benchmarks on the trades workload (`scripts`/`shared/bench`
//! `gen_trades.py` line shapes): decode cost per line is the engine's dominant per-event
//! cost, so these numbers are the budget the rest of the pipeline lives in.
//!
//! Each iteration handles `LINES` lines; criterion's time per iteration divided by
//! `LINES` is the cost per line (the throughput line shows lines per second).

use std::hint::black_box;
use std::io::Write;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fluxtide::connectors::chunks::{split_chunks, ChunkReader};
use fluxtide::connectors::format::{
    CsvDecoder, CsvOptions, Decoder, JsonDecoder, JsonEncoder, JsonOptions, Schema,
};
use fluxtide::value::{DataType, Value};

const LINES: usize = 10_000;

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

struct Trade {
    symbol: String,
    price: String,
    volume: u64,
    ts: u64,
}

/// Trades shaped like gen_trades.py's: 1000 symbols, two-decimal prices, millisecond times.
fn trades(n: usize) -> Vec<Trade> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|i| {
            let cents = 100 + rng.next() % 99_900;
            let price = format!("{}.{:02}", cents / 100, cents % 100);
            let price = price
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string();
            Trade {
                symbol: format!("S{:04}", rng.next() % 1000),
                price,
                volume: 1 + rng.next() % 999,
                ts: 1_700_000_000_000 + (i as u64) / 10,
            }
        })
        .collect()
}

fn trade_schema() -> Schema {
    Schema::new(&[
        ("symbol", DataType::String),
        ("price", DataType::Double),
        ("volume", DataType::Long),
        ("ts", DataType::Long),
    ])
}

fn json_lines(t: &[Trade]) -> Vec<Vec<u8>> {
    t.iter()
        .map(|t| {
            format!(
                r#"{{"symbol":"{}","price":{},"volume":{},"ts":{}}}"#,
                t.symbol, t.price, t.volume, t.ts
            )
            .into_bytes()
        })
        .collect()
}

fn csv_lines(t: &[Trade]) -> Vec<Vec<u8>> {
    t.iter()
        .map(|t| format!("{},{},{},{}", t.symbol, t.price, t.volume, t.ts).into_bytes())
        .collect()
}

fn decode_all(decoder: &mut dyn Decoder, lines: &[Vec<u8>], row: &mut Vec<Value>) -> usize {
    let mut ok = 0;
    for line in lines {
        row.clear();
        if decoder.decode(line, row).is_ok() {
            ok += 1;
        }
        black_box(&row);
    }
    ok
}

fn bench_decode(c: &mut Criterion) {
    let t = trades(LINES);
    let schema = trade_schema();
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(LINES as u64));

    let json = json_lines(&t);
    let mut dec = JsonDecoder::new(&schema, JsonOptions::default());
    let mut row = Vec::with_capacity(4);
    assert_eq!(decode_all(&mut dec, &json, &mut row), LINES);
    g.bench_function("json_trades", |b| {
        b.iter(|| decode_all(&mut dec, &json, &mut row))
    });

    // Fields in an order other than the schema's, so every key takes the hash lookup.
    let shuffled: Vec<Vec<u8>> = t
        .iter()
        .map(|t| {
            format!(
                r#"{{"ts":{},"volume":{},"price":{},"symbol":"{}"}}"#,
                t.ts, t.volume, t.price, t.symbol
            )
            .into_bytes()
        })
        .collect();
    let mut dec = JsonDecoder::new(&schema, JsonOptions::default());
    assert_eq!(decode_all(&mut dec, &shuffled, &mut row), LINES);
    g.bench_function("json_trades_reordered", |b| {
        b.iter(|| decode_all(&mut dec, &shuffled, &mut row))
    });

    let csv = csv_lines(&t);
    let mut dec = CsvDecoder::new(&schema, b"symbol,price,volume,ts", CsvOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(decode_all(&mut dec, &csv, &mut row), LINES);
    g.bench_function("csv_trades", |b| {
        b.iter(|| decode_all(&mut dec, &csv, &mut row))
    });

    // For scale: serde_json into a typed struct (allocates the symbol each time).
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct TradeRow {
        symbol: String,
        price: f64,
        volume: i64,
        ts: i64,
    }
    g.bench_function("serde_json_struct_trades", |b| {
        b.iter(|| {
            json.iter()
                .filter(|l| serde_json::from_slice::<TradeRow>(l).map(black_box).is_ok())
                .count()
        })
    });
    g.finish();
}

fn bench_encode(c: &mut Criterion) {
    let t = trades(LINES);
    let schema = trade_schema();
    let rows: Vec<Vec<Value>> = t
        .iter()
        .map(|t| {
            vec![
                Value::str(&t.symbol),
                Value::Double(t.price.parse().unwrap_or(0.0)),
                Value::Long(t.volume as i64),
                Value::Long(t.ts as i64),
            ]
        })
        .collect();
    let enc = JsonEncoder::new(&schema.names);
    let mut out = Vec::with_capacity(LINES * 80);
    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Elements(LINES as u64));
    g.bench_function("json_trades", |b| {
        b.iter(|| {
            out.clear();
            for (i, r) in rows.iter().enumerate() {
                enc.encode(r, i as i64, false, &mut out);
                out.push(b'\n');
            }
            black_box(out.len())
        })
    });
    g.finish();
}

/// Reading lines through a `ChunkReader` and decoding them: the source's whole per-line
/// work short of timely.
fn bench_read_decode(c: &mut Criterion) {
    let t = trades(LINES);
    let mut file = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..10 {
        for l in json_lines(&t) {
            file.write_all(&l)
                .and_then(|()| file.write_all(b"\n"))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    file.flush().unwrap_or_else(|e| panic!("{e}"));
    let path = file.path().to_path_buf();
    let chunks = split_chunks(&path, 1 << 20).unwrap_or_else(|e| panic!("{e}"));
    let schema = trade_schema();
    let mut dec = JsonDecoder::new(&schema, JsonOptions::default());
    let mut row = Vec::with_capacity(4);
    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Elements(10 * LINES as u64));
    g.bench_function("chunks_json_trades", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            // One reader per worker, moved from chunk to chunk, as a source does.
            let mut r = ChunkReader::open(&path, &chunks[0]).unwrap_or_else(|e| panic!("{e}"));
            for chunk in &chunks {
                r.reset(chunk).unwrap_or_else(|e| panic!("{e}"));
                while let Some((_, line)) = r.next_line().unwrap_or_else(|e| panic!("{e}")) {
                    row.clear();
                    ok += usize::from(dec.decode(line, &mut row).is_ok());
                }
            }
            assert_eq!(ok, 10 * LINES);
            ok
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(4));
    targets = bench_decode, bench_encode, bench_read_decode
}
criterion_main!(benches);
