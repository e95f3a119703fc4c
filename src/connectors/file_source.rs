//! File and stdin sources: a timely operator per worker that reads its share of the
//! input, decodes records, assigns event time and ordering keys, and holds back the
//! frontier with per-partition watermarks (LANGUAGE.md §3.2, §3.5; DESIGN.md §3).
//!
//! A file is split into fixed-size byte chunks (independent of `-w`/`-n`); chunk `i`
//! is read by global worker `i % peers`, chunks in order. A chunk is a partition:
//! its watermark is `max event time seen − watermark.delay`, and a record below it
//! when read is late. Before a chunk is started its watermark is bounded below by
//! `first valid event time − delay` (found by a cheap pre-scan), so the worker's
//! capability, the minimum over its unfinished chunks, never passes a record that
//! could still arrive. Standard input is one partition, read by worker 0 on a
//! helper thread.
//!
//! Outputs: 0 = the stream's records, 1 = late records (with `lateBy`), 2 = dead
//! letters. Bad records follow the stream's error strategy and are never lost
//! silently: each is counted, logged (capped), routed or fails the run.

use std::io::BufRead;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use timely::container::CapacityContainerBuilder;
use timely::dataflow::operators::generic::builder_rc::OperatorBuilder;
use timely::dataflow::operators::generic::OutputBuilder;
use timely::dataflow::{Scope, StreamVec};

use crate::expr::compile::{EvalCtx, PredFn};
use crate::runtime::metrics::Metrics;
use crate::runtime::record::{source_key, tick_of, Rec};
use crate::runtime::Abort;
use crate::value::{Row, Value};

use timely::dataflow::operators::probe::Handle as ProbeHandle;

use super::chunks::{first_line, split_chunks, Chunk, ChunkReader};
use super::format::{
    CsvDecoder, CsvOptions, DecodeError, DecodeErrorKind, Decoder, JsonDecoder, JsonOptions, Schema,
};

/// Lines decoded per activation: enough to amortise a timely round, small enough that
/// the batch's rows are still in cache when the next operators (exchange, windows)
/// touch them. Measured with scripts/bench.sh: 8192 → 1024 took Q1 from 2.9M to 4.5M
/// events/s and Q2 from 1.1M to 1.6M at -w 1.
const BATCH: usize = 1024;
/// Bad records logged per process before the rest are only counted.
const MAX_LOGGED: u64 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    Json { fail_on_missing: bool },
    Csv { delimiter: u8 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorMode {
    Skip,
    Fail,
    Dlq,
}

/// Everything a source needs, resolved from the plan.
#[derive(Clone)]
pub struct SourceConfig {
    pub stream: String,
    /// Index into the metrics' stream table.
    pub metrics_index: usize,
    /// `"-"` reads standard input.
    pub path: PathBuf,
    pub format: SourceFormat,
    pub schema: Arc<Schema>,
    pub rank: u32,
    pub event_time: Option<usize>,
    pub delay_ms: i64,
    pub route_late: bool,
    pub errors: ErrorMode,
    pub chunk_size: u64,
    pub tick_ms: u64,
    /// Events per second for this worker (`--rate` divided over workers).
    pub rate_per_worker: Option<f64>,
    pub metrics: Arc<Metrics>,
    pub abort: Arc<Abort>,
    /// OR of the filters of every consumer (all stateless queries with a WHERE): a
    /// record failing it is dropped before it becomes a row. Consumers re-check.
    pub prefilter: Option<Arc<PredFn>>,
    /// The frontier of every worker's file sources (a probe behind an exchange). A
    /// worker whose own time runs further ahead of it than two rounds of its chunks
    /// waits, so records in flight to slower workers stay bounded (DESIGN.md §3).
    pub progress: Option<ProbeHandle<u64>>,
}

/// One partition's reading state.
struct Part {
    reader: LineInput,
    /// Watermark lower bound before the first valid record (pre-scan), `i64::MAX` if
    /// the partition holds no valid record.
    bound: i64,
    max_seen: i64,
    /// Last ingestion time assigned (ingestion-time streams only).
    last_ingest: i64,
}

enum LineInput {
    /// A chunk of the file, read through the worker's one [`ChunkReader`] when current.
    Chunk(Chunk),
    Stdin(
        Receiver<Vec<(u64, Vec<u8>)>>,
        Vec<(u64, Vec<u8>)>,
        usize,
        bool,
    ),
}

impl Part {
    fn watermark(&self, delay: i64) -> i64 {
        watermark(self.bound, self.max_seen, delay)
    }
}

/// A partition's watermark: `max seen − delay`, never below its pre-scan bound.
fn watermark(bound: i64, max_seen: i64, delay: i64) -> i64 {
    if max_seen == i64::MIN {
        bound
    } else {
        bound.max(max_seen.saturating_sub(delay))
    }
}

/// The streams a source produces.
pub struct SourceStreams<'s> {
    pub records: StreamVec<'s, u64, Rec>,
    /// Late records with `lateBy` (only when `'late.events'` routes them).
    pub late: StreamVec<'s, u64, Rec>,
    /// Dead letters (only under `'error.strategy' = 'dlq'`).
    pub dead_letters: StreamVec<'s, u64, Rec>,
    /// Fatal errors; broadcast so that every process stops and exits 1.
    pub fatal: StreamVec<'s, u64, String>,
    /// Never carries data, only the source's frontier (for pacing): a probe on
    /// `records` itself would make timely clone every batch for the second reader.
    pub progress: StreamVec<'s, u64, Rec>,
}

