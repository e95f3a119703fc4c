//! Property test of stream–stream joins against a nested-loop oracle (LANGUAGE.md §2.8,
//! §3.2, §3.3, §3.7).
//!
//! Random inputs for two streams L and R (keys from a small set, sometimes NULL; many
//! equal timestamps, also across the streams) run through windowed equi-joins — time
//! and length windows, inner and outer, current and all events — at `-w 1` and `-w 2`
//! with random file chunkings and round widths. The output must equal what this file
//! computes directly: one global sequence in `(time, stream, line)` order; at each
//! time, time-window expiries first (the left side's, then the right side's), then the
//! records; every CURRENT event (and EXPIRED event when all events are requested)
//! scans the other side's window contents at that moment and emits one row per equal
//! non-NULL key, or a NULL-padded row for a preserved side without a match. Nothing
//! here uses the engine's operators; only the JSON encoder is shared.

use std::collections::BTreeMap;
use std::sync::Arc;

use fluxtide::connectors::format::JsonEncoder;
use fluxtide::value::Value;
use fluxtide::{App, RunConfig};
use proptest::prelude::*;

const KEYS: [&str; 3] = ["a", "b", "c"];

/// One input event of stream `side` (0 = L, 1 = R); `line` is its position in its file.
#[derive(Clone, Debug)]
struct In {
    side: usize,
    line: usize,
    k: Option<&'static str>,
    x: Option<i32>,
    ts: i64,
}

#[derive(Clone, Copy, Debug)]
enum Win {
    Length(usize),
    Time(i64),
}

