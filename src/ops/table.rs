//! A table (LANGUAGE.md §2.2, §2.10) with every operation on it — INSERT, UPDATE,
//! DELETE, UPSERT, stream–table join probes (§2.8) and EXISTS tests — as **one** keyed
//! operator on [`crate::runtime::keyed`].
//!
//! **Semantics.** Each input record is one operation, applied atomically:
//! * *insert*: the row becomes a table row; with a primary key, a row whose key is
//!   already present is dropped, counted (`dropped table writes` in the run summary)
//!   and logged once per worker;
//! * *update*: every row for which the condition over `table row ++ event` holds gets
//!   the SET values, all computed from the row as it was before the update;
//! * *delete*: every such row is removed;
//! * *upsert*: every row for which ON holds over `table row ++ new row` is replaced by
//!   the new row; when none does, the new row is inserted (as an insert);
//! * *join probe*: each matching row gives one joined row (the two relations'
//!   attributes in the order the query wrote them), in the order the rows were
//!   inserted; an outer probe without a match gives one row with NULL table attributes;
//! * *exists test*: the event's row with one BOOL appended, true when a row matches.
//!
//! An update or upsert that would give a row the key of another row leaves that row
//! unchanged and is counted like a duplicate insert.
//!
//! **Visibility (§3.3; the decision this engine makes).** All operations on a table
//! go through this one operator and are applied in the global `(time, ordering key)`
//! order of the records that reach it, so a probe sees exactly the mutations whose
//! records sort before its own: every mutation at an earlier time, and at the same
//! time every mutation whose record's key is smaller — a record of an earlier-declared
//! source stream, an earlier line of the same source, or an output derived from an
//! earlier record. The ordering key of an output derived from record `k` extends `k`
//! (`k ++ (query, i)`), so a record sorts before everything derived from it: a probe
//! triggered by a source event does **not** see a row that an `INSERT INTO T SELECT …
//! FROM` the same event inserts. When a probe and a mutation are triggered by the very
//! same record (one stream read by `UPDATE … FROM S` and `… FROM S JOIN T`), the probe
//! goes first. Mutations on one record go in statement order. The rule depends only
//! on ordering keys, never on `-w`/`-n` or arrival order. To get that order each
//! record carries one extra key word, the operation's position in [`TableConfig::ops`]
//! (probes first, then mutations, each in statement order): a small number, so it
//! sorts below any word an operator appends (`op << 32`, with `op ≥ 1`), which keeps a
//! record before the outputs derived from it. The word is removed on arrival.
//!
//! **Time.** The operator holds no timers; it processes a tick once its input frontier
//! has passed it, in `(time, key)` order, and stamps each output with its probe's
//! time. Output keys are `k ++ (out_op, i)` with `out_op` naming the probing query
//! (the lowering splits the output by it).
//!
//! **Placement and state.** [`TableGroup`] per key group, serde-serialisable for
//! checkpoints: the rows by insertion number and the index from primary key to row.
//! A keyed table keeps each row in the key group of its primary key, and every
//! operation pins the key, so it is routed to the one key group that can hold its
//! rows (placement is decided by the planner: `crate::plan::TablePlan`). A global
//! table keeps everything in key group 0 on one worker. Operations that pin the key
//! find their row through the index either way; others scan the rows in insertion
//! order.
//!
//! **Cache.** `'extension' = 'cache'` with `max_size = n` keeps at most n rows: after
//! an insert that makes it n + 1, the least recently *inserted* row is evicted
//! (first in, first out; updates and upsert replacements do not refresh a row). The
//! planner runs a bounded cache as a global table, so the bound is table-wide.
//!
//! **Why a keyed timely operator and not differential arrangements.** A table looks
//! like an arranged collection and a probe like a half-join, but the semantics are per
//! event: a probe must see the table *as of its own position* in the `(time, key)`
//! order, including mutations at the same timestamp that sort before it and excluding
//! those after it; UPDATE and UPSERT are read-modify-write (SET values computed from
//! the row found, insert-or-replace decided by what is there), and duplicate keys and
//! cache eviction depend on the order of earlier inserts. A differential arrangement
//! is indexed by timestamp: all changes at one timestamp are visible together, so
//! reproducing the per-event order would need one timestamp per event and a
//! read-then-write loop through a feedback edge for every mutation. Keeping the rows
//! in the operator's own key-group state gives the order directly, costs one hash
//! lookup per pinned operation and fits the checkpoint design (state per key group).

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::expr::compile::{EvalCtx, PredFn, ValueFn};
use crate::runtime::keyed::{hash_values, stateful, Ctx, Placement, StatefulLogic, Timer};
use crate::runtime::record::{child_key, Rec};
use crate::value::{Row, Value};

