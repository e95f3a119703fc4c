//! Property test of tables against a `HashMap` oracle (LANGUAGE.md §2.2, §2.10, the
//! stream–table part of §2.8, §3.3 and the visibility rule in README.md "Tables").
//!
//! Random sequences of INSERT / UPDATE / DELETE / UPSERT events (stream `M`, one
//! operation per record, chosen by its `op` column) and lookups (stream `P`, and `M`
//! records with `op = 4`) on a table with a primary key run at `-w 1` and `-w 2` with
//! random chunkings and round widths, once with every operation pinning the key
//! (keyed table) and once with an UPDATE that does not (global table). Timestamps
//! repeat often, within and across the streams. The lookups' output must equal what
//! this file computes with a `HashMap`: records in `(time, stream rank, line)` order;
//! a record's lookup before its own mutation; INSERT keeps the first row of a key,
//! UPDATE adds to an existing row, DELETE removes it, UPSERT sets it. Nothing here
//! uses the engine's operators; only the JSON encoder is shared.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use fluxtide::connectors::format::JsonEncoder;
use fluxtide::value::Value;
use fluxtide::{App, RunConfig};
use proptest::prelude::*;

/// One record of `M` (`stream = 0`: op, k, v) or of `P` (`stream = 1`: k).
#[derive(Clone, Debug)]
struct In {
    stream: usize,
    line: usize,
    op: i32,
    k: i32,
    v: i32,
    ts: i64,
}

fn records(stream: usize, max: usize) -> impl Strategy<Value = Vec<In>> {
    prop::collection::vec((0i32..5, 0i32..6, -50i32..50, 0i64..3), 0..max).prop_map(move |v| {
        let mut ts = 0;
        v.into_iter()
            .enumerate()
            .map(|(line, (op, k, x, dt))| {
                // Non-decreasing per file (no late events); equal times are common.
                ts += dt;
                In {
                    stream,
                    line,
                    op,
                    k,
                    v: x,
                    ts,
                }
            })
            .collect()
    })
}

fn app_sql(pinned_update: bool) -> String {
    let update_where = if pinned_update {
        "T.k = m.k AND m.op = 1"
    } else {
        // `T.k + 0` is no key column: the UPDATE scans, so the table runs on one worker.
        "T.k + 0 = m.k AND m.op = 1"
    };
    format!(
        "CREATE STREAM M (op INT, k INT, v INT, ts BIGINT) WITH ('event.time' = 'ts');\n\
         CREATE STREAM P (k INT, ts BIGINT) WITH ('event.time' = 'ts');\n\
         CREATE TABLE T (k INT PRIMARY KEY, v INT);\n\
         INSERT INTO T SELECT k, v FROM M WHERE op = 0;\n\
         UPDATE T SET v = T.v + m.v FROM M AS m WHERE {update_where};\n\
         DELETE FROM T USING M AS m WHERE T.k = m.k AND m.op = 2;\n\
         UPSERT INTO T SELECT k, v FROM M WHERE op = 3 ON T.k = k;\n\
         INSERT INTO OutP SELECT p.k, t.v FROM P AS p LEFT OUTER JOIN T AS t ON t.k = p.k;\n\
         INSERT INTO OutM SELECT m.k, t.v FROM M AS m LEFT OUTER JOIN T AS t ON t.k = m.k WHERE m.op = 4;\n"
    )
}

/// The lookups' rows per output stream: `(time, k, v)`.
type Lookups = BTreeMap<&'static str, Vec<(i64, i32, Option<i32>)>>;

