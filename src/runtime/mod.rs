//! Runs a lowered plan on timely workers and processes: configuration (`-w -n -p
//! -h`), the per-process abort slot, the progress line and the end-of-run summary.
//! Owns the record type and ordering keys ([`record`]) and run counters
//! ([`metrics`]). May import timely, plan, ops, connectors and lower.

pub mod api_source;
pub mod keyed;
pub mod metrics;
pub mod record;

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::connectors::file_sink::OutputEvent;
use crate::plan::Plan;
use crate::value::Value;

use metrics::{Metrics, Totals};

/// The first fatal error of a run (bad record under `'fail'`, I/O error); every source
/// checks it and stops, so the dataflow drains and the run ends with exit code 1.
#[derive(Default, Debug)]
pub struct Abort {
    flag: AtomicBool,
    message: Mutex<Option<String>>,
}

impl Abort {
    pub fn fail(&self, msg: String) {
        if let Ok(mut g) = self.message.lock() {
            if g.is_none() {
                *g = Some(msg);
            }
        }
        self.flag.store(true, Ordering::Release);
    }
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }
    pub fn message(&self) -> Option<String> {
        self.message.lock().ok().and_then(|g| g.clone())
    }
}

/// How to run: timely's workers and processes plus fluxtide's own knobs.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Worker threads per process (`-w`).
    pub workers: usize,
    /// Number of processes (`-n`); 1 means no networking.
    pub processes: usize,
    /// This process's index (`-p`).
    pub process: usize,
    /// `host:port` of every process (from the `-h` hostfile).
    pub addresses: Vec<String>,
    /// Width of a timely round in event-time milliseconds.
    pub tick_ms: u64,
    /// Byte size of file chunks (partitions); fixed so results never depend on `-w`.
    pub chunk_size: u64,
    /// `--rate`: events per second over all sources of this run.
    pub rate: Option<f64>,
    /// Print a progress line on stderr (only when it is a terminal).
    pub progress: bool,
}

impl Default for RunConfig {
    fn default() -> RunConfig {
        RunConfig {
            workers: 1,
            processes: 1,
            process: 0,
            addresses: Vec::new(),
            tick_ms: 100,
            chunk_size: 4 << 20,
            rate: None,
            progress: false,
        }
    }
}

impl RunConfig {
    pub fn timely_config(&self) -> timely::Config {
        let communication = if self.processes > 1 {
            timely::CommunicationConfig::Cluster {
                threads: self.workers,
                process: self.process,
                addresses: self.addresses.clone(),
                report: false,
                zerocopy: false,
            }
        } else if self.workers > 1 {
            timely::CommunicationConfig::Process(self.workers)
        } else {
            timely::CommunicationConfig::Thread
        };
        timely::Config {
            communication,
            worker: timely::WorkerConfig::default(),
        }
    }
    pub fn total_workers(&self) -> usize {
        self.workers.max(1) * self.processes.max(1)
    }
}

/// An event pushed by the host into a stream (library API).
#[derive(Clone, Debug)]
pub struct InputEvent {
    /// Explicit event time; `None` takes it from `'event.time'` or ingestion time.
    pub time: Option<i64>,
    pub row: Vec<Value>,
}

/// Channels between the host and the dataflow (library API).
#[derive(Default)]
pub struct HostIo {
    /// Per stream id: the receiving end of the host's input channel (taken by worker 0).
    pub inputs: Vec<(usize, Mutex<Option<Receiver<InputEvent>>>)>,
    /// Per stream id: where the host receives that stream's rows.
    pub outputs: Vec<(usize, Sender<OutputEvent>)>,
}

#[derive(Clone, Debug)]
pub struct RunSummary {
    pub totals: Totals,
    pub per_stream: Vec<(String, Totals)>,
    /// Table writes dropped for a duplicate or conflicting primary key.
    pub table_dropped: u64,
    pub elapsed: Duration,
}

impl RunSummary {
    pub fn line(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let dropped = if self.table_dropped > 0 {
            format!(", dropped table writes {}", self.table_dropped)
        } else {
            String::new()
        };
        format!(
            "fluxtide: read {} events, wrote {}, late {}, bad {}{dropped} in {:.3} s ({:.0} events/s)",
            self.totals.read,
            self.totals.written,
            self.totals.late,
            self.totals.bad,
            secs,
            self.totals.read as f64 / secs
        )
    }
}

#[derive(Debug)]
pub enum RunError {
    /// Could not start (bad configuration, network); exit code 2.
    Setup(String),
    /// Failed while running; exit code 1.
    Runtime(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Setup(m) | RunError::Runtime(m) => f.write_str(m),
        }
    }
}

/// Runs `plan` to completion (bounded inputs) on this process's workers.
pub fn run(plan: Arc<Plan>, cfg: RunConfig, host: HostIo) -> Result<RunSummary, RunError> {
    let metrics = Metrics::new(plan.streams.iter().map(|s| s.name.clone()).collect());
    let abort = Arc::new(Abort::default());
    let host = Arc::new(host);
    let started = Instant::now();
    let done = Arc::new(AtomicBool::new(false));
    let progress = if cfg.progress && std::io::stderr().is_terminal() {
        Some(spawn_progress(
            Arc::clone(&metrics),
            Arc::clone(&done),
            started,
        ))
    } else {
        None
    };
    let (m, a, p, c) = (
        Arc::clone(&metrics),
        Arc::clone(&abort),
        Arc::clone(&plan),
        cfg.clone(),
    );
    let guards = timely::execute(cfg.timely_config(), move |worker| {
        crate::lower::build(worker, &p, &c, &m, &a, &host);
    })
    .map_err(|e| RunError::Setup(format!("cannot start workers: {e}")))?;
    let results = guards.join();
    done.store(true, Ordering::Release);
    if let Some(h) = progress {
        let _ = h.join();
    }
    for r in results {
        if let Err(e) = r {
            return Err(RunError::Runtime(format!("a worker failed: {e}")));
        }
    }
    if let Some(msg) = abort.message() {
        return Err(RunError::Runtime(msg));
    }
    let per_stream = metrics
        .names
        .iter()
        .zip(&metrics.streams)
        .map(|(n, s)| {
            (
                n.clone(),
                Totals {
                    read: s.read.load(Ordering::Relaxed),
                    written: s.written.load(Ordering::Relaxed),
                    late: s.late.load(Ordering::Relaxed),
                    bad: s.bad.load(Ordering::Relaxed),
                },
            )
        })
        .collect();
    Ok(RunSummary {
        totals: metrics.totals(),
        per_stream,
        table_dropped: metrics.table_dropped.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    })
}

fn spawn_progress(
    metrics: Arc<Metrics>,
    done: Arc<AtomicBool>,
    started: Instant,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut last = (Instant::now(), 0u64);
        while !done.load(Ordering::Acquire) {
            std::thread::sleep(Duration::from_millis(500));
            let t = metrics.totals();
            let now = Instant::now();
            let rate =
                (t.read - last.1) as f64 / now.duration_since(last.0).as_secs_f64().max(1e-9);
            last = (now, t.read);
            eprint!(
                "\r\x1b[2Kfluxtide: {:.1}s  in {}  out {}  late {}  bad {}  {:.0} events/s",
                started.elapsed().as_secs_f64(),
                t.read,
                t.written,
                t.late,
                t.bad,
                rate
            );
        }
        eprint!("\r\x1b[2K");
    })
}