use super::RecStream;

/// One operation as the operator runs it.
pub enum OpKind {
    Insert,
    Update {
        cond: PredFn,
        sets: Vec<(usize, ValueFn)>,
    },
    Delete {
        cond: PredFn,
    },
    Upsert {
        cond: PredFn,
    },
    Join {
        on: Option<PredFn>,
        table_left: bool,
        outer: bool,
        out_op: u32,
    },
    Exists {
        cond: PredFn,
        stream_arity: usize,
        out_op: u32,
    },
}

pub struct TableOpConfig {
    pub kind: OpKind,
    /// The primary key's values over the input row, in key order, when the operation
    /// pins the key.
    pub key: Option<Vec<ValueFn>>,
}

pub struct TableConfig {
    pub name: String,
    pub arity: usize,
    /// Key column indexes; empty without a primary key.
    pub primary_key: Vec<usize>,
    pub cache_max: Option<usize>,
    /// Rows and operations by key group of the key (otherwise all on one worker).
    pub keyed: bool,
    /// In tie-break order; a record's extra key word indexes this list.
    pub ops: Vec<TableOpConfig>,
    pub tick_ms: u64,
    /// Dropped duplicate-key writes (the run summary shows the total).
    pub dropped: Arc<AtomicU64>,
}

/// The rows of one key group.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TableGroup {
    /// Rows by insertion number: iteration is insertion order.
    pub rows: BTreeMap<u64, Row>,
    /// Primary key values → insertion number (tables with a key only).
    pub index: std::collections::HashMap<Row, u64, FxBuildHasher>,
    pub next: u64,
}

type Candidates = SmallVec<[u64; 4]>;

struct Logic {
    name: String,
    arity: usize,
    pk: Vec<usize>,
    cache_max: Option<usize>,
    ops: Rc<Vec<TableOpConfig>>,
    groups: FxHashMap<u32, TableGroup>,
    dropped: Arc<AtomicU64>,
    logged: bool,
    buf: Vec<Value>,
}

impl Logic {
    fn pk_of(&self, row: &[Value]) -> Row {
        self.pk
            .iter()
            .map(|&c| row.get(c).cloned().unwrap_or(Value::Null))
            .collect()
    }

