//! Property tests of windowed aggregation against a brute-force oracle.
//!
//! Random event sequences (keys from a small set, sometimes NULL; small values,
//! sometimes NULL; non-decreasing timestamps with many equal ones) run through
//! queries with `length`, `time`, `tumbling`, `hop` and `session` windows and
//! count/sum/min/max/avg, GROUP BY a key and ungrouped (one group for the whole
//! window, on one worker), at `-w 1` and `-w 2` with random file chunkings and
//! round widths. The output must equal what this file computes directly from the
//! specification: at every emission the aggregates are recomputed from scratch over
//! the events the window holds at that moment (LANGUAGE.md §2.4.8, §2.5, §3.2, §3.3,
//! §3.7). Nothing here uses the engine's operators; only the JSON encoder is shared,
//! so that number formatting is not what is being tested.
//!
//! Row order within one time: rows caused by timers (expiries, batch ends, session
//! closes) come before rows caused by arrivals, which follow file order (§3.3).
//! Within a timer chunk, rows follow the chunk's event order; a batch flush with
//! aggregates keeps the last row of each group, groups by first appearance.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use fluxtide::connectors::format::JsonEncoder;
use fluxtide::value::Value;
use fluxtide::{App, RunConfig};
use proptest::prelude::*;

const KEYS: [&str; 3] = ["a", "b", "c"];

/// One input event; `line` is its position in the file.
#[derive(Clone, Debug)]
struct In {
    line: usize,
    k: Option<&'static str>,
    v: Option<i32>,
    d: Option<f64>,
    ts: i64,
}

/// Window parameters of one case.
#[derive(Clone, Debug)]
struct Params {
    length: usize,
    time: i64,
    tumble: i64,
    hop_size: i64,
    hop_slide: i64,
    gap: i64,
}

fn input() -> impl Strategy<Value = Vec<In>> {
    let row = (
        // 3 = NULL key, rarely.
        prop_oneof![6 => 0usize..3, 1 => Just(3usize)],
        proptest::option::weighted(0.85, -5i32..20),
        proptest::option::weighted(0.85, (-8i32..40).prop_map(|x| f64::from(x) / 4.0)),
        // Many equal timestamps: a step of 0 about half of the time.
        prop_oneof![1 => Just(0i64), 1 => 1i64..15],
    );
    proptest::collection::vec(row, 0..80).prop_map(|rows| {
        let mut ts = 1_000i64;
        rows.into_iter()
            .enumerate()
            .map(|(line, (k, v, d, step))| {
                ts += step;
                In {
                    line,
                    k: KEYS.get(k).copied(),
                    v,
                    d,
                    ts,
                }
            })
            .collect()
    })
}

fn params() -> impl Strategy<Value = Params> {
    (1usize..6, 1i64..40, 1i64..40, 1i64..40, 1i64..40, 1i64..30).prop_map(
        |(length, time, tumble, size, slide, gap)| Params {
            length,
            time,
            tumble,
            hop_size: size.max(slide),
            hop_slide: slide.min(size),
            gap,
        },
    )
}

const SELECT: &str = "SELECT k, count() AS n, count(v) AS nv, sum(v) AS s, min(v) AS lo, \
                      max(v) AS hi, avg(v) AS a, sum(d) AS sd, avg(d) AS ad";

/// The output streams, in the order of the queries.
const OUTPUTS: [&str; 12] = [
    "L", "LU", "T", "TU", "B", "BC", "BU", "H", "HU", "SK", "SG", "SU",
];

