//! Baselines for workload Q2 and Q3 (`../shared/bench/WORKLOAD.md`): minimal
//! hand-written timely programs doing the same physical work as fluxtide's windowed
//! aggregations, and nothing more. `scripts/bench.sh` compares the engine with them.
//!
//! * Reading: as `baseline_q1` (fixed 4 MiB chunks, each worker decodes its own with
//!   `sonic-rs` into a typed struct); timely time = event time rounded down to 100 ms.
//! * Records are exchanged by a hash of the symbol.
//! * `--query q2` (tumbling 1 s, GROUP BY symbol: count, avg(price), sum(volume)):
//!   a hash map per open batch; when the frontier passes a batch end, one row per
//!   symbol is emitted, stamped with the batch end.
//! * `--query q3` (time 10 s, GROUP BY symbol, one row per event: avg(price),
//!   max(price)): records are buffered per tick and, once the frontier passes the
//!   tick, processed in time order: per symbol a deque of the last 10 s, a running sum
//!   and a monotonic deque for the max; each event first expires what is 10 s old.
//! * Rows are exchanged to worker 0 and written as JSON lines in arrival order (no
//!   sorting). Sums are plain `f64` additions (fluxtide's are exact).
//!
//! Usage: `baseline_windows --query q2|q3 [-w N] INPUT.jsonl OUTPUT.jsonl`

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Exchange;
use timely::dataflow::operators::generic::operator::source;
use timely::dataflow::operators::generic::Operator;
use timely::dataflow::operators::Capability;

#[path = "common/baseline.rs"]
mod baseline;
use baseline::{split_chunks, split_timely_args, Reader, TICK_MS};

const BATCH: usize = 16 * 1024;
const TUMBLE_MS: i64 = 1_000;
const SLIDE_MS: i64 = 10_000;

#[derive(Deserialize)]
struct TradeIn<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    price: f64,
    volume: i64,
    ts: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Trade {
    symbol: String,
    price: f64,
    volume: i64,
    ts: i64,
}

/// An output row: Q2 `(symbol, n, avg_price, vol)`, Q3 `(symbol, avg_price, max_price)`.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Row {
    symbol: String,
    n: i64,
    a: f64,
    b: f64,
    vol: i64,
    ts: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Query {
    Q2,
    Q3,
}

fn symbol_hash(s: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    s.hash(&mut h);
    h.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32
}

fn encode(q: Query, r: &Row, out: &mut Vec<u8>, ints: &mut itoa::Buffer, floats: &mut ryu::Buffer) {
    out.extend_from_slice(b"{\"symbol\":\"");
    out.extend_from_slice(r.symbol.as_bytes());
    match q {
        Query::Q2 => {
            out.extend_from_slice(b"\",\"n\":");
            out.extend_from_slice(ints.format(r.n).as_bytes());
            out.extend_from_slice(b",\"avg_price\":");
            out.extend_from_slice(floats.format(r.a).as_bytes());
            out.extend_from_slice(b",\"vol\":");
            out.extend_from_slice(ints.format(r.vol).as_bytes());
        }
        Query::Q3 => {
            out.extend_from_slice(b"\",\"avg_price\":");
            out.extend_from_slice(floats.format(r.a).as_bytes());
            out.extend_from_slice(b",\"max_price\":");
            out.extend_from_slice(floats.format(r.b).as_bytes());
        }
    }
    out.extend_from_slice(b",\"_ts\":");
    out.extend_from_slice(ints.format(r.ts).as_bytes());
    out.extend_from_slice(b"}\n");
}

/// Q2's open batches by end time: a capability and, per symbol, (count, Σprice, Σvolume).
type OpenBatches = BTreeMap<u64, (Capability<u64>, HashMap<String, (i64, f64, i64)>)>;

/// Q3 state of one symbol: the last 10 s of (time, price), their sum, and a
/// monotonic deque (decreasing prices) for the max.
#[derive(Default)]
struct Sliding {
    held: VecDeque<(i64, f64)>,
    sum: f64,
    maxq: VecDeque<(i64, f64)>,
}