    fn drop_write(&mut self, why: &str) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
        if !self.logged {
            self.logged = true;
            eprintln!(
                "fluxtide: table `{}`: {why}; the write is dropped and counted (logged once)",
                self.name
            );
        }
    }

    /// Rows an operation may touch: through the index when it pins the key (none when
    /// a key value is NULL: `=` with NULL is false), else every row in insertion order.
    fn candidates(&self, group: &TableGroup, key: Option<&Row>) -> Candidates {
        match key {
            Some(k) if !self.pk.is_empty() => {
                if k.iter().any(|v| matches!(v, Value::Null)) {
                    Candidates::new()
                } else {
                    group.index.get(k).copied().into_iter().collect()
                }
            }
            _ => group.rows.keys().copied().collect(),
        }
    }

    fn insert(&mut self, kg: u32, row: Row) {
        let key = (!self.pk.is_empty()).then(|| self.pk_of(&row));
        let group = self.groups.entry(kg).or_default();
        if let Some(k) = key {
            if group.index.contains_key(&k) {
                self.drop_write("an INSERT whose primary key is already present");
                return;
            }
            group.index.insert(k, group.next);
        }
        group.rows.insert(group.next, row);
        group.next += 1;
        if let Some(max) = self.cache_max {
            while group.rows.len() > max {
                let Some((_, old)) = group.rows.pop_first() else {
                    break;
                };
                if !self.pk.is_empty() {
                    let k: Row = self
                        .pk
                        .iter()
                        .map(|&c| old.get(c).cloned().unwrap_or(Value::Null))
                        .collect();
                    group.index.remove(&k);
                }
            }
        }
    }

    /// Replaces row `seq` in place, keeping the index in step with its key.
    fn replace(&mut self, kg: u32, seq: u64, new: Row) {
        let keys = (!self.pk.is_empty()).then(|| {
            let old = self
                .groups
                .get(&kg)
                .and_then(|g| g.rows.get(&seq))
                .map(|r| self.pk_of(r));
            (old, self.pk_of(&new))
        });
        let Some(group) = self.groups.get_mut(&kg) else {
            return;
        };
        if let Some((Some(old), new_key)) = keys {
            if old != new_key {
                if group.index.contains_key(&new_key) {
                    self.drop_write("an UPDATE or UPSERT would give a row the key of another row");
                    return;
                }
                group.index.remove(&old);
                group.index.insert(new_key, seq);
            }
        }
        group.rows.insert(seq, new);
    }

    fn remove(&mut self, kg: u32, seq: u64) {
        let Some(group) = self.groups.get_mut(&kg) else {
            return;
        };
        if let Some(old) = group.rows.remove(&seq) {
            if !self.pk.is_empty() {
                let k: Row = self
                    .pk
                    .iter()
                    .map(|&c| old.get(c).cloned().unwrap_or(Value::Null))
                    .collect();
                group.index.remove(&k);
            }
        }
    }

    /// Rows among `cands` for which `cond` holds over the row built by `build`.
    fn matching(
        &mut self,
        kg: u32,
        cands: &Candidates,
        time: i64,
        mut build: impl FnMut(&mut Vec<Value>, &[Value]),
        cond: Option<&PredFn>,
    ) -> Candidates {
        let mut out = Candidates::new();
        let Some(group) = self.groups.get(&kg) else {
            return out;
        };
        for &seq in cands {
            let Some(row) = group.rows.get(&seq) else {
                continue;
            };
            self.buf.clear();
            build(&mut self.buf, row);
            if cond.is_none_or(|c| c(&EvalCtx::new(&self.buf, time))) {
                out.push(seq);
            }
        }
        out
    }
}

