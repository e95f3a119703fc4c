//! Baseline for workload Q1 (`SELECT symbol, price, volume FROM Trades WHERE price > 900.0`):
//! a minimal hand-written timely program doing the same physical work as fluxtide, and
//! nothing more. `scripts/bench.sh` compares the engine with it.
//!
//! * The JSON-lines input is split into fixed-size byte chunks (4 MiB, fluxtide's
//!   default) whose boundaries move forward to the next line start; chunk `i` is read by
//!   worker `i % peers`, in order, each chunk whole into a reused buffer.
//! * Each line is decoded into a typed struct (`sonic-rs` by default, `--parser serde`
//!   for `serde_json`; both borrow the symbol from the line buffer), filtered, and only
//!   passing rows are copied into owned records.
//! * timely time = event time rounded down to a 100 ms tick. The source holds one
//!   capability and moves it forward as the ticks of its (time-ordered) input advance;
//!   a record older than the capability is sent at the capability's time.
//! * All records are exchanged to worker 0, which encodes them as JSON lines
//!   (`{"symbol":…,"price":…,"volume":…,"_ts":…}`, fluxtide's output shape) into one
//!   buffered file. There is no sorting: rows are written in arrival order.
//!
//! Usage: `baseline_q1 [-w N] [--parser sonic|serde] INPUT.jsonl OUTPUT.jsonl`
//! (`-w`, `-n`, `-p`, `-h` are passed to timely).

use std::borrow::Cow;
use std::fs::File;
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
/// Lines decoded per activation, so worker 0 also gets to run its writer regularly.
const BATCH: usize = 16 * 1024;
const PRICE_THRESHOLD: f64 = 900.0;

/// A decoded input line; the symbol borrows from the line when it has no escapes.
#[derive(Deserialize)]
struct TradeIn<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    price: f64,
    volume: i64,
    ts: i64,
}

/// A passing row, as it crosses the exchange to the writer.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Out {
    symbol: String,
    price: f64,
    volume: i64,
    ts: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parser {
    Sonic,
    Serde,
}

impl Parser {
    #[inline]
    fn parse<'a>(self, line: &'a [u8]) -> Option<TradeIn<'a>> {
        match self {
            Parser::Sonic => sonic_rs::from_slice(line).ok(),
            Parser::Serde => serde_json::from_slice(line).ok(),
        }
    }
}

struct Args {
    timely: Vec<String>,
    parser: Parser,
    input: PathBuf,
    output: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let (timely, rest) = split_timely_args(std::env::args().skip(1))?;
    let mut parser = Parser::Sonic;
    let mut positional = Vec::new();
    let mut it = rest.into_iter();
    while let Some(a) = it.next() {
        if a == "--parser" {
            parser = match it.next().as_deref() {
                Some("sonic") => Parser::Sonic,
                Some("serde") => Parser::Serde,
                other => return Err(format!("--parser sonic|serde, got {other:?}")),
            }
        } else {
            positional.push(a);
        }
    }
    let [input, output]: [String; 2] = positional
        .try_into()
        .map_err(|_| "usage: baseline_q1 [-w N] [--parser sonic|serde] INPUT OUTPUT".to_string())?;
    Ok(Args {
        timely,
        parser,
        input: input.into(),
        output: output.into(),
    })
}

/// `{"symbol":"…","price":…,"volume":…,"_ts":…}\n`
fn encode(r: &Out, out: &mut Vec<u8>, ints: &mut itoa::Buffer, floats: &mut ryu::Buffer) {
    out.extend_from_slice(b"{\"symbol\":");
    if r.symbol
        .bytes()
        .all(|b| b >= 0x20 && b != b'"' && b != b'\\')
    {
        out.push(b'"');
        out.extend_from_slice(r.symbol.as_bytes());
        out.push(b'"');
    } else {
        // Rare: a symbol that needs escaping.
        let _ = serde_json::to_writer(&mut *out, &r.symbol);
    }
    out.extend_from_slice(b",\"price\":");
    if r.price.is_finite() {
        out.extend_from_slice(floats.format_finite(r.price).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
    out.extend_from_slice(b",\"volume\":");
    out.extend_from_slice(ints.format(r.volume).as_bytes());
    out.extend_from_slice(b",\"_ts\":");
    out.extend_from_slice(ints.format(r.ts).as_bytes());
    out.extend_from_slice(b"}\n");
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let chunks = match split_chunks(&args.input) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            eprintln!("{}: {e}", args.input.display());
            std::process::exit(1);
        }
    };
    let read = Arc::new(AtomicU64::new(0));
    let bad = Arc::new(AtomicU64::new(0));
    let written = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let (input, output, parser) = (args.input.clone(), args.output.clone(), args.parser);
    let (read2, bad2, written2) = (Arc::clone(&read), Arc::clone(&bad), Arc::clone(&written));

    let guards = timely::execute_from_args(args.timely.into_iter(), move |worker| {
        let index = worker.index();
        let peers = worker.peers();
        let mut reader = Reader::for_worker(&input, &chunks, index, peers)
            .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        let (read, bad, written) = (Arc::clone(&read2), Arc::clone(&bad2), Arc::clone(&written2));
        let mut writer = if index == 0 {
            Some(BufWriter::with_capacity(
                1 << 20,
                File::create(&output).unwrap_or_else(|e| panic!("{}: {e}", output.display())),
            ))
        } else {
            None
        };

        worker.dataflow::<u64, _, _>(|scope| {
            let rows = source::<_, CapacityContainerBuilder<Vec<Out>>, _, _>(
                scope,
                "ReadParseFilter",
                |cap, info| {
                    let activator = scope.activator_for(Rc::clone(&info.address));
                    let mut cap: Option<Capability<u64>> = Some(cap);
                    let mut batch: Vec<Out> = Vec::new();
                    move |output| {
                        let Some(c) = cap.as_mut() else { return };
                        let (mut n, mut nbad) = (0usize, 0u64);
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
                            let Some(t) = parser.parse(line) else {
                                nbad += 1;
                                continue;
                            };
                            if t.price > PRICE_THRESHOLD {
                                let tick = t.ts.max(0) as u64;
                                let tick = tick - tick % TICK_MS;
                                if tick > *c.time() {
                                    if !batch.is_empty() {
                                        output.session(&*c).give_container(&mut batch);
                                    }
                                    c.downgrade(&tick);
                                }
                                batch.push(Out {
                                    symbol: t.symbol.into_owned(),
                                    price: t.price,
                                    volume: t.volume,
                                    ts: t.ts,
                                });
                            }
                        }
                        if !batch.is_empty() {
                            output.session(&*c).give_container(&mut batch);
                        }
                        read.fetch_add(n as u64, Ordering::Relaxed);
                        bad.fetch_add(nbad, Ordering::Relaxed);
                        if done {
                            cap = None;
                        } else {
                            activator.activate();
                        }
                    }
                },
            );

            let mut line = Vec::with_capacity(128);
            let (mut ints, mut floats) = (itoa::Buffer::new(), ryu::Buffer::new());
            rows.sink(
                Exchange::new(|_r: &Out| 0u64),
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
        "baseline_q1: read {n} events, wrote {}, bad {} in {secs:.3} s ({:.0} events/s)",
        written.load(Ordering::Relaxed),
        bad.load(Ordering::Relaxed),
        n as f64 / secs
    );
}