fn app_sql(p: &Params) -> String {
    // Ungrouped variants (`…U`) keep `k` as a column taken from each row's event.
    let q = |kind: &str, out: &str, window: &str| {
        let group = if out.ends_with('U') {
            ""
        } else {
            " GROUP BY k"
        };
        format!("INSERT {kind} INTO {out} {SELECT} FROM S WINDOW({window}){group};\n")
    };
    let length = format!("'length', {}", p.length);
    let time = format!("'time', {}", p.time);
    let tumbling = format!("'tumbling', {}", p.tumble);
    let hop = format!("'hop', {}, {}", p.hop_size, p.hop_slide);
    let mut sql = String::from(
        "CREATE STREAM S (k STRING, v INT, d DOUBLE, ts BIGINT) WITH ('event.time' = 'ts');\n",
    );
    sql += &q("ALL EVENTS", "L", &length);
    sql += &q("ALL EVENTS", "LU", &length);
    sql += &q("ALL EVENTS", "T", &time);
    sql += &q("ALL EVENTS", "TU", &time);
    sql += &q("ALL EVENTS", "B", &tumbling);
    sql += &q("CURRENT EVENTS", "BC", &tumbling);
    sql += &q("ALL EVENTS", "BU", &tumbling);
    sql += &q("CURRENT EVENTS", "H", &hop);
    sql += &q("CURRENT EVENTS", "HU", &hop);
    sql += &q("ALL EVENTS", "SK", &format!("'session', {}, k", p.gap));
    sql += &q("ALL EVENTS", "SG", &format!("'session', {}", p.gap));
    sql += &q("ALL EVENTS", "SU", &format!("'session', {}", p.gap));
    sql
}

fn json_line(r: &In) -> String {
    let mut m = serde_json::Map::new();
    m.insert(
        "k".into(),
        r.k.map_or(serde_json::Value::Null, |v| v.into()),
    );
    m.insert(
        "v".into(),
        r.v.map_or(serde_json::Value::Null, |v| v.into()),
    );
    m.insert(
        "d".into(),
        r.d.map_or(serde_json::Value::Null, |v| v.into()),
    );
    m.insert("ts".into(), r.ts.into());
    serde_json::Value::Object(m).to_string()
}

// ------------------------------------------------------------------ the oracle

/// `k` followed by the aggregates of the select list, computed from scratch over
/// `evs` (the events of k's group that the window holds).
fn row<'a>(k: Option<&str>, evs: impl IntoIterator<Item = &'a In>) -> Vec<Value> {
    let (mut n, mut nv, mut s, mut nd, mut sd) = (0i64, 0i64, 0i64, 0i64, 0f64);
    let (mut lo, mut hi): (Option<i32>, Option<i32>) = (None, None);
    for e in evs {
        n += 1;
        if let Some(v) = e.v {
            nv += 1;
            s += i64::from(v);
            lo = Some(lo.map_or(v, |l| l.min(v)));
            hi = Some(hi.map_or(v, |h| h.max(v)));
        }
        if let Some(d) = e.d {
            nd += 1;
            // Quarters of small integers: every partial sum is exact.
            sd += d;
        }
    }
    let null_or = |ok: bool, v: Value| if ok { v } else { Value::Null };
    vec![
        k.map_or(Value::Null, Value::str),
        Value::Long(n),
        Value::Long(nv),
        null_or(nv > 0, Value::Long(s)),
        lo.map_or(Value::Null, Value::Int),
        hi.map_or(Value::Null, Value::Int),
        null_or(nv > 0, Value::Double(s as f64 / nv as f64)),
        null_or(nd > 0, Value::Double(sd)),
        null_or(nd > 0, Value::Double(sd / nd as f64)),
    ]
}

/// An expected output row with its place in the output order.
struct Out {
    time: i64,
    /// Within one time: `(0, …)` for timer-caused rows, `(1, line, i)` for the i-th
    /// row caused by the arrival on `line`.
    order: (u8, i64, i64, i64),
    row: Vec<Value>,
    expired: bool,
}

/// How a query groups: by `k`, or not at all (one group).
#[derive(Clone, Copy)]
enum By {
    Key,
    Nothing,
}

impl By {
    /// The group of `e` (`Some("")` is no key of `KEYS`).
    fn key(self, e: &In) -> Option<&'static str> {
        match self {
            By::Key => e.k,
            By::Nothing => Some(""),
        }
    }
}

