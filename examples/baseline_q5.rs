//! Baseline for workload Q5 (`../shared/bench/WORKLOAD.md`): the windowed stream–stream
//! join `Trades WINDOW('time', 100 ms) AS t JOIN Quotes WINDOW('time', 100 ms) AS q ON
//! t.symbol = q.symbol`, selecting `t.symbol, t.price, q.bid, q.ask`. A minimal
//! hand-written timely program doing the same physical work as fluxtide, and nothing
//! more; `scripts/bench.sh` compares the engine with it.
//!
//! * Reading: as `baseline_q1`, once per input file (fixed 4 MiB chunks, chunk `i` of
//!   each file read by worker `i % peers`, decoded with `sonic-rs` into a typed struct);
//!   timely time = event time rounded down to a 100 ms tick. Two sources, one per file.
//! * Both streams are exchanged by a hash of the symbol into one binary operator, which
//!   buffers records per tick. Once both input frontiers have passed a tick, its records
//!   are processed in time order, trades before quotes at equal times (fluxtide's
//!   `(time, source rank)` order, §3.3). Per symbol each side keeps the events of its
//!   last 100 ms (an event at time e is held while `τ < e + 100`); an arriving event
//!   drops what has left the other side's window, then emits one row per event held
//!   there (oldest first), stamped with its own time, then joins its own side.
//!   Every pair of one symbol less than 100 ms apart thus gives exactly one row, as in
//!   fluxtide (the later event finds the earlier; at equal times the quote finds the
//!   trade).
//! * Rows are exchanged to worker 0 and written as JSON lines in arrival order (no
//!   sorting): `{"symbol":…,"price":…,"bid":…,"ask":…,"_ts":…}`, fluxtide's shape.
//!
//! Usage: `baseline_q5 [-w N] TRADES.jsonl QUOTES.jsonl OUTPUT.jsonl`

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
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
use timely::dataflow::{Scope, Stream};

#[path = "common/baseline.rs"]
mod baseline;
use baseline::{split_chunks, split_timely_args, Reader, TICK_MS};

/// Lines decoded per activation, so the other source and the writer get to run.
const BATCH: usize = 16 * 1024;
/// Both windows' length.
const WINDOW_MS: i64 = 100;

#[derive(Deserialize)]
struct TradeIn<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    price: f64,
    volume: i64,
    ts: i64,
}

#[derive(Deserialize)]
struct QuoteIn<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    bid: f64,
    ask: f64,
    ts: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Trade {
    symbol: String,
    price: f64,
    volume: i64,
    ts: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Quote {
    symbol: String,
    bid: f64,
    ask: f64,
    ts: i64,
}

/// A joined row: `t.symbol, t.price, q.bid, q.ask`, stamped with the probing event's time.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Row {
    symbol: String,
    price: f64,
    bid: f64,
    ask: f64,
    ts: i64,
}

fn symbol_hash(s: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    s.hash(&mut h);
    h.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32
}

fn encode(r: &Row, out: &mut Vec<u8>, ints: &mut itoa::Buffer, floats: &mut ryu::Buffer) {
    out.extend_from_slice(b"{\"symbol\":\"");
    out.extend_from_slice(r.symbol.as_bytes());
    out.extend_from_slice(b"\",\"price\":");
    out.extend_from_slice(floats.format(r.price).as_bytes());
    out.extend_from_slice(b",\"bid\":");
    out.extend_from_slice(floats.format(r.bid).as_bytes());
    out.extend_from_slice(b",\"ask\":");
    out.extend_from_slice(floats.format(r.ask).as_bytes());
    out.extend_from_slice(b",\"_ts\":");
    out.extend_from_slice(ints.format(r.ts).as_bytes());
    out.extend_from_slice(b"}\n");
}