fn oracle(m: &[In], p: &[In]) -> Lookups {
    let mut all: Vec<&In> = m.iter().chain(p).collect();
    all.sort_by_key(|e| (e.ts, e.stream, e.line));
    let mut table: HashMap<i32, i32> = HashMap::new();
    let mut out: Lookups = BTreeMap::new();
    out.insert("OutM", Vec::new());
    out.insert("OutP", Vec::new());
    for e in all {
        if e.stream == 1 {
            out.entry("OutP")
                .or_default()
                .push((e.ts, e.k, table.get(&e.k).copied()));
            continue;
        }
        match e.op {
            0 => {
                table.entry(e.k).or_insert(e.v);
            }
            1 => {
                if let Some(v) = table.get_mut(&e.k) {
                    *v = v.wrapping_add(e.v);
                }
            }
            2 => {
                table.remove(&e.k);
            }
            3 => {
                table.insert(e.k, e.v);
            }
            _ => out
                .entry("OutM")
                .or_default()
                .push((e.ts, e.k, table.get(&e.k).copied())),
        }
    }
    out
}

fn expected(m: &[In], p: &[In]) -> BTreeMap<String, String> {
    let names: Vec<Arc<str>> = vec![Arc::from("k"), Arc::from("v")];
    let enc = JsonEncoder::new(&names);
    oracle(m, p)
        .into_iter()
        .map(|(s, rows)| {
            let mut buf = Vec::new();
            for (time, k, v) in rows {
                let row = [Value::Int(k), v.map_or(Value::Null, Value::Int)];
                enc.encode(&row, time, false, &mut buf);
                buf.push(b'\n');
            }
            (s.to_string(), String::from_utf8(buf).expect("utf8"))
        })
        .collect()
}

fn json_line(e: &In) -> String {
    if e.stream == 0 {
        format!(
            "{{\"op\":{},\"k\":{},\"v\":{},\"ts\":{}}}",
            e.op, e.k, e.v, e.ts
        )
    } else {
        format!("{{\"k\":{},\"ts\":{}}}", e.k, e.ts)
    }
}

fn run(
    sql: &str,
    m: &[In],
    p: &[In],
    workers: usize,
    chunk: u64,
    tick_ms: u64,
) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().expect("tmp");
    let mut app = App::from_sql("prop.sql", sql).expect("app");
    for (name, evs) in [("M", m), ("P", p)] {
        let path = dir.path().join(format!("{name}.jsonl"));
        let text: String = evs.iter().map(|e| json_line(e) + "\n").collect();
        std::fs::write(&path, text).expect("write");
        app.input_file(name, path.to_str().expect("path"));
    }
    for out in ["OutM", "OutP"] {
        let path = dir.path().join(format!("{out}.jsonl"));
        app.output_file(out, path.to_str().expect("path"));
    }
    let cfg = RunConfig {
        workers,
        chunk_size: chunk,
        tick_ms,
        ..RunConfig::default()
    };
    app.run(cfg).expect("runs");
    ["OutM", "OutP"]
        .iter()
        .map(|out| {
            let path = dir.path().join(format!("{out}.jsonl"));
            (
                out.to_string(),
                std::fs::read_to_string(path).unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn placement_follows_the_update_condition() {
    use fluxtide::plan::TablePlacement;
    for (pinned, keyed) in [(true, true), (false, false)] {
        let plan = App::from_sql("prop.sql", &app_sql(pinned))
            .expect("app")
            .plan()
            .expect("plans");
        assert_eq!(
            plan.tables[0].placement == TablePlacement::Keyed,
            keyed,
            "{:?}",
            plan.tables[0].placement
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn table_lookups_match_a_hash_map(
        m in records(0, 60),
        p in records(1, 30),
        pinned in any::<bool>(),
        chunk in 40u64..400,
        tick_ms in prop_oneof![Just(1u64), Just(2), Just(100)],
    ) {
        let sql = app_sql(pinned);
        let want = expected(&m, &p);
        let one = run(&sql, &m, &p, 1, chunk, 100);
        prop_assert_eq!(&one, &want, "-w 1\n{}", sql);
        let two = run(&sql, &m, &p, 2, chunk, tick_ms);
        prop_assert_eq!(&two, &want, "-w 2\n{}", sql);
    }
}