/// The events of `evs` in the group of `of`.
fn group<'a>(evs: &'a [&'a In], of: &'a In, by: By) -> impl Iterator<Item = &'a In> + 'a {
    evs.iter().copied().filter(move |e| by.key(e) == by.key(of))
}

/// A batch flush with aggregates (§2.4.8): the chunk's rows `(group, expired, row)`
/// in chunk order reduce to the last row of each group, groups in order of their
/// first row.
fn last_per_group(rows: Vec<(Option<&str>, bool, Vec<Value>)>) -> Vec<(bool, Vec<Value>)> {
    let mut slots: Vec<(Option<&str>, bool, Vec<Value>)> = Vec::new();
    for (k, expired, r) in rows {
        match slots.iter_mut().find(|s| s.0 == k) {
            Some(s) => {
                s.1 = expired;
                s.2 = r;
            }
            None => slots.push((k, expired, r)),
        }
    }
    slots.into_iter().map(|(_, x, r)| (x, r)).collect()
}

/// Rows of one batch-flush chunk at `time`: EXPIRED `old` (the aggregates of a group
/// lose its events one by one), RESET, CURRENT `new` (the aggregates gain them);
/// `all` says whether EXPIRED rows are wanted.
fn flush(time: i64, old: &[&In], new: &[&In], all: bool, by: By, out: &mut Vec<Out>) {
    let mut rows = Vec::new();
    if all {
        for (i, e) in old.iter().enumerate() {
            let left: Vec<&In> = old[i + 1..].to_vec();
            rows.push((by.key(e), true, row(e.k, group(&left, e, by))));
        }
    }
    for (i, e) in new.iter().enumerate() {
        let seen: Vec<&In> = new[..=i].to_vec();
        rows.push((by.key(e), false, row(e.k, group(&seen, e, by))));
    }
    for (slot, (expired, r)) in last_per_group(rows).into_iter().enumerate() {
        out.push(Out {
            time,
            order: (0, slot as i64, 0, 0),
            row: r,
            expired,
        });
    }
}

/// `length(n)`, ALL EVENTS: at each arrival the oldest of n held events expires
/// first (its row shows its group without it), then the arrival's row.
fn oracle_length(evs: &[In], n: usize, by: By) -> Vec<Out> {
    let mut out = Vec::new();
    for (i, e) in evs.iter().enumerate() {
        let line = e.line as i64;
        if i >= n {
            let old = &evs[i - n];
            let held: Vec<&In> = evs[i + 1 - n..i].iter().collect();
            out.push(Out {
                time: e.ts,
                order: (1, line, 0, 0),
                row: row(old.k, group(&held, old, by)),
                expired: true,
            });
        }
        let held: Vec<&In> = evs[(i + 1).saturating_sub(n)..=i].iter().collect();
        out.push(Out {
            time: e.ts,
            order: (1, line, 1, 0),
            row: row(e.k, group(&held, e, by)),
            expired: false,
        });
    }
    out
}

/// `time(t)`, ALL EVENTS: e is held at τ iff `e.ts ≤ τ < e.ts + t`; the expiry at
/// `e.ts + t` comes before arrivals at that time, and events expiring together leave
/// in file order.
fn oracle_time(evs: &[In], t: i64, by: By) -> Vec<Out> {
    let mut out = Vec::new();
    for (i, e) in evs.iter().enumerate() {
        let held: Vec<&In> = evs[..=i].iter().filter(|x| x.ts + t > e.ts).collect();
        out.push(Out {
            time: e.ts,
            order: (1, e.line as i64, 0, 0),
            row: row(e.k, group(&held, e, by)),
            expired: false,
        });
        let at = e.ts + t;
        let held: Vec<&In> = evs
            .iter()
            .filter(|x| x.ts < at && (x.ts + t > at || (x.ts == e.ts && x.line > e.line)))
            .collect();
        out.push(Out {
            time: at,
            order: (0, e.ts, e.line as i64, 0),
            row: row(e.k, group(&held, e, by)),
            expired: true,
        });
    }
    out
}

