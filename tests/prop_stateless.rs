//! Property tests of stateless execution (issue: foundation):
//! random inputs through a fixed set of stateless queries give byte-identical output
//! at `-w 1` and `-w 2` (with random chunk sizes), and the same output as a direct
//! row-by-row evaluation of the planned expressions, ordered by (time, line, query)
//! as LANGUAGE.md §3.3 requires. The planner never panics on random text.

use std::collections::BTreeMap;
use std::sync::Arc;

use fluxtide::connectors::format::JsonEncoder;
use fluxtide::expr::compile::{compile, compile_pred, EvalCtx};
use fluxtide::value::Value;
use fluxtide::{App, RunConfig};
use proptest::prelude::*;

const APP: &str = "
CREATE STREAM S (a INT, b DOUBLE, s STRING, ts BIGINT)
  WITH ('event.time' = 'ts', 'watermark.delay' = '50');
INSERT INTO O1 SELECT a, b * 2.0 AS b, upper(s) AS s FROM S WHERE a > 10 OR s LIKE 'x%';
INSERT INTO O2 SELECT a + 1 AS a1, coalesce(s, 'none') AS s FROM S WHERE b IS NULL OR b BETWEEN 1.0 AND 50.0;
INSERT INTO O1 SELECT a, b, s FROM S WHERE a IN (1, 2, 3) AND NOT (b > 90.0);
INSERT INTO O3 SELECT a1 * 3 AS x, CASE WHEN a1 % 2 = 0 THEN 'even' ELSE 'odd' END AS parity FROM O2 WHERE a1 IS NOT NULL;
";

#[derive(Clone, Debug)]
struct In {
    a: Option<i32>,
    b: Option<f64>,
    s: Option<String>,
    ts: i64,
}

fn input() -> impl Strategy<Value = Vec<In>> {
    let row = (
        proptest::option::of(-5i32..30),
        proptest::option::of((-200i32..2000).prop_map(|v| f64::from(v) / 20.0)),
        proptest::option::of(
            prop_oneof![Just("xa"), Just("xb"), Just("y"), Just("zz"), Just("x")]
                .prop_map(String::from),
        ),
        0i64..50,
        0i64..40,
    );
    proptest::collection::vec(row, 0..120).prop_map(|rows| {
        // Non-decreasing base plus jitter below the watermark delay: out of order,
        // but never late, so the oracle need not model lateness.
        let mut base = 1_000i64;
        rows.into_iter()
            .map(|(a, b, s, step, jitter)| {
                base += step;
                In {
                    a,
                    b,
                    s,
                    ts: base + jitter,
                }
            })
            .collect()
    })
}

fn json_line(r: &In) -> String {
    let mut m = serde_json::Map::new();
    m.insert(
        "a".into(),
        r.a.map_or(serde_json::Value::Null, |v| v.into()),
    );
    m.insert(
        "b".into(),
        r.b.map_or(serde_json::Value::Null, |v| v.into()),
    );
    m.insert(
        "s".into(),
        r.s.clone().map_or(serde_json::Value::Null, |v| v.into()),
    );
    m.insert("ts".into(), r.ts.into());
    serde_json::Value::Object(m).to_string()
}

/// Direct evaluation: every query applied to every row, in plan order, then sorted
/// by (time, input line, query ids along the chain).
fn oracle(app: &App, rows: &[In]) -> BTreeMap<String, String> {
    let plan = app.plan().expect("plans");
    type Out = (i64, Vec<u64>, Vec<Value>);
    let mut streams: BTreeMap<usize, Vec<Out>> = BTreeMap::new();
    let sid = plan.stream("S").expect("S");
    streams.insert(
        sid,
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                let row = vec![
                    r.a.map_or(Value::Null, Value::Int),
                    r.b.map_or(Value::Null, Value::Double),
                    r.s.as_deref().map_or(Value::Null, Value::str),
                    Value::Long(r.ts),
                ];
                (r.ts, vec![i as u64], row)
            })
            .collect(),
    );
    for q in &plan.queries {
        let filter = q.filter.as_ref().map(compile_pred);
        let project: Vec<_> = q.project.iter().map(compile).collect();
        let input = streams.get(&q.input).cloned().unwrap_or_default();
        let mut out = Vec::new();
        for (t, key, row) in input {
            let ctx = EvalCtx::new(&row, t);
            if filter.as_ref().is_none_or(|f| f(&ctx)) {
                let mut k = key.clone();
                k.push(u64::from(q.id));
                out.push((t, k, project.iter().map(|p| p(&ctx)).collect()));
            }
        }
        streams.entry(q.output).or_default().extend(out);
    }
    let mut result = BTreeMap::new();
    for name in ["O1", "O2", "O3"] {
        let id = plan.stream(name).expect("output stream");
        let mut rows = streams.remove(&id).unwrap_or_default();
        rows.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.cmp(&y.1)));
        let names: Vec<Arc<str>> = plan.streams[id].names();
        let enc = JsonEncoder::new(&names);
        let mut buf = Vec::new();
        for (t, _, row) in rows {
            enc.encode(&row, t, false, &mut buf);
            buf.push(b'\n');
        }
        result.insert(name.to_string(), String::from_utf8(buf).expect("utf8"));
    }
    result
}

fn run(rows: &[In], workers: usize, chunk: u64) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("s.jsonl");
    std::fs::write(
        &input,
        rows.iter().map(|r| json_line(r) + "\n").collect::<String>(),
    )
    .expect("write");
    let mut app = App::from_sql("prop.sql", APP).expect("app");
    app.input_file("S", input.to_str().expect("path"));
    for o in ["O1", "O2", "O3"] {
        app.output_file(
            o,
            dir.path()
                .join(format!("{o}.jsonl"))
                .to_str()
                .expect("path"),
        );
    }
    let cfg = RunConfig {
        workers,
        chunk_size: chunk,
        ..RunConfig::default()
    };
    app.run(cfg).expect("runs");
    ["O1", "O2", "O3"]
        .iter()
        .map(|o| {
            (
                o.to_string(),
                std::fs::read_to_string(dir.path().join(format!("{o}.jsonl"))).unwrap_or_default(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn stateless_output_is_deterministic_and_matches_direct_evaluation(rows in input(), chunk in 30u64..400) {
        let app = App::from_sql("prop.sql", APP).expect("app");
        let expected = oracle(&app, &rows);
        let one = run(&rows, 1, chunk);
        prop_assert_eq!(&one, &expected);
        let two = run(&rows, 2, chunk);
        prop_assert_eq!(&two, &expected);
    }

    #[test]
    fn planner_never_panics(text in "[ -~\\n]{0,200}") {
        let _ = App::from_sql("random.sql", &text);
    }

    #[test]
    fn planner_never_panics_on_truncated_apps(cut in 0usize..APP.len()) {
        let mut end = cut;
        while !APP.is_char_boundary(end) { end -= 1; }
        let _ = App::from_sql("cut.sql", &APP[..end]);
    }
}
