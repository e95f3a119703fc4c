//! Run counters shared by the workers of one process: events read, written, late,
//! bad, per stream. Workers add per batch (never per record) to keep atomics off the
//! hot path. The end-of-run summary and the progress line read them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Default, Debug)]
pub struct StreamCounters {
    pub read: AtomicU64,
    pub late: AtomicU64,
    pub bad: AtomicU64,
    pub written: AtomicU64,
}

#[derive(Debug)]
pub struct Metrics {
    pub names: Vec<String>,
    pub streams: Vec<StreamCounters>,
    /// Number of bad-record log lines printed so far (they are capped).
    pub logged_errors: AtomicU64,
    /// Table writes dropped: duplicate primary keys, key conflicts (§2.2).
    pub table_dropped: Arc<AtomicU64>,
}

impl Metrics {
    pub fn new(names: Vec<String>) -> Arc<Metrics> {
        let streams = names.iter().map(|_| StreamCounters::default()).collect();
        Arc::new(Metrics {
            names,
            streams,
            logged_errors: AtomicU64::new(0),
            table_dropped: Arc::new(AtomicU64::new(0)),
        })
    }
    pub fn add(counter: &AtomicU64, n: u64) {
        if n > 0 {
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for s in &self.streams {
            t.read += s.read.load(Ordering::Relaxed);
            t.late += s.late.load(Ordering::Relaxed);
            t.bad += s.bad.load(Ordering::Relaxed);
            t.written += s.written.load(Ordering::Relaxed);
        }
        t
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub read: u64,
    pub written: u64,
    pub late: u64,
    pub bad: u64,
}