impl StatefulLogic for Logic {
    fn on_record(&mut self, mut rec: Rec, ctx: &mut Ctx) {
        let Some(tag) = rec.key.pop() else { return };
        let ops = Rc::clone(&self.ops);
        let Some(op) = ops.get(tag as usize) else {
            return;
        };
        let kg = ctx.key_group();
        let time = rec.time;
        let key: Option<Row> = op.key.as_ref().map(|k| {
            let c = EvalCtx::new(&rec.row, time);
            k.iter().map(|f| f(&c)).collect()
        });
        let cands = match &op.kind {
            OpKind::Insert => Candidates::new(),
            _ => match self.groups.get(&kg) {
                Some(group) => self.candidates(group, key.as_ref()),
                None => Candidates::new(),
            },
        };
        let input = &rec.row;
        match &op.kind {
            OpKind::Insert => self.insert(kg, rec.row),
            OpKind::Update { cond, sets } => {
                let hits = self.matching(
                    kg,
                    &cands,
                    time,
                    |b, row| {
                        b.extend_from_slice(row);
                        b.extend_from_slice(input);
                    },
                    Some(cond),
                );
                for seq in hits {
                    let Some(row) = self.groups.get(&kg).and_then(|g| g.rows.get(&seq)) else {
                        continue;
                    };
                    // Every SET value is computed from the row before the update.
                    let mut before: Vec<Value> = Vec::with_capacity(row.len() + input.len());
                    before.extend_from_slice(row);
                    before.extend_from_slice(input);
                    let mut new: Vec<Value> = row.to_vec();
                    let c = EvalCtx::new(&before, time);
                    for (col, f) in sets {
                        if let Some(slot) = new.get_mut(*col) {
                            *slot = f(&c);
                        }
                    }
                    self.replace(kg, seq, new.into_boxed_slice());
                }
            }
            OpKind::Delete { cond } => {
                let hits = self.matching(
                    kg,
                    &cands,
                    time,
                    |b, row| {
                        b.extend_from_slice(row);
                        b.extend_from_slice(input);
                    },
                    Some(cond),
                );
                for seq in hits {
                    self.remove(kg, seq);
                }
            }
            OpKind::Upsert { cond } => {
                let hits = self.matching(
                    kg,
                    &cands,
                    time,
                    |b, row| {
                        b.extend_from_slice(row);
                        b.extend_from_slice(input);
                    },
                    Some(cond),
                );
                if hits.is_empty() {
                    self.insert(kg, rec.row);
                } else {
                    for seq in hits {
                        self.replace(kg, seq, rec.row.clone());
                    }
                }
            }
            OpKind::Join {
                on,
                table_left,
                outer,
                out_op,
            } => {
                let tl = *table_left;
                let build = |b: &mut Vec<Value>, row: &[Value]| {
                    if tl {
                        b.extend_from_slice(row);
                        b.extend_from_slice(input);
                    } else {
                        b.extend_from_slice(input);
                        b.extend_from_slice(row);
                    }
                };
                let hits = self.matching(kg, &cands, time, build, on.as_ref());
                let mut index = 0u32;
                if let Some(group) = self.groups.get(&kg) {
                    for seq in &hits {
                        let Some(row) = group.rows.get(seq) else {
                            continue;
                        };
                        let mut joined: Vec<Value> = Vec::with_capacity(row.len() + input.len());
                        build(&mut joined, row);
                        ctx.push(Rec {
                            time,
                            key: child_key(&rec.key, *out_op, index),
                            row: joined.into_boxed_slice(),
                            expired: rec.expired,
                        });
                        index += 1;
                    }
                }
                if index == 0 && *outer {
                    let nulls = std::iter::repeat_n(Value::Null, self.arity);
                    let joined: Row = if tl {
                        nulls.chain(input.iter().cloned()).collect()
                    } else {
                        input.iter().cloned().chain(nulls).collect()
                    };
                    ctx.push(Rec {
                        time,
                        key: child_key(&rec.key, *out_op, 0),
                        row: joined,
                        expired: rec.expired,
                    });
                }
            }
            OpKind::Exists {
                cond,
                stream_arity,
                out_op,
            } => {
                let sa = (*stream_arity).min(input.len());
                let hits = self.matching(
                    kg,
                    &cands,
                    time,
                    |b, row| {
                        b.extend_from_slice(&input[..sa]);
                        b.extend_from_slice(row);
                    },
                    Some(cond),
                );
                let row: Row = input
                    .iter()
                    .cloned()
                    .chain(std::iter::once(Value::Bool(!hits.is_empty())))
                    .collect();
                ctx.push(Rec {
                    time,
                    key: child_key(&rec.key, *out_op, 0),
                    row,
                    expired: rec.expired,
                });
            }
        }
    }

    fn on_timer(&mut self, _timer: Timer, _ctx: &mut Ctx) {
        // A table sets no timers.
    }
}