impl Sliding {
    fn push(&mut self, ts: i64, price: f64) -> (f64, f64) {
        while let Some(&(t, p)) = self.held.front() {
            if t + SLIDE_MS > ts {
                break;
            }
            self.held.pop_front();
            self.sum -= p;
            if self.maxq.front().is_some_and(|&(mt, _)| mt == t) {
                self.maxq.pop_front();
            }
        }
        self.held.push_back((ts, price));
        self.sum += price;
        while self.maxq.back().is_some_and(|&(_, p)| p <= price) {
            self.maxq.pop_back();
        }
        self.maxq.push_back((ts, price));
        let max = self.maxq.front().map_or(price, |&(_, p)| p);
        (self.sum / self.held.len() as f64, max)
    }
}

fn main() {
    let (timely_args, rest) = match split_timely_args(std::env::args().skip(1)) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut query = None;
    let mut positional = Vec::new();
    let mut it = rest.into_iter();
    while let Some(a) = it.next() {
        if a == "--query" {
            query = match it.next().as_deref() {
                Some("q2") => Some(Query::Q2),
                Some("q3") => Some(Query::Q3),
                _ => None,
            };
        } else {
            positional.push(a);
        }
    }
    let (Some(query), [input, output]) = (query, positional.as_slice()) else {
        eprintln!("usage: baseline_windows --query q2|q3 [-w N] INPUT OUTPUT");
        std::process::exit(2);
    };
    let (input, output) = (PathBuf::from(input), PathBuf::from(output));
    let chunks = match split_chunks(&input) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            eprintln!("{}: {e}", input.display());
            std::process::exit(1);
        }
    };
    let read = Arc::new(AtomicU64::new(0));
    let written = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let (read2, written2) = (Arc::clone(&read), Arc::clone(&written));

    let guards = timely::execute_from_args(timely_args.into_iter(), move |worker| {
        let index = worker.index();
        let peers = worker.peers();
        let mut reader = Reader::for_worker(&input, &chunks, index, peers)
            .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        let (read, written) = (Arc::clone(&read2), Arc::clone(&written2));
        let mut writer = (index == 0).then(|| {
            BufWriter::with_capacity(
                1 << 20,
                File::create(&output).unwrap_or_else(|e| panic!("{}: {e}", output.display())),
            )
        });

        worker.dataflow::<u64, _, _>(|scope| {
            let trades = source::<_, CapacityContainerBuilder<Vec<Trade>>, _, _>(
                scope,
                "ReadParse",
                |cap, info| {
                    let activator = scope.activator_for(Rc::clone(&info.address));
                    let mut cap: Option<Capability<u64>> = Some(cap);
                    let mut batch: Vec<Trade> = Vec::new();
                    move |output| {
                        let Some(c) = cap.as_mut() else { return };
                        let mut n = 0usize;
                        let mut done = false;
                        while n < BATCH {
                            let line = match reader.next_line() {
                                Ok(Some(l)) => l,
                                Ok(None) => {
                                    done = true;
                                    break;
                                }
                                Err(e) => panic!("reading input: {e}"),
                            };
                            if line.is_empty() {
                                continue;
                            }
                            n += 1;
                            let Ok(t) = sonic_rs::from_slice::<TradeIn>(line) else {
                                continue;
                            };
                            let tick = t.ts.max(0) as u64;
                            let tick = tick - tick % TICK_MS;
                            if tick > *c.time() {
                                if !batch.is_empty() {
                                    output.session(&*c).give_container(&mut batch);
                                }
                                c.downgrade(&tick);
                            }
                            batch.push(Trade {
                                symbol: t.symbol.into_owned(),
                                price: t.price,
                                volume: t.volume,
                                ts: t.ts,
                            });
                        }
                        if !batch.is_empty() {
                            output.session(&*c).give_container(&mut batch);
                        }
                        read.fetch_add(n as u64, Ordering::Relaxed);
                        if done {
                            cap = None;
                        } else {
                            activator.activate();
                        }
                    }
                },
            );

            let by_symbol = Exchange::new(|t: &Trade| symbol_hash(&t.symbol));
            let rows = match query {
                Query::Q2 => trades.unary_frontier(by_symbol, "Tumbling", |_cap, _info| {
                    // Open batches by end time: per symbol (count, Σprice, Σvolume).
                    let mut open: OpenBatches = BTreeMap::new();
                    move |(input, frontier), output| {
                        input.for_each(|cap, data| {
                            for t in data.drain(..) {
                                let end = ((t.ts.div_euclid(TUMBLE_MS) + 1) * TUMBLE_MS) as u64;
                                let (_, groups) = open
                                    .entry(end)
                                    .or_insert_with(|| (cap.delayed(&end, 0), HashMap::new()));
                                let g = groups.entry(t.symbol).or_insert((0, 0.0, 0));
                                g.0 += 1;
                                g.1 += t.price;
                                g.2 += t.volume;
                            }
                        });
                        while let Some((&end, _)) = open.first_key_value() {
                            if frontier.less_than(&end) {
                                break;
                            }
                            if let Some((_, (cap, groups))) = open.pop_first() {
                                let mut s = output.session(&cap);
                                for (symbol, (n, sp, sv)) in groups {
                                    s.give(Row {
                                        symbol,
                                        n,
                                        a: sp / n as f64,
                                        b: 0.0,
                                        vol: sv,
                                        ts: end as i64,
                                    });
                                }
                            }
                        }
                    }
                }),
                Query::Q3 => trades.unary_frontier(by_symbol, "Sliding", |_cap, _info| {
                    let mut pending: BTreeMap<u64, (Capability<u64>, Vec<Trade>)> = BTreeMap::new();
                    let mut state: HashMap<String, Sliding> = HashMap::new();
                    move |(input, frontier), output| {
                        input.for_each(|cap, data| {
                            let Some(c) = cap.retain_least(0) else { return };
                            let entry = pending.entry(*c.time()).or_insert_with(|| (c, Vec::new()));
                            entry.1.append(data);
                        });
                        while let Some((&tick, _)) = pending.first_key_value() {
                            if frontier.less_equal(&tick) {
                                break;
                            }
                            if let Some((_, (cap, mut trades))) = pending.pop_first() {
                                trades.sort_by_key(|t| t.ts);
                                let mut s = output.session(&cap);
                                for t in trades {
                                    let st = state.entry(t.symbol.clone()).or_default();
                                    let (avg, max) = st.push(t.ts, t.price);
                                    s.give(Row {
                                        symbol: t.symbol,
                                        n: 0,
                                        a: avg,
                                        b: max,
                                        vol: 0,
                                        ts: t.ts,
                                    });
                                }
                            }
                        }
                    }
                }),
            };

            let mut line = Vec::with_capacity(128);
            let (mut ints, mut floats) = (itoa::Buffer::new(), ryu::Buffer::new());
            rows.sink(
                Exchange::new(|_r: &Row| 0u64),
                "WriteJsonLines",
                move |(input, frontier)| {
                    input.for_each(|_cap, data| {
                        let Some(w) = writer.as_mut() else { return };
                        for r in data.iter() {
                            line.clear();
                            encode(query, r, &mut line, &mut ints, &mut floats);
                            if let Err(e) = w.write_all(&line) {
                                panic!("writing output: {e}");
                            }
                        }
                        written.fetch_add(data.len() as u64, Ordering::Relaxed);
                    });
                    if frontier.is_empty() {
                        if let Some(mut w) = writer.take() {
                            if let Err(e) = w.flush() {
                                panic!("writing output: {e}");
                            }
                        }
                    }
                },
            );
        });
    });
    match guards {
        Ok(g) => {
            for r in g.join() {
                if let Err(e) = r {
                    eprintln!("worker failed: {e}");
                    std::process::exit(1);
                }
            }
        }
        Err(e) => {
            eprintln!("cannot start timely: {e}");
            std::process::exit(2);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let n = read.load(Ordering::Relaxed);
    eprintln!(
        "baseline_windows: read {n} events, wrote {} rows in {secs:.3} s ({:.0} events/s)",
        written.load(Ordering::Relaxed),
        n as f64 / secs
    );
}