/// Builds the source (see the module documentation).
pub fn file_source<'s>(scope: Scope<'s, u64>, cfg: SourceConfig) -> SourceStreams<'s> {
    let mut builder = OperatorBuilder::new(format!("Source {}", cfg.stream), scope);
    let info = builder.operator_info();
    let activator = scope.activator_for(Rc::clone(&info.address));
    let (out0, s0) = builder.new_output::<Vec<Rec>>();
    let (out1, s1) = builder.new_output::<Vec<Rec>>();
    let (out2, s2) = builder.new_output::<Vec<Rec>>();
    let (out3, s3) = builder.new_output::<Vec<String>>();
    let (_out4, s4) = builder.new_output::<Vec<Rec>>();
    let mut out0 = OutputBuilder::<_, CapacityContainerBuilder<Vec<Rec>>>::from(out0);
    let mut out1 = OutputBuilder::<_, CapacityContainerBuilder<Vec<Rec>>>::from(out1);
    let mut out2 = OutputBuilder::<_, CapacityContainerBuilder<Vec<Rec>>>::from(out2);
    let mut out3 = OutputBuilder::<_, CapacityContainerBuilder<Vec<String>>>::from(out3);
    let index = scope.index();
    let peers = scope.peers();

    builder.build(move |caps| {
        let mut caps = Some(caps);
        let mut fatal: Option<String> = None;
        let mut state = match SourceState::open(&cfg, index, peers) {
            Ok(s) => Some(s),
            Err(msg) => {
                fatal = Some(format!("cannot read source `{}`: {msg}", cfg.stream));
                None
            }
        };
        move |_frontiers| {
            let Some(cs) = caps.as_mut() else { return };
            if let Some(msg) = fatal.take() {
                // Sent before the capabilities are dropped, so every worker of every
                // process receives it before its dataflow can complete.
                cfg.abort.fail(msg.clone());
                out3.activate().session(&cs[3]).give(msg);
                caps = None;
                state = None;
                return;
            }
            let Some(st) = state.as_mut() else {
                caps = None;
                return;
            };
            if cfg.abort.is_set() {
                caps = None;
                state = None;
                return;
            }
            if let Some(wait) = st.rate_wait(&cfg) {
                activator.activate_after(wait);
                return;
            }
            if let Some(p) = &cfg.progress {
                let mine = *cs[0].time();
                let lead = u64::try_from(st.max_lead).unwrap_or(u64::MAX);
                if p.less_than(&mine.saturating_sub(lead)) {
                    // Far ahead of the slowest worker: let it catch up (it never waits
                    // itself, as its own time is the frontier).
                    activator.activate_after(Duration::from_micros(500));
                    return;
                }
            }
            // Sized for a whole batch: growing from empty would copy every record
            // several times.
            let mut main = Vec::with_capacity(BATCH);
            let mut late = Vec::new();
            let mut dlq = Vec::new();
            let progress = st.read_batch(&cfg, &mut main, &mut late, &mut dlq);
            {
                let mut h0 = out0.activate();
                let mut h1 = out1.activate();
                let mut h2 = out2.activate();
                if !main.is_empty() {
                    h0.session(&cs[0]).give_container(&mut main);
                }
                if !late.is_empty() {
                    h1.session(&cs[1]).give_container(&mut late);
                }
                if !dlq.is_empty() {
                    h2.session(&cs[2]).give_container(&mut dlq);
                }
            }
            match progress {
                Progress::Done => {
                    caps = None;
                    state = None;
                }
                Progress::Failed(msg) => {
                    fatal = Some(msg);
                    activator.activate();
                }
                Progress::More | Progress::Waiting => {
                    let t = tick_of(st.frontier(&cfg), cfg.tick_ms);
                    for c in cs.iter_mut() {
                        if *c.time() < t {
                            c.downgrade(&t);
                        }
                    }
                    if matches!(progress, Progress::Waiting) {
                        activator.activate_after(Duration::from_millis(1));
                    } else {
                        activator.activate();
                    }
                }
            }
        }
    });
    SourceStreams {
        records: s0,
        late: s1,
        dead_letters: s2,
        fatal: s3,
        progress: s4,
    }
}