/// Builds the table operator over its tagged inputs (each record's last key word is
/// its operation's index in `cfg.ops`); returns every probe's output rows, each keyed
/// `k ++ (out_op, i)`.
pub fn table<'s>(input: RecStream<'s>, op: u32, cfg: TableConfig) -> RecStream<'s> {
    let ops = Rc::new(cfg.ops);
    let placement = if cfg.keyed {
        let route_ops = Rc::clone(&ops);
        Placement::Keyed(Box::new(move |r: &Rec| {
            let key = r
                .key
                .last()
                .and_then(|&t| route_ops.get(t as usize))
                .and_then(|o| o.key.as_ref());
            match key {
                Some(k) => {
                    let c = EvalCtx::new(&r.row, r.time);
                    let vals: SmallVec<[Value; 2]> = k.iter().map(|f| f(&c)).collect();
                    hash_values(vals.iter())
                }
                // The planner keys a table only when every operation pins the key.
                None => 0,
            }
        }))
    } else {
        Placement::Global
    };
    let logic = Logic {
        name: cfg.name.clone(),
        arity: cfg.arity,
        pk: cfg.primary_key,
        cache_max: cfg.cache_max,
        ops,
        groups: FxHashMap::default(),
        dropped: cfg.dropped,
        logged: false,
        buf: Vec::new(),
    };
    stateful(input, &cfg.name, op, cfg.tick_ms, placement, logic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::compile::{compile, compile_pred};
    use crate::expr::ir::{CmpOp, ScalarExpr};
    use crate::runtime::record::source_key;
    use timely::dataflow::operators::capture::{Capture, Event};
    use timely::dataflow::operators::ToStream;

    fn eq(l: usize, r: usize) -> ScalarExpr {
        ScalarExpr::Cmp {
            op: CmpOp::Eq,
            left: ScalarExpr::Column(l).boxed(),
            right: ScalarExpr::Column(r).boxed(),
        }
    }

    /// Table (k LONG PRIMARY KEY, v LONG); op 0: join probe with a (k) stream row,
    /// op 1: insert. Same-time records: the probe sees only inserts whose keys sort
    /// before its own.
    fn run(workers: usize, keyed: bool) -> Vec<(i64, Vec<u64>, Vec<Option<i64>>)> {
        let (tx, rx) = std::sync::mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        let config = if workers == 1 {
            timely::Config::thread()
        } else {
            timely::Config::process(workers)
        };
        timely::execute(config, move |worker| {
            let tx = tx.lock().map(|t| t.clone()).expect("sender");
            let index = worker.index();
            worker.dataflow::<u64, _, _>(|scope| {
                let mut data = Vec::new();
                if index == 0 {
                    let mut line = 0u64;
                    for t in 0..20i64 {
                        // An insert from source rank 1 and a probe from rank 2 at each
                        // time; a probe from rank 1 one line before the insert.
                        let k = t % 5;
                        let mut probe_before = source_key(1, line);
                        probe_before.push(0);
                        data.push(Rec {
                            time: t * 10,
                            key: probe_before,
                            row: vec![Value::Long(k)].into(),
                            expired: false,
                        });
                        let mut ins = source_key(1, line + 1);
                        ins.push(1);
                        data.push(Rec {
                            time: t * 10,
                            key: ins,
                            row: vec![Value::Long(k), Value::Long(t)].into(),
                            expired: false,
                        });
                        let mut probe_after = source_key(2, line);
                        probe_after.push(0);
                        data.push(Rec {
                            time: t * 10,
                            key: probe_after,
                            row: vec![Value::Long(k)].into(),
                            expired: false,
                        });
                        line += 2;
                    }
                }
                let stream = data.to_stream(scope).container::<Vec<Rec>>();
                let cfg = TableConfig {
                    name: "T".into(),
                    arity: 2,
                    primary_key: vec![0],
                    cache_max: None,
                    keyed,
                    ops: vec![
                        TableOpConfig {
                            kind: OpKind::Join {
                                on: Some(compile_pred(&eq(0, 1))),
                                table_left: false,
                                outer: true,
                                out_op: 9,
                            },
                            key: Some(vec![compile(&ScalarExpr::Column(0))]),
                        },
                        TableOpConfig {
                            kind: OpKind::Insert,
                            key: Some(vec![compile(&ScalarExpr::Column(0))]),
                        },
                    ],
                    tick_ms: 25,
                    dropped: Arc::new(AtomicU64::new(0)),
                };
                table(stream, 4, cfg).capture_into(tx);
            });
        })
        .expect("timely runs");
        let mut out: Vec<(i64, Vec<u64>, Vec<Option<i64>>)> = rx
            .try_iter()
            .filter_map(|e| match e {
                Event::Messages(_, recs) => Some(recs),
                Event::Progress(_) => None,
            })
            .flatten()
            .map(|r| {
                (
                    r.time,
                    r.key.to_vec(),
                    r.row.iter().map(Value::as_i64).collect(),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn same_time_probes_see_earlier_keys_only_and_duplicates_are_dropped() {
        let one = run(1, true);
        // 40 probes, each one row (a match or the NULL-padded miss).
        assert_eq!(one.len(), 40);
        for (time, key, row) in &one {
            let t = time / 10;
            let k = t % 5;
            // Keys 0..4 are inserted at t = 0..4 (later inserts are duplicates): the
            // rank-1 probe sees the row only from t = 5 on, the rank-2 probe from t.
            let expect = if key[0] == 1 {
                (t >= 5).then_some(k)
            } else {
                Some(k)
            };
            assert_eq!(row[1], expect, "probe at {time} key {key:?}");
            // The table's v is the first insert's time (duplicates dropped).
            assert_eq!(row[2], expect, "probe at {time} key {key:?}");
        }
        assert_eq!(one, run(2, true));
        assert_eq!(one, run(2, false));
    }
}