impl Win {
    fn sql(self) -> String {
        match self {
            Win::Length(n) => format!("WINDOW('length', {n})"),
            Win::Time(t) => format!("WINDOW('time', {t})"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Inner,
    Left,
    Right,
    Full,
}

/// One join query of the app.
#[derive(Clone, Debug)]
struct Join {
    out: &'static str,
    kind: Kind,
    windows: [Win; 2],
    all_events: bool,
}

fn stream(side: usize) -> impl Strategy<Value = Vec<In>> {
    let row = (
        prop_oneof![6 => 0usize..3, 1 => Just(3usize)],
        proptest::option::weighted(0.9, 0i32..50),
        prop_oneof![1 => Just(0i64), 1 => 1i64..12],
    );
    proptest::collection::vec(row, 0..40).prop_map(move |rows| {
        let mut ts = 1_000i64;
        rows.into_iter()
            .enumerate()
            .map(|(line, (k, x, step))| {
                ts += step;
                In {
                    side,
                    line,
                    k: KEYS.get(k).copied(),
                    x,
                    ts,
                }
            })
            .collect()
    })
}

fn window() -> impl Strategy<Value = Win> {
    prop_oneof![
        (1usize..5).prop_map(Win::Length),
        (1i64..40).prop_map(Win::Time)
    ]
}

fn joins() -> impl Strategy<Value = Vec<Join>> {
    (window(), window(), window(), window(), window(), window()).prop_map(|(a, b, c, d, e, f)| {
        vec![
            Join {
                out: "Inn",
                kind: Kind::Inner,
                windows: [a, b],
                all_events: true,
            },
            Join {
                out: "LeftO",
                kind: Kind::Left,
                windows: [c, d],
                all_events: false,
            },
            Join {
                out: "RightO",
                kind: Kind::Right,
                windows: [d, c],
                all_events: true,
            },
            Join {
                out: "FullO",
                kind: Kind::Full,
                windows: [e, f],
                all_events: true,
            },
        ]
    })
}

fn app_sql(js: &[Join]) -> String {
    let mut sql = String::from(
        "CREATE STREAM L (k STRING, v INT, ts BIGINT) WITH ('event.time' = 'ts');\n\
         CREATE STREAM R (k STRING, w INT, ts BIGINT) WITH ('event.time' = 'ts');\n",
    );
    for j in js {
        let kind = match j.kind {
            Kind::Inner => "JOIN",
            Kind::Left => "LEFT OUTER JOIN",
            Kind::Right => "RIGHT OUTER JOIN",
            Kind::Full => "FULL OUTER JOIN",
        };
        let events = if j.all_events { "ALL" } else { "CURRENT" };
        sql += &format!(
            "INSERT {events} EVENTS INTO {} SELECT b.w, a.k AS ak, a.v, b.k AS bk \
             FROM L AS a {} {kind} R AS b {} ON a.k = b.k;\n",
            j.out,
            j.windows[0].sql(),
            j.windows[1].sql()
        );
    }
    sql
}

// ------------------------------------------------------------------ the oracle

/// Rows `(time, row, expired)` in output order.
fn oracle(j: &Join, l: &[In], r: &[In]) -> Vec<(i64, Vec<Value>, bool)> {
    let mut recs: Vec<&In> = l.iter().chain(r).collect();
    recs.sort_by_key(|e| (e.ts, e.side, e.line));
    let preserved = [
        matches!(j.kind, Kind::Left | Kind::Full),
        matches!(j.kind, Kind::Right | Kind::Full),
    ];
    let mut held: [Vec<&In>; 2] = [Vec::new(), Vec::new()];
    let mut out = Vec::new();
    // `e` of side `s` probes the other side's contents.
    let probe = |s: usize,
                 e: &In,
                 expired: bool,
                 time: i64,
                 held: &[Vec<&In>; 2],
                 out: &mut Vec<(i64, Vec<Value>, bool)>| {
        if expired && !j.all_events {
            return;
        }
        let mut row = |a: Option<&In>, b: Option<&In>| {
            let key = |x: Option<&In>| x.and_then(|x| x.k).map_or(Value::Null, Value::str);
            let num = |x: Option<&In>| x.and_then(|x| x.x).map_or(Value::Null, Value::Int);
            out.push((time, vec![num(b), key(a), num(a), key(b)], expired));
        };
        let mut matched = false;
        for o in &held[1 - s] {
            if e.k.is_some() && e.k == o.k {
                matched = true;
                if s == 0 {
                    row(Some(e), Some(o));
                } else {
                    row(Some(o), Some(e));
                }
            }
        }
        if !matched && preserved[s] {
            if s == 0 {
                row(Some(e), None);
            } else {
                row(None, Some(e));
            }
        }
    };
    let fire = |limit: Option<i64>,
                held: &mut [Vec<&In>; 2],
                out: &mut Vec<(i64, Vec<Value>, bool)>| loop {
        let due = (0..2)
            .filter_map(|s| match j.windows[s] {
                Win::Time(t) => held[s].first().map(|e| e.ts + t),
                Win::Length(_) => None,
            })
            .filter(|&t| limit.is_none_or(|l| t <= l))
            .min();
        let Some(tau) = due else { break };
        for s in 0..2 {
            if let Win::Time(t) = j.windows[s] {
                let (gone, kept): (Vec<&In>, Vec<&In>) =
                    held[s].iter().partition(|e| e.ts + t <= tau);
                held[s] = kept;
                for e in gone {
                    probe(s, e, true, tau, held, out);
                }
            }
        }
    };
    for e in recs {
        fire(Some(e.ts), &mut held, &mut out);
        let s = e.side;
        if let Win::Length(n) = j.windows[s] {
            if held[s].len() >= n {
                let old = held[s].remove(0);
                probe(s, old, true, e.ts, &held, &mut out);
            }
        }
        probe(s, e, false, e.ts, &held, &mut out);
        held[s].push(e);
    }
    fire(None, &mut held, &mut out);
    out
}

fn expected(app: &App, js: &[Join], l: &[In], r: &[In]) -> BTreeMap<String, String> {
    let plan = app.plan().expect("plans");
    js.iter()
        .map(|j| {
            let id = plan.stream(j.out).expect("output stream");
            let names: Vec<Arc<str>> = plan.streams[id].names();
            let enc = JsonEncoder::new(&names);
            let mut buf = Vec::new();
            for (time, row, expired) in oracle(j, l, r) {
                enc.encode(&row, time, expired, &mut buf);
                buf.push(b'\n');
            }
            (j.out.to_string(), String::from_utf8(buf).expect("utf8"))
        })
        .collect()
}

// ------------------------------------------------------------------ the engine

fn json_line(e: &In) -> String {
    let mut m = serde_json::Map::new();
    m.insert(
        "k".into(),
        e.k.map_or(serde_json::Value::Null, |v| v.into()),
    );
    let x = e.x.map_or(serde_json::Value::Null, |v| v.into());
    m.insert(if e.side == 0 { "v" } else { "w" }.into(), x);
    m.insert("ts".into(), e.ts.into());
    serde_json::Value::Object(m).to_string()
}

fn run(
    sql: &str,
    js: &[Join],
    l: &[In],
    r: &[In],
    workers: usize,
    chunk: u64,
    tick_ms: u64,
) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().expect("tmp");
    let mut app = App::from_sql("prop.sql", sql).expect("app");
    for (name, evs) in [("L", l), ("R", r)] {
        let path = dir.path().join(format!("{name}.jsonl"));
        let text: String = evs.iter().map(|e| json_line(e) + "\n").collect();
        std::fs::write(&path, text).expect("write");
        app.input_file(name, path.to_str().expect("path"));
    }
    for j in js {
        let path = dir.path().join(format!("{}.jsonl", j.out));
        app.output_file(j.out, path.to_str().expect("path"));
    }
    let cfg = RunConfig {
        workers,
        chunk_size: chunk,
        tick_ms,
        ..RunConfig::default()
    };
    app.run(cfg).expect("runs");
    js.iter()
        .map(|j| {
            let path = dir.path().join(format!("{}.jsonl", j.out));
            (
                j.out.to_string(),
                std::fs::read_to_string(path).unwrap_or_default(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn windowed_equi_joins_match_a_nested_loop(
        l in stream(0),
        r in stream(1),
        js in joins(),
        chunk in 40u64..400,
        tick_ms in prop_oneof![Just(1u64), Just(7), Just(100)],
    ) {
        let sql = app_sql(&js);
        let app = App::from_sql("prop.sql", &sql).expect("app");
        let want = expected(&app, &js, &l, &r);
        let one = run(&sql, &js, &l, &r, 1, chunk, 100);
        for j in &js {
            prop_assert_eq!(&one[j.out], &want[j.out], "-w 1, stream {}\n{}", j.out, sql);
        }
        let two = run(&sql, &js, &l, &r, 2, chunk, tick_ms);
        for j in &js {
            prop_assert_eq!(&two[j.out], &want[j.out], "-w 2, stream {}\n{}", j.out, sql);
        }
    }
}