enum Progress {
    More,
    /// Standard input has nothing buffered yet.
    Waiting,
    Done,
    /// A fatal error: the run stops with exit code 1.
    Failed(String),
}

struct SourceState {
    parts: Vec<Part>,
    /// Index of the partition being read; earlier ones are finished.
    current: usize,
    decoder: Box<dyn Decoder>,
    vals: Vec<Value>,
    started: Instant,
    emitted: u64,
    /// Chunk 0 of a CSV file starts with the header line, which is not a record.
    skip_offset_zero: bool,
    path_text: String,
    /// The one reader of this worker (opened on the first chunk, then moved from chunk to
    /// chunk), so memory stays at one buffer however large the file is.
    reader: Option<ChunkReader>,
    /// The part the reader is positioned in.
    positioned: Option<usize>,
    /// How far (ms of event time) this worker may run ahead of the slowest file source:
    /// twice the mean event-time span between two of its consecutive chunks.
    max_lead: i64,
}

/// Positions `reader` at the start of `chunk`, opening it on first use.
fn position<'a>(
    reader: &'a mut Option<ChunkReader>,
    path: &std::path::Path,
    chunk: &Chunk,
) -> std::io::Result<&'a mut ChunkReader> {
    match reader {
        Some(r) => {
            r.reset(chunk)?;
            Ok(r)
        }
        None => Ok(reader.insert(ChunkReader::open(path, chunk)?)),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl SourceState {
    fn open(cfg: &SourceConfig, index: usize, peers: usize) -> Result<SourceState, String> {
        let stdin = cfg.path.as_os_str() == "-";
        let header = match (cfg.format, stdin) {
            (SourceFormat::Csv { .. }, false) => {
                Some(first_line(&cfg.path).map_err(|e| format!("{}: {e}", cfg.path.display()))?)
            }
            _ => None,
        };
        let mut parts = Vec::new();
        let mut stdin_rx = None;
        if stdin {
            if index == 0 {
                stdin_rx = Some(spawn_stdin_reader());
            }
        } else {
            let chunks: Vec<Chunk> = split_chunks(&cfg.path, cfg.chunk_size)
                .map_err(|e| format!("{}: {e}", cfg.path.display()))?;
            for c in chunks.into_iter().filter(|c| c.index % peers == index) {
                parts.push(Part {
                    reader: LineInput::Chunk(c),
                    bound: i64::MAX,
                    max_seen: i64::MIN,
                    last_ingest: i64::MIN,
                });
            }
        }
        let decoder: Box<dyn Decoder> = match cfg.format {
            SourceFormat::Json { fail_on_missing } => Box::new(JsonDecoder::new(
                &cfg.schema,
                JsonOptions { fail_on_missing },
            )),
            SourceFormat::Csv { delimiter } => {
                // For stdin the header is the first line read; the decoder is replaced then.
                let header = header.unwrap_or_default();
                Box::new(
                    CsvDecoder::new(
                        &cfg.schema,
                        &header,
                        CsvOptions {
                            delimiter,
                            quote: b'"',
                        },
                    )
                    .map_err(|e| format!("CSV header: {e}"))?,
                )
            }
        };
        let mut st = SourceState {
            parts,
            current: 0,
            decoder,
            vals: Vec::with_capacity(cfg.schema.types.len()),
            started: Instant::now(),
            emitted: 0,
            skip_offset_zero: matches!(cfg.format, SourceFormat::Csv { .. }),
            path_text: cfg.path.display().to_string(),
            reader: None,
            positioned: None,
            max_lead: i64::MAX,
        };
        if let Some(rx) = stdin_rx {
            st.parts.push(Part {
                reader: LineInput::Stdin(rx, Vec::new(), 0, false),
                bound: i64::MIN,
                max_seen: i64::MIN,
                last_ingest: i64::MIN,
            });
        }
        st.prescan(cfg)?;
        st.max_lead = st.lead_from_bounds(cfg);
        Ok(st)
    }

    fn lead_from_bounds(&self, cfg: &SourceConfig) -> i64 {
        let bounds: Vec<i64> = self
            .parts
            .iter()
            .filter(|p| matches!(p.reader, LineInput::Chunk(_)))
            .map(|p| p.bound)
            .collect();
        match (bounds.first(), bounds.last()) {
            (Some(first), Some(last)) if bounds.len() >= 2 && cfg.event_time.is_some() => {
                let gap = (last - first) / (bounds.len() as i64 - 1);
                gap.saturating_mul(2).max(10 * cfg.tick_ms as i64)
            }
            // One chunk, ingestion time or stdin: nothing to pace.
            _ => i64::MAX,
        }
    }

    /// Finds each chunk's watermark lower bound: `first valid event time − delay`.
    fn prescan(&mut self, cfg: &SourceConfig) -> Result<(), String> {
        let start = now_ms();
        let mut probe: Option<ChunkReader> = None;
        for i in 0..self.parts.len() {
            let LineInput::Chunk(chunk) = &self.parts[i].reader else {
                // stdin gives no look-ahead: it is held at 0 until its first record.
                self.parts[i].bound = if cfg.event_time.is_some() { 0 } else { start };
                continue;
            };
            let Some(col) = cfg.event_time else {
                self.parts[i].bound = start;
                continue;
            };
            // The first valid record at or after the chunk's start: inside the chunk when
            // it has one; otherwise the chunk holds only bad records, and any bound that
            // depends only on the file is correct for them (they become dead letters
            // stamped with it), so look a little further, then fall back to 0.
            let horizon = Chunk {
                index: chunk.index,
                start: chunk.start,
                end: chunk.end.saturating_add(64 * cfg.chunk_size),
            };
            let probe = position(&mut probe, &cfg.path, &horizon).map_err(|e| e.to_string())?;
            let mut bound = 0;
            while let Some((offset, line)) = probe.next_line().map_err(|e| e.to_string())? {
                if (offset == 0 && self.skip_offset_zero) || line.is_empty() {
                    continue;
                }
                self.vals.clear();
                if self.decoder.decode(line, &mut self.vals).is_ok() {
                    if let Some(t) = self.vals.get(col).and_then(Value::as_i64) {
                        if t >= 0 {
                            bound = t.saturating_sub(cfg.delay_ms).max(0);
                            break;
                        }
                    }
                }
            }
            self.parts[i].bound = bound;
        }
        Ok(())
    }

    /// The least event time this worker may still emit (not late).
    fn frontier(&self, cfg: &SourceConfig) -> i64 {
        self.parts[self.current..]
            .iter()
            .map(|p| p.watermark(cfg.delay_ms))
            .min()
            .unwrap_or(i64::MAX)
            .max(0)
    }

    fn rate_wait(&self, cfg: &SourceConfig) -> Option<Duration> {
        let rate = cfg.rate_per_worker?;
        let allowed = self.started.elapsed().as_secs_f64() * rate;
        if (self.emitted as f64) < allowed {
            None
        } else {
            Some(Duration::from_secs_f64(
                ((self.emitted as f64 - allowed) / rate).clamp(0.0005, 0.05),
            ))
        }
    }

    fn read_batch(
        &mut self,
        cfg: &SourceConfig,
        main: &mut Vec<Rec>,
        late: &mut Vec<Rec>,
        dlq: &mut Vec<Rec>,
    ) -> Progress {
        let budget = match cfg.rate_per_worker {
            Some(r) => ((r / 100.0).ceil() as usize).clamp(1, BATCH),
            None => BATCH,
        };
        let SourceState {
            parts,
            current,
            decoder,
            vals,
            skip_offset_zero,
            path_text,
            emitted,
            reader: shared,
            positioned,
            ..
        } = self;
        let mut out = Outputs {
            main,
            late,
            dlq,
            read: 0,
            late_n: 0,
            bad: 0,
        };
        let mut n = 0;
        let result = loop {
            if n >= budget {
                break Progress::More;
            }
            let Some(part) = parts.get_mut(*current) else {
                break Progress::Done;
            };
            let Part {
                reader,
                bound,
                max_seen,
                last_ingest,
            } = part;
            let mut wm = PartTime {
                bound: *bound,
                max_seen,
                last_ingest,
            };
            match reader {
                LineInput::Chunk(chunk) => {
                    if *positioned != Some(*current) {
                        if let Err(e) = position(shared, &cfg.path, chunk) {
                            break Progress::Failed(format!("reading {path_text}: {e}"));
                        }
                        *positioned = Some(*current);
                    }
                    let Some(r) = shared.as_mut() else {
                        break Progress::Done;
                    };
                    match r.next_line() {
                        Ok(Some((offset, line))) => {
                            n += 1;
                            if offset == 0 && *skip_offset_zero {
                                continue;
                            }
                            if let Err(msg) = process_line(
                                cfg,
                                decoder.as_mut(),
                                vals,
                                &mut wm,
                                offset,
                                line,
                                &mut out,
                                path_text,
                            ) {
                                break Progress::Failed(msg);
                            }
                        }
                        Ok(None) => *current += 1,
                        Err(e) => {
                            break Progress::Failed(format!("reading {path_text}: {e}"));
                        }
                    }
                }
                LineInput::Stdin(rx, buf, pos, closed) => {
                    if *pos >= buf.len() {
                        if *closed {
                            *current += 1;
                            continue;
                        }
                        match rx.try_recv() {
                            Ok(b) => {
                                *buf = b;
                                *pos = 0;
                            }
                            Err(TryRecvError::Empty) => break Progress::Waiting,
                            Err(TryRecvError::Disconnected) => *closed = true,
                        }
                        continue;
                    }
                    let (offset, line) = std::mem::take(&mut buf[*pos]);
                    *pos += 1;
                    n += 1;
                    if offset == 0 && *skip_offset_zero {
                        if let SourceFormat::Csv { delimiter } = cfg.format {
                            match CsvDecoder::new(
                                &cfg.schema,
                                &line,
                                CsvOptions {
                                    delimiter,
                                    quote: b'"',
                                },
                            ) {
                                Ok(d) => *decoder = Box::new(d),
                                Err(e) => {
                                    break Progress::Failed(format!("stdin CSV header: {e}"));
                                }
                            }
                        }
                        continue;
                    }
                    if let Err(msg) = process_line(
                        cfg,
                        decoder.as_mut(),
                        vals,
                        &mut wm,
                        offset,
                        &line,
                        &mut out,
                        path_text,
                    ) {
                        break Progress::Failed(msg);
                    }
                }
            }
        };
        *emitted += n as u64;
        let c = &cfg.metrics.streams[cfg.metrics_index];
        Metrics::add(&c.read, out.read);
        Metrics::add(&c.late, out.late_n);
        Metrics::add(&c.bad, out.bad);
        result
    }
}

/// Where a batch's records go, and what it counted.
struct Outputs<'a> {
    main: &'a mut Vec<Rec>,
    late: &'a mut Vec<Rec>,
    dlq: &'a mut Vec<Rec>,
    read: u64,
    late_n: u64,
    bad: u64,
}