/// A source reading this worker's chunks of `path`; `parse` decodes a line into a
/// record and its event time. Adds the number of lines read to `read`.
fn read_source<'s, D, F>(
    scope: Scope<'s, u64>,
    name: &str,
    path: &Path,
    read: Arc<AtomicU64>,
    mut parse: F,
) -> Stream<'s, u64, Vec<D>>
where
    D: Clone + 'static,
    F: FnMut(&[u8]) -> Option<(i64, D)> + 'static,
{
    let chunks = split_chunks(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (index, peers) = (scope.index(), scope.peers());
    let mut reader = Reader::for_worker(path, &chunks, index, peers)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    source::<_, CapacityContainerBuilder<Vec<D>>, _, _>(scope, name, |cap, info| {
        let activator = scope.activator_for(Rc::clone(&info.address));
        let mut cap: Option<Capability<u64>> = Some(cap);
        let mut batch: Vec<D> = Vec::new();
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
                let Some((ts, d)) = parse(line) else {
                    continue;
                };
                let tick = ts.max(0) as u64;
                let tick = tick - tick % TICK_MS;
                if tick > *c.time() {
                    if !batch.is_empty() {
                        output.session(&*c).give_container(&mut batch);
                    }
                    c.downgrade(&tick);
                }
                batch.push(d);
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
    })
}

/// One symbol's windows: trades `(time, price)` and quotes `(time, bid, ask)`, oldest
/// first.
#[derive(Default)]
struct Windows {
    trades: VecDeque<(i64, f64)>,
    quotes: VecDeque<(i64, f64, f64)>,
}

/// One tick's buffered records of both sides.
type Pending = BTreeMap<u64, (Capability<u64>, Vec<Trade>, Vec<Quote>)>;

/// A record of either side, for processing one tick in `(time, side)` order.
enum Either {
    Trade(Trade),
    Quote(Quote),
}

impl Either {
    fn order(&self) -> (i64, u8) {
        match self {
            Either::Trade(t) => (t.ts, 0),
            Either::Quote(q) => (q.ts, 1),
        }
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
    let [trades_path, quotes_path, output] = rest.as_slice() else {
        eprintln!("usage: baseline_q5 [-w N] TRADES.jsonl QUOTES.jsonl OUTPUT.jsonl");
        std::process::exit(2);
    };
    let (trades_path, quotes_path, output) = (
        PathBuf::from(trades_path),
        PathBuf::from(quotes_path),
        PathBuf::from(output),
    );
    let read = Arc::new(AtomicU64::new(0));
    let written = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let (read2, written2) = (Arc::clone(&read), Arc::clone(&written));

    let guards = timely::execute_from_args(timely_args.into_iter(), move |worker| {
        let index = worker.index();
        let (read, written) = (Arc::clone(&read2), Arc::clone(&written2));
        let mut writer = (index == 0).then(|| {
            BufWriter::with_capacity(
                1 << 20,
                File::create(&output).unwrap_or_else(|e| panic!("{}: {e}", output.display())),
            )
        });

        worker.dataflow::<u64, _, _>(|scope| {
            let trades = read_source(
                scope,
                "ReadTrades",
                &trades_path,
                Arc::clone(&read),
                |line| {
                    let t = sonic_rs::from_slice::<TradeIn>(line).ok()?;
                    let trade = Trade {
                        symbol: t.symbol.into_owned(),
                        price: t.price,
                        volume: t.volume,
                        ts: t.ts,
                    };
                    Some((t.ts, trade))
                },
            );
            let quotes = read_source(
                scope,
                "ReadQuotes",
                &quotes_path,
                Arc::clone(&read),
                |line| {
                    let q = sonic_rs::from_slice::<QuoteIn>(line).ok()?;
                    let quote = Quote {
                        symbol: q.symbol.into_owned(),
                        bid: q.bid,
                        ask: q.ask,
                        ts: q.ts,
                    };
                    Some((q.ts, quote))
                },
            );

            let rows = trades.binary_frontier::<_, CapacityContainerBuilder<Vec<Row>>, _, _, _, _>(
                quotes,
                Exchange::new(|t: &Trade| symbol_hash(&t.symbol)),
                Exchange::new(|q: &Quote| symbol_hash(&q.symbol)),
                "WindowJoin",
                |_cap, _info| {
                    let mut pending: Pending = BTreeMap::new();
                    let mut state: HashMap<String, Windows> = HashMap::new();
                    let mut merged: Vec<Either> = Vec::new();
                    move |(trades, tf), (quotes, qf), output| {
                        trades.for_each(|cap, data| {
                            let Some(c) = cap.retain_least(0) else { return };
                            let entry = pending
                                .entry(*c.time())
                                .or_insert_with(|| (c, Vec::new(), Vec::new()));
                            entry.1.append(data);
                        });
                        quotes.for_each(|cap, data| {
                            let Some(c) = cap.retain_least(0) else { return };
                            let entry = pending
                                .entry(*c.time())
                                .or_insert_with(|| (c, Vec::new(), Vec::new()));
                            entry.2.append(data);
                        });
                        while let Some((&tick, _)) = pending.first_key_value() {
                            if tf.less_equal(&tick) || qf.less_equal(&tick) {
                                break;
                            }
                            let Some((_, (cap, ts, qs))) = pending.pop_first() else {
                                break;
                            };
                            merged.clear();
                            merged.extend(ts.into_iter().map(Either::Trade));
                            merged.extend(qs.into_iter().map(Either::Quote));
                            merged.sort_by_key(Either::order);
                            let mut s = output.session(&cap);
                            for e in merged.drain(..) {
                                let (symbol, now) = match &e {
                                    Either::Trade(t) => (&t.symbol, t.ts),
                                    Either::Quote(q) => (&q.symbol, q.ts),
                                };
                                if !state.contains_key(symbol.as_str()) {
                                    state.insert(symbol.clone(), Windows::default());
                                }
                                let Some(w) = state.get_mut(symbol.as_str()) else {
                                    continue;
                                };
                                while w.trades.front().is_some_and(|t| t.0 + WINDOW_MS <= now) {
                                    w.trades.pop_front();
                                }
                                while w.quotes.front().is_some_and(|q| q.0 + WINDOW_MS <= now) {
                                    w.quotes.pop_front();
                                }
                                match e {
                                    Either::Trade(t) => {
                                        for &(_, bid, ask) in &w.quotes {
                                            s.give(Row {
                                                symbol: t.symbol.clone(),
                                                price: t.price,
                                                bid,
                                                ask,
                                                ts: now,
                                            });
                                        }
                                        w.trades.push_back((t.ts, t.price));
                                    }
                                    Either::Quote(q) => {
                                        for &(_, price) in &w.trades {
                                            s.give(Row {
                                                symbol: q.symbol.clone(),
                                                price,
                                                bid: q.bid,
                                                ask: q.ask,
                                                ts: now,
                                            });
                                        }
                                        w.quotes.push_back((q.ts, q.bid, q.ask));
                                    }
                                }
                            }
                        }
                    }
                },
            );

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
                            encode(r, &mut line, &mut ints, &mut floats);
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
        "baseline_q5: read {n} events, wrote {} rows in {secs:.3} s ({:.0} events/s)",
        written.load(Ordering::Relaxed),
        n as f64 / secs
    );
}
