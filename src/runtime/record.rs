//! The record that flows through every dataflow edge, and its ordering key.
//!
//! timely's timestamp is the event time rounded down to a *tick* (so one timely
//! round carries thousands of events); the record keeps its exact event time.
//! A record with exact time `t` is always sent at a timely time `<= tick(t)`, so
//! once an input frontier has passed `tick(t)` every record with that tick has
//! arrived: operators buffer by `tick(time)` and process a tick's records in
//! `(time, key)` order (LANGUAGE.md §3.3).

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::value::Row;

/// Ordering key (§3.3): `[source_rank, offset]` for a source record, extended by one
/// word `(operator_id << 32) | output_index` per emitting operator. Timer-caused
/// outputs start with `0`, before every source rank (ranks are 1-based).
pub type OrdKey = SmallVec<[u64; 4]>;

pub fn source_key(rank: u32, offset: u64) -> OrdKey {
    let mut k = OrdKey::new();
    k.push(u64::from(rank));
    k.push(offset);
    k
}

/// Key of output `index` of operator `op` caused by input key `parent`.
pub fn child_key(parent: &OrdKey, op: u32, index: u32) -> OrdKey {
    let mut k = parent.clone();
    k.push((u64::from(op) << 32) | u64::from(index));
    k
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Rec {
    /// Exact event time, ms since the epoch (never negative).
    pub time: i64,
    pub key: OrdKey,
    pub row: Row,
    /// Emitted as an EXPIRED row (written with `"_expired": true`).
    pub expired: bool,
}

impl Rec {
    /// Sort order of records within a tick: `(time, key)`.
    pub fn order(&self, other: &Rec) -> std::cmp::Ordering {
        self.time
            .cmp(&other.time)
            .then_with(|| self.key.cmp(&other.key))
    }
}

/// The timely time a record of exact time `time` belongs to.
#[inline]
pub fn tick_of(time: i64, tick_ms: u64) -> u64 {
    let t = time.max(0) as u64;
    t - t % tick_ms.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_keys_sort_before_source_keys() {
        let timer: OrdKey = [0u64, 7, 0].into_iter().collect();
        assert!(timer < source_key(1, 0));
        assert!(source_key(1, 99) < source_key(2, 0));
        assert!(source_key(1, 5) < child_key(&source_key(1, 5), 3, 0));
    }

    #[test]
    fn ticks_round_down() {
        assert_eq!(tick_of(1234, 100), 1200);
        assert_eq!(tick_of(1200, 100), 1200);
        assert_eq!(tick_of(5, 1), 5);
    }
}