/// `tumbling(b)`: batches `[m·b, (m+1)·b)`; at each boundary the flush
/// `EXPIRED(previous batch), RESET, CURRENT(batch)`. With EXPIRED rows wanted, the
/// boundary after the last batch of a run still expires it.
fn oracle_tumbling(evs: &[In], b: i64, all: bool, by: By) -> Vec<Out> {
    let mut batches: BTreeMap<i64, Vec<&In>> = BTreeMap::new();
    for e in evs {
        batches.entry(e.ts.div_euclid(b)).or_default().push(e);
    }
    let mut ends: BTreeSet<i64> = batches.keys().map(|m| m + 1).collect();
    if all {
        ends.extend(batches.keys().map(|m| m + 2));
    }
    let mut out = Vec::new();
    let none = Vec::new();
    for end in ends {
        let old = batches.get(&(end - 2)).unwrap_or(&none);
        let new = batches.get(&(end - 1)).unwrap_or(&none);
        flush(end * b, old, new, all, by, &mut out);
    }
    out
}

/// `hop(size, slide)`, CURRENT rows: every window `[k·slide, k·slide + size)` that
/// holds events flushes at its end, one row per group over the window's events.
fn oracle_hop(evs: &[In], size: i64, slide: i64, by: By) -> Vec<Out> {
    let mut ks = BTreeSet::new();
    for e in evs {
        let last = e.ts.div_euclid(slide);
        let first = (e.ts - size).div_euclid(slide) + 1;
        ks.extend(first..=last);
    }
    let mut out = Vec::new();
    for k in ks {
        let (start, end) = (k * slide, k * slide + size);
        let inside: Vec<&In> = evs.iter().filter(|e| e.ts >= start && e.ts < end).collect();
        flush(end, &[], &inside, false, by, &mut out);
    }
    out
}

/// Splits `evs` (one session key's events, in order) into sessions: an event at or
/// after `last + gap` opens a new one.
fn sessions<'a>(evs: impl IntoIterator<Item = &'a In>, gap: i64) -> Vec<Vec<&'a In>> {
    let mut out: Vec<Vec<&In>> = Vec::new();
    for e in evs {
        match out.last_mut() {
            Some(s) if s.last().is_some_and(|l| e.ts < l.ts + gap) => s.push(e),
            _ => out.push(vec![e]),
        }
    }
    out
}

/// `session(gap[, k])`, ALL EVENTS: a running row per arrival over its group's events
/// in the session; at `last + gap` the close chunk expires the session's events (a
/// batch flush, no RESET): one row per group, after all its events left. Sessions
/// closing together close in the order of their first events.
fn oracle_session(evs: &[In], gap: i64, keyed: bool, by: By) -> Vec<Out> {
    let mut by_key: Vec<Vec<&In>> = Vec::new();
    if keyed {
        let mut keys: Vec<Option<&str>> = Vec::new();
        for e in evs {
            match keys.iter().position(|k| *k == e.k) {
                Some(i) => by_key[i].push(e),
                None => {
                    keys.push(e.k);
                    by_key.push(vec![e]);
                }
            }
        }
    } else {
        by_key.push(evs.iter().collect());
    }
    let mut out = Vec::new();
    for s in by_key
        .iter()
        .flat_map(|evs| sessions(evs.iter().copied(), gap))
    {
        for (i, e) in s.iter().enumerate() {
            out.push(Out {
                time: e.ts,
                order: (1, e.line as i64, 0, 0),
                row: row(e.k, group(&s[..=i], e, by)),
                expired: false,
            });
        }
        let (first, last) = (s[0], s[s.len() - 1]);
        let rows = s
            .iter()
            .enumerate()
            .map(|(i, e)| (by.key(e), true, row(e.k, group(&s[i + 1..], e, by))))
            .collect();
        for (slot, (expired, r)) in last_per_group(rows).into_iter().enumerate() {
            out.push(Out {
                time: last.ts + gap,
                order: (0, first.ts, first.line as i64, slot as i64),
                row: r,
                expired,
            });
        }
    }
    out
}