/// A partition's time state, borrowed apart from its reader.
struct PartTime<'a> {
    bound: i64,
    max_seen: &'a mut i64,
    last_ingest: &'a mut i64,
}

impl PartTime<'_> {
    fn watermark(&self, delay: i64) -> i64 {
        watermark(self.bound, *self.max_seen, delay)
    }
}

/// Decodes one line and routes it: a record, a late record, a dead letter, or an
/// error. `Err` is a fatal message (error strategy `'fail'`).
#[allow(clippy::too_many_arguments)]
fn process_line(
    cfg: &SourceConfig,
    decoder: &mut dyn Decoder,
    vals: &mut Vec<Value>,
    part: &mut PartTime,
    offset: u64,
    line: &[u8],
    out: &mut Outputs,
    path_text: &str,
) -> Result<(), String> {
    if line.is_empty() || line.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    out.read += 1;
    vals.clear();
    let decoded = decoder.decode(line, vals);
    let time = match decoded {
        Err(e) => Err(e),
        Ok(()) => match cfg.event_time {
            None => {
                *part.last_ingest = (*part.last_ingest).max(now_ms());
                Ok(*part.last_ingest)
            }
            Some(col) => match vals.get(col).and_then(Value::as_i64) {
                Some(t) if t >= 0 => Ok(t),
                Some(t) => Err(DecodeError {
                    message: format!("negative event time {t} in `{}`", cfg.schema.names[col]),
                    kind: DecodeErrorKind::OutOfRange,
                }),
                None => Err(DecodeError {
                    message: format!("missing event time `{}`", cfg.schema.names[col]),
                    kind: DecodeErrorKind::Missing,
                }),
            },
        },
    };
    let t = match time {
        Ok(t) => t,
        Err(err) => {
            out.bad += 1;
            let wm = part.watermark(cfg.delay_ms).max(0);
            match cfg.errors {
                ErrorMode::Fail => {
                    let line_no = line_number(&cfg.path, offset);
                    return Err(format!(
                        "bad record in {path_text}:{line_no}: {}",
                        err.message
                    ));
                }
                ErrorMode::Skip => {
                    let logged = cfg.metrics.logged_errors.fetch_add(1, Ordering::Relaxed);
                    if logged < MAX_LOGGED {
                        let line_no = line_number(&cfg.path, offset);
                        eprintln!(
                            "fluxtide: warning: skipped bad record in {path_text}:{line_no}: {}",
                            err.message
                        );
                    } else if logged == MAX_LOGGED {
                        eprintln!("fluxtide: warning: further bad records are counted, not logged");
                    }
                }
                ErrorMode::Dlq => {
                    let text = String::from_utf8_lossy(line);
                    let row: Row = vec![
                        Value::str(&text),
                        Value::str(&err.message),
                        Value::str(err.kind.as_str()),
                        Value::Long(wm),
                        Value::Int(1),
                        Value::str(&cfg.stream),
                    ]
                    .into_boxed_slice();
                    out.dlq.push(Rec {
                        time: wm,
                        key: source_key(cfg.rank, offset),
                        row,
                        expired: false,
                    });
                }
            }
            return Ok(());
        }
    };
    let wm = part.watermark(cfg.delay_ms);
    if cfg.event_time.is_some() && t < wm {
        out.late_n += 1;
        if cfg.route_late {
            let mut row: Vec<Value> = std::mem::take(vals);
            row.push(Value::Long(wm - t));
            out.late.push(Rec {
                time: wm,
                key: source_key(cfg.rank, offset),
                row: row.into_boxed_slice(),
                expired: false,
            });
        }
        return Ok(());
    }
    *part.max_seen = (*part.max_seen).max(t);
    // Filter pushdown: a record no consumer can accept never becomes a row.
    if let Some(pre) = &cfg.prefilter {
        if !(**pre)(&EvalCtx {
            row: vals,
            time: t,
            key_hash: 0,
        }) {
            return Ok(());
        }
    }
    let row: Row = vals.drain(..).collect();
    out.main.push(Rec {
        time: t,
        key: source_key(cfg.rank, offset),
        row,
        expired: false,
    });
    Ok(())
}

/// 1-based line number of the line starting at byte `offset` (only for messages:
/// counts newlines before it, so it is used for the few records that are logged).
fn line_number(path: &std::path::Path, offset: u64) -> u64 {
    if path.as_os_str() == "-" {
        return offset + 1;
    }
    let Ok(f) = std::fs::File::open(path) else {
        return 0;
    };
    let mut r = std::io::BufReader::with_capacity(1 << 20, f);
    let mut remaining = offset;
    let mut lines = 1u64;
    while remaining > 0 {
        let buf = match r.fill_buf() {
            Ok(b) if !b.is_empty() => b,
            _ => break,
        };
        let take = (buf.len() as u64).min(remaining) as usize;
        lines += memchr::memchr_iter(b'\n', &buf[..take]).count() as u64;
        r.consume(take);
        remaining -= take as u64;
    }
    lines
}

/// Reads standard input on its own thread (never blocking a worker), in batches of
/// lines tagged with their line index (stdin has no byte offsets to seek).
fn spawn_stdin_reader() -> Receiver<Vec<(u64, Vec<u8>)>> {
    let (tx, rx) = std::sync::mpsc::sync_channel(64);
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        let mut batch = Vec::with_capacity(1024);
        let mut n = 0u64;
        loop {
            let mut line = Vec::new();
            match lock.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    while line.last().is_some_and(|c| *c == b'\n' || *c == b'\r') {
                        line.pop();
                    }
                    batch.push((n, line));
                    n += 1;
                    if batch.len() >= 1024 && tx.send(std::mem::take(&mut batch)).is_err() {
                        return;
                    }
                }
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(batch);
        }
    });
    rx
}