fn oracle(app: &App, evs: &[In], p: &Params) -> BTreeMap<String, String> {
    let plan = app.plan().expect("plans");
    let mut result = BTreeMap::new();
    for name in OUTPUTS {
        let mut rows = match name {
            "L" => oracle_length(evs, p.length, By::Key),
            "LU" => oracle_length(evs, p.length, By::Nothing),
            "T" => oracle_time(evs, p.time, By::Key),
            "TU" => oracle_time(evs, p.time, By::Nothing),
            "B" => oracle_tumbling(evs, p.tumble, true, By::Key),
            "BC" => oracle_tumbling(evs, p.tumble, false, By::Key),
            "BU" => oracle_tumbling(evs, p.tumble, true, By::Nothing),
            "H" => oracle_hop(evs, p.hop_size, p.hop_slide, By::Key),
            "HU" => oracle_hop(evs, p.hop_size, p.hop_slide, By::Nothing),
            "SK" => oracle_session(evs, p.gap, true, By::Key),
            "SG" => oracle_session(evs, p.gap, false, By::Key),
            "SU" => oracle_session(evs, p.gap, false, By::Nothing),
            _ => unreachable!("every output has an oracle"),
        };
        rows.sort_by_key(|o| (o.time, o.order));
        let id = plan.stream(name).expect("output stream");
        let names: Vec<Arc<str>> = plan.streams[id].names();
        let enc = JsonEncoder::new(&names);
        let mut buf = Vec::new();
        for o in rows {
            enc.encode(&o.row, o.time, o.expired, &mut buf);
            buf.push(b'\n');
        }
        result.insert(name.to_string(), String::from_utf8(buf).expect("utf8"));
    }
    result
}

// ------------------------------------------------------------------ the engine

fn run(
    sql: &str,
    evs: &[In],
    workers: usize,
    chunk: u64,
    tick_ms: u64,
) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("s.jsonl");
    std::fs::write(
        &input,
        evs.iter().map(|r| json_line(r) + "\n").collect::<String>(),
    )
    .expect("write");
    let mut app = App::from_sql("prop.sql", sql).expect("app");
    app.input_file("S", input.to_str().expect("path"));
    for o in OUTPUTS {
        let path = dir.path().join(format!("{o}.jsonl"));
        app.output_file(o, path.to_str().expect("path"));
    }
    let cfg = RunConfig {
        workers,
        chunk_size: chunk,
        tick_ms,
        ..RunConfig::default()
    };
    app.run(cfg).expect("runs");
    OUTPUTS
        .iter()
        .map(|o| {
            let path = dir.path().join(format!("{o}.jsonl"));
            (
                o.to_string(),
                std::fs::read_to_string(path).unwrap_or_default(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn windowed_aggregates_match_recomputation(
        evs in input(),
        p in params(),
        chunk in 40u64..600,
        tick_ms in prop_oneof![Just(1u64), Just(7), Just(100)],
    ) {
        let sql = app_sql(&p);
        let app = App::from_sql("prop.sql", &sql).expect("app");
        let expected = oracle(&app, &evs, &p);
        let one = run(&sql, &evs, 1, chunk, 100);
        for o in OUTPUTS {
            prop_assert_eq!(&one[o], &expected[o], "-w 1, stream {}\n{}", o, sql);
        }
        let two = run(&sql, &evs, 2, chunk, tick_ms);
        for o in OUTPUTS {
            prop_assert_eq!(&two[o], &expected[o], "-w 2, stream {}\n{}", o, sql);
        }
    }
}
