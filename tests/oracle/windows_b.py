#!/usr/bin/env python3
"""Independent oracle for the golden cases `tests/run/x_*` (session, sort, unique,
firstUnique, delay, expression, expressionBatch, frequent, lossyFrequent, cron, timeLength
windows, and output rate limiting).

It is written from /work/shared/LANGUAGE.md (§2.4.6-2.4.8, §2.5, §2.6, §3.2-3.3, §3.7), not
from the engine. For every case it (re)writes `app.sql`, the input file and
`expected/<Stream>.jsonl`. Each query is simulated on its own, single-threaded, in event
time: at each time tau the window's timers due at tau fire first (in creation order), then
the events stamped tau in file order; a chunk goes through the selector (§2.4.8) and then
the rate limiter (§2.4.7). Every query writes its own output stream, so rows of a stream
are in (time, cause) order by construction; the script asserts they are sorted by `_ts`.
The cases avoid the corners the spec leaves open; see tests/run_pending/README_b.md.

Usage: python3 tests/oracle/windows_b.py [--check] [case-name ...]   (python3 stdlib only)
  without --check it (re)writes the case files; with --check it only compares them.
"""
import json
import math
import os
import sys
from fractions import Fraction

from casefiles import sync

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "run"))

DDL_SUFFIX = ("WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', "
              "'format' = 'json', 'event.time' = 'ts');")


class Ev:
    """An input event: attributes `d`, event time `ts`, file line `line`."""

    def __init__(self, d, line):
        self.d = d
        self.ts = d["ts"]
        self.line = line

    def __getitem__(self, k):
        return self.d[k]

    def __repr__(self):
        return "Ev(%r)" % (self.d,)


class Chunk:
    """What a window emits for one input or one timer: items are (kind, event), kind in C/E/R."""

    def __init__(self, time, items, batch=False):
        self.time = time
        self.items = items
        self.batch = batch


# ---------------------------------------------------------------- aggregates
# G is the list of events currently aggregated for the row's group, in add order.

def vals(G, a):
    return [e[a] for e in G if e[a] is not None]


def count(G):
    return len(G)


def count_x(G, a):
    return len(vals(G, a))


def sum_(G, a):
    xs = vals(G, a)
    if not xs:
        return None
    if all(isinstance(x, int) for x in xs):
        return sum(xs)
    return math.fsum(float(x) for x in xs)   # exact sum, correctly rounded


def avg(G, a):
    xs = vals(G, a)
    if not xs:
        return None
    return float(sum(Fraction(x) for x in xs) / len(xs))


def min_(G, a):
    xs = vals(G, a)
    return min(xs) if xs else None


def max_(G, a):
    xs = vals(G, a)
    return max(xs) if xs else None


def last(G, a):
    return G[-1][a] if G else None


# ---------------------------------------------------------------- windows

class NoWindow:
    """No window: every event passes as CURRENT and is never removed."""

    def on_event(self, e):
        return [Chunk(e.ts, [("C", e)])]

    def next_timer(self):
        return None

    def fire(self, tau):
        return []

    def contents(self):
        raise NotImplementedError


class Length:
    def __init__(self, n):
        self.n, self.held = n, []

    def on_event(self, e):
        items = []
        self.held.append(e)
        if len(self.held) > self.n:
            items.append(("E", self.held.pop(0)))
        items.append(("C", e))
        return [Chunk(e.ts, items)]

    def next_timer(self):
        return None

    def fire(self, tau):
        return []

    def contents(self):
        return list(self.held)


class Session:
    """session(gap[, key][, latency]): an event with ts < last + gap extends the key's open
    session, otherwise it opens a new one; a session closes (EXPIRED batch-flush chunk of all
    its events) at last + gap + latency."""

    def __init__(self, gap, key=None, latency=0):
        self.gap, self.key, self.lat = gap, key, latency
        self.sessions = []   # dicts: k, events, last

    def on_event(self, e):
        k = e[self.key] if self.key else None
        live = [s for s in self.sessions if s["k"] == k and e.ts < s["last"] + self.gap]
        assert len(live) <= 1
        if live:
            s = live[0]
            s["events"].append(e)
            s["last"] = e.ts
        else:
            self.sessions.append({"k": k, "events": [e], "last": e.ts})
        return [Chunk(e.ts, [("C", e)])]

    def close_time(self, s):
        return s["last"] + self.gap + self.lat

    def next_timer(self):
        ts = [self.close_time(s) for s in self.sessions]
        return min(ts) if ts else None

    def fire(self, tau):
        due = [s for s in self.sessions if self.close_time(s) == tau]
        # same-time closes of several sessions: ordered by each session's first event
        due.sort(key=lambda s: (s["events"][0].ts, s["events"][0].line))
        self.sessions = [s for s in self.sessions if self.close_time(s) != tau]
        return [Chunk(tau, [("E", e) for e in s["events"]], batch=True) for s in due]


def _ci(v):
    return v.lower() if isinstance(v, str) else v


class Sort:
    """sort(n, a1 [, ord1], ...): keeps the n best-ranked; NULLs last; strings compared
    case-insensitively; ties by arrival (earlier ranks first)."""

    def __init__(self, n, keys):
        self.n, self.keys, self.held, self.seq = n, keys, [], 0

    def rank(self, pair):
        seq, e = pair
        parts = []
        for a, order in self.keys:
            v = e[a]
            if v is None:
                parts.append((1, 0))
            else:
                v = _ci(v)
                if order == "desc":
                    if isinstance(v, str):
                        raise ValueError("desc string keys not used")
                    v = -v
                parts.append((0, v))
        return (tuple(parts), seq)

    def on_event(self, e):
        self.seq += 1
        self.held.append((self.seq, e))
        if len(self.held) <= self.n:
            return [Chunk(e.ts, [("C", e)])]
        worst = max(self.held, key=self.rank)
        self.held.remove(worst)
        if worst[1] is e:
            return [Chunk(e.ts, [("C", e), ("E", e)])]
        return [Chunk(e.ts, [("E", worst[1]), ("C", e)])]

    def next_timer(self):
        return None

    def fire(self, tau):
        return []


class Unique:
    def __init__(self, key):
        self.key, self.held = key, {}

    def on_event(self, e):
        k = e[self.key]
        items = []
        if k in self.held:
            items.append(("E", self.held[k]))
        self.held[k] = e
        items.append(("C", e))
        return [Chunk(e.ts, items)]

    def next_timer(self):
        return None

    def fire(self, tau):
        return []


class FirstUnique:
    def __init__(self, key):
        self.key, self.seen = key, set()

    def on_event(self, e):
        k = e[self.key]
        if k in self.seen:
            return []
        self.seen.add(k)
        return [Chunk(e.ts, [("C", e)])]

    def next_timer(self):
        return None

    def fire(self, tau):
        return []


class Delay:
    """delay(t): nothing on arrival; released as CURRENT at ts + t; never expired."""

    def __init__(self, t):
        self.t, self.held = t, []

    def on_event(self, e):
        self.held.append(e)
        return []

    def next_timer(self):
        return min(e.ts + self.t for e in self.held) if self.held else None

    def fire(self, tau):
        due = [e for e in self.held if e.ts + self.t == tau]
        self.held = [e for e in self.held if e.ts + self.t != tau]
        return [Chunk(tau, [("C", e) for e in due])]


def count_limit(expr):
    """'count() <= N' -> N, 'count() < N' -> N - 1 (the largest count that satisfies it)."""
    s = expr.replace(" ", "")
    if s.startswith("count()<="):
        return int(s[len("count()<="):])
    if s.startswith("count()<"):
        return int(s[len("count()<"):]) - 1
    raise ValueError(expr)


class Expression:
    """expression('count() <= N'): expire oldest until the expression holds (including the
    arrival); EXPIRED stamped with the arrival time, before its CURRENT."""

    def __init__(self, expr):
        self.lim, self.held = count_limit(expr), []
        assert self.lim >= 1

    def on_event(self, e):
        self.held.append(e)
        items = []
        while len(self.held) > self.lim:
            items.append(("E", self.held.pop(0)))
        items.append(("C", e))
        return [Chunk(e.ts, items)]

    def next_timer(self):
        return None

    def fire(self, tau):
        return []


class ExpressionBatch:
    """expressionBatch('count() <= N') with includeTrigger = streamCurrent = false: the batch
    collects events while the expression holds including the new event; an arrival that
    would make it false flushes the batch (EXPIRED previous batch, RESET, CURRENT batch)
    stamped with the arrival's time and starts the next batch. A pending batch is never
    emitted at end of input (count-based, like lengthBatch, §3.7)."""

    def __init__(self, expr):
        self.lim, self.batch, self.prev = count_limit(expr), [], []
        assert self.lim >= 1

    def on_event(self, e):
        if len(self.batch) + 1 <= self.lim:
            self.batch.append(e)
            return []
        items = [("E", x) for x in self.prev] + [("R", None)] + [("C", x) for x in self.batch]
        self.prev, self.batch = self.batch, [e]
        return [Chunk(e.ts, items, batch=True)]

    def next_timer(self):
        return None

    def fire(self, tau):
        return []


class Frequent:
    """frequent(n, key): Misra-Gries with n counters (Siddhi FrequentWindowProcessor). A
    tracked key's arrival increments its counter (CURRENT). A new key takes a free counter;
    if none is free all counters are decremented, keys reaching 0 are evicted (their stored
    event EXPIRED, stamped with the arrival time, before the arrival) and the new key takes a
    freed counter, else the arrival is dropped. The cases keep evictions to one key at a time
    and evict only keys that hold a single event."""

    def __init__(self, n, key):
        self.n, self.key = n, key
        self.count, self.stored = {}, {}   # insertion-ordered dicts
        self.nev = {}                        # events seen since the key became tracked

    def on_event(self, e):
        k = e[self.key]
        if k in self.count:
            self.count[k] += 1
            self.stored[k] = e
            self.nev[k] += 1
            return [Chunk(e.ts, [("C", e)])]
        if len(self.count) < self.n:
            self.count[k] = 1
            self.stored[k] = e
            self.nev[k] = 1
            return [Chunk(e.ts, [("C", e)])]
        items = []
        for kk in list(self.count):
            self.count[kk] -= 1
            if self.count[kk] == 0:
                del self.count[kk]
                items.append(("E", self.stored.pop(kk)))
        assert len(items) <= 1, "ambiguous: several keys evicted at once"
        for _, x in items:
            assert self.nev.pop(x[self.key]) == 1, "evicted key held several events"
        if not items:
            return []
        self.count[k] = 1
        self.stored[k] = e
        self.nev[k] = 1
        items.append(("C", e))
        return [Chunk(e.ts, items)]

    def next_timer(self):
        return None

    def fire(self, tau):
        return []


class LossyFrequent:
    """lossyFrequent(support, error, key): Lossy Counting as in Siddhi: an arrival is
    CURRENT iff its key's count >= (support - error) * N. The cases stay below one bucket
    width (ceil(1/error) events), so no key is ever pruned (pruning's EXPIRED rule is not
    pinned down by the spec)."""

    def __init__(self, support, error, key):
        self.s, self.err, self.key = support, error, key
        self.width = math.ceil(1 / error)
        self.n, self.count = 0, {}

    def on_event(self, e):
        self.n += 1
        assert self.n < self.width, "case would reach a pruning boundary"
        k = e[self.key]
        self.count[k] = self.count.get(k, 0) + 1
        if self.count[k] >= (self.s - self.err) * self.n:
            return [Chunk(e.ts, [("C", e)])]
        return []

    def next_timer(self):
        return None

    def fire(self, tau):
        return []


def _cron_field(spec, lo, hi):
    out = set()
    for part in spec.split(","):
        step = 1
        if "/" in part:
            part, st = part.split("/")
            step = int(st)
        if part in ("*", "?"):
            a, b = lo, hi
        elif "-" in part:
            a, b = map(int, part.split("-"))
        else:
            a = int(part)
            b = hi if step != 1 else a
        out.update(range(a, b + 1, step))
    return out


class Cron:
    """cron('s m h dom mon dow'), UTC, event time: CURRENT on arrival; at each tick the held
    events are flushed as an EXPIRED batch-flush chunk with RESET, stamped with the tick.
    Only second/minute/hour fields other than '*' are supported (cases use small times)."""

    def __init__(self, expr):
        f = expr.split()
        assert len(f) == 6 and f[3:] in (["*", "*", "*"], ["*", "*", "?"])
        self.sec = _cron_field(f[0], 0, 59)
        self.min = _cron_field(f[1], 0, 59)
        self.hour = _cron_field(f[2], 0, 23)
        self.held = []

    def is_tick(self, ms):
        if ms % 1000:
            return False
        s = ms // 1000
        return (s % 60) in self.sec and (s // 60 % 60) in self.min and (s // 3600 % 24) in self.hour

    def next_tick(self, t):
        ms = (t // 1000 + 1) * 1000          # smallest whole second > t
        while not self.is_tick(ms):
            ms += 1000
        return ms

    def on_event(self, e):
        self.held.append(e)
        return [Chunk(e.ts, [("C", e)])]

    def next_timer(self):
        return self.next_tick(self.held[0].ts) if self.held else None

    def fire(self, tau):
        items = [("E", e) for e in self.held] + [("R", None)]
        self.held = []
        return [Chunk(tau, items, batch=True)]


class TimeLength:
    """timeLength(t, n): EXPIRED at ts + t (timer), or at the arrival that makes more than n."""

    def __init__(self, t, n):
        self.t, self.n, self.held = t, n, []

    def on_event(self, e):
        self.held.append(e)
        items = []
        if len(self.held) > self.n:
            items.append(("E", self.held.pop(0)))
        items.append(("C", e))
        return [Chunk(e.ts, items)]

    def next_timer(self):
        return min(e.ts + self.t for e in self.held) if self.held else None

    def fire(self, tau):
        due = [e for e in self.held if e.ts + self.t == tau]
        self.held = [e for e in self.held if e.ts + self.t != tau]
        return [Chunk(tau, [("E", e) for e in due])]


# ---------------------------------------------------------------- selector (§2.4.8)

class Selector:
    """cols: list of (name, fn(e, G)); aggs: whether the select list has aggregates;
    group: list of attribute names or None; kind: current/expired/all."""

    def __init__(self, cols, aggs, group=None, kind="current", having=None):
        self.cols, self.aggs, self.group, self.kind, self.having = cols, aggs, group, kind, having
        self.groups = {}

    def gkey(self, e):
        return tuple(e[a] for a in self.group) if self.group else ()

    def wanted(self, k):
        return self.kind == "all" or (self.kind == "current" and k == "C") or (
            self.kind == "expired" and k == "E")

    def process(self, chunk):
        kept = []   # (gkey, row, kind)
        for k, e in chunk.items:
            if k == "R":
                self.groups = {}
                continue
            g = self.gkey(e)
            G = self.groups.setdefault(g, [])
            if k == "C":
                G.append(e)
            else:
                idx = next(i for i, x in enumerate(G) if x is e)
                G.pop(idx)
            row = {n: f(e, G) for n, f in self.cols}
            if self.wanted(k) and (self.having is None or self.having(row)):
                kept.append((g, row, k))
        if chunk.batch and self.aggs:
            lastrow, order = {}, []
            for g, row, k in kept:
                if g not in lastrow:
                    order.append(g)
                lastrow[g] = (g, row, k)
            kept = [lastrow[g] for g in order]
        return kept

    def group_rows(self, g):
        return self.groups.get(g, [])


# ---------------------------------------------------------------- rate limiters (§2.4.7)
# Each limiter gets the kept rows of a chunk with the chunk's time and returns output rows
# (row, kind, ts). Timers: next_timer(exhausted) / fire(tau); end() flushes at end of input.

class NoLimit:
    def on_rows(self, rows, tau):
        return [(r, k, tau) for g, r, k in rows]

    def next_timer(self, exhausted):
        return None

    def fire(self, tau):
        return []

    def end(self):
        return []


class EveryEvents:
    """OUTPUT ALL|FIRST|LAST EVERY n EVENTS (counts rows). LAST with GROUP BY: at every n-th
    row, the last row of each group seen in the period (groups by first appearance)."""

    def __init__(self, mode, n, grouped=False):
        self.mode, self.n, self.grouped = mode, n, grouped
        self.buf, self.cnt, self.last_ts = [], 0, None

    def on_rows(self, rows, tau):
        out = []
        for g, r, k in rows:
            self.cnt += 1
            self.last_ts = tau
            if self.mode == "all":
                self.buf.append((g, r, k))
            elif self.mode == "first":
                assert not self.grouped
                if self.cnt == 1:
                    out.append((r, k, tau))
            else:
                self.buf.append((g, r, k))
            if self.cnt == self.n:
                out += self.flush(tau)
        return out

    def flush(self, tau):
        if self.mode == "all":
            res = [(r, k, tau) for g, r, k in self.buf]
        elif self.mode == "last":
            if self.grouped:
                lastrow, order = {}, []
                for g, r, k in self.buf:
                    if g not in lastrow:
                        order.append(g)
                    lastrow[g] = (r, k)
                res = [lastrow[g] + (tau,) for g in order]
            else:
                res = [(self.buf[-1][1], self.buf[-1][2], tau)] if self.buf else []
        else:
            res = []
        self.buf, self.cnt = [], 0
        return res

    def next_timer(self, exhausted):
        return None

    def fire(self, tau):
        return []

    def end(self):
        # partial buffer flushed, stamped with the time of its last row
        if self.grouped and self.buf:
            raise AssertionError("grouped partial flush not used (stamp ambiguous)")
        return self.flush(self.last_ts) if self.buf else []


class EveryTime:
    """OUTPUT ALL|FIRST|LAST EVERY d, event time, ticks at multiples of d. A row at time r
    belongs to period r // d; ALL/LAST emit at the tick (r // d + 1) * d, stamped with the
    tick; FIRST emits the first row of each period (per group) immediately."""

    def __init__(self, mode, d, grouped=False):
        self.mode, self.d, self.grouped = mode, d, grouped
        self.buf, self.seen = [], set()

    def on_rows(self, rows, tau):
        out = []
        for g, r, k in rows:
            if self.mode == "first":
                p = (tau // self.d, g if self.grouped else ())
                if p not in self.seen:
                    self.seen.add(p)
                    out.append((r, k, tau))
            else:
                self.buf.append((g, r, k, tau))
        return out

    def next_timer(self, exhausted):
        if not self.buf:
            return None
        return (self.buf[0][3] // self.d + 1) * self.d

    def fire(self, tau):
        due = [x for x in self.buf if (x[3] // self.d + 1) * self.d == tau]
        self.buf = [x for x in self.buf if (x[3] // self.d + 1) * self.d != tau]
        if self.mode == "all":
            return [(r, k, tau) for g, r, k, t in due]
        lastrow, order = {}, []
        for g, r, k, t in due:
            gg = g if self.grouped else ()
            if gg not in lastrow:
                order.append(gg)
            lastrow[gg] = (r, k)
        return [lastrow[g] + (tau,) for g in order]

    def end(self):
        return []


class Snapshot:
    """OUTPUT SNAPSHOT EVERY d on event-time ticks at multiples of d, emitted only while the
    query holds state; after the input ends, one final tick. With a window: one row per event
    in the window (window order) with the current aggregates; without a window: the last
    output row per group (groups by first appearance). Rows are CURRENT, stamped with the tick."""

    def __init__(self, d, query):
        self.d, self.q = d, query
        self.last = {}          # group -> row (no window)
        self.first_t = None
        self.next_tick = None
        self.final_done = False

    def on_rows(self, rows, tau):
        for g, r, k in rows:
            if k == "C":
                self.last[g] = r
        if self.first_t is None and rows:
            self.first_t = tau
            self.next_tick = (tau // self.d + 1) * self.d
        return []

    def has_state(self):
        if self.q.window_kind == "none":
            return bool(self.last)
        return bool(self.q.window.contents())

    def next_timer(self, exhausted):
        if self.next_tick is None or self.final_done:
            return None
        return self.next_tick

    def fire(self, tau, exhausted=False):
        self.next_tick = tau + self.d
        if exhausted:
            self.final_done = True
        if not self.has_state():
            return []
        if self.q.window_kind == "none":
            return [(r, "C", tau) for r in self.last.values()]
        sel = self.q.selector
        out = []
        for e in self.q.window.contents():
            G = sel.group_rows(sel.gkey(e))
            out.append(({n: f(e, G) for n, f in sel.cols}, "C", tau))
        return out

    def end(self):
        return []


# ---------------------------------------------------------------- query driver

class Query:
    def __init__(self, target, sql, window, selector, limiter=None, window_kind=None):
        self.target, self.sql, self.window, self.selector = target, sql, window or NoWindow(), selector
        self.window_kind = window_kind or ("none" if window is None else "window")
        self.limiter = limiter(self) if callable(limiter) and not isinstance(limiter, type) else (limiter or NoLimit())

    def run(self, events):
        out = []   # (row, kind, ts)

        def push(chunks):
            for ch in chunks:
                rows = self.selector.process(ch)
                out.extend(self.limiter.on_rows(rows, ch.time))

        i, n = 0, len(events)
        while True:
            exhausted = i >= n
            cands = [t for t in (self.window.next_timer(), self.limiter.next_timer(exhausted)) if t is not None]
            if not exhausted:
                cands.append(events[i].ts)
            if not cands:
                break
            tau = min(cands)
            # window timers due at tau
            wfired = False
            while self.window.next_timer() == tau:
                push(self.window.fire(tau))
                wfired = True
            if self.limiter.next_timer(exhausted) == tau:
                assert not wfired, "window timer and rate-limit tick coincide (ambiguous)"
                if isinstance(self.limiter, Snapshot):
                    if exhausted and self.window.next_timer() is not None:
                        raise AssertionError("snapshot with pending one-shot timers not used")
                    out.extend(self.limiter.fire(tau, exhausted))
                else:
                    out.extend(self.limiter.fire(tau))
            while i < n and events[i].ts == tau:
                push(self.window.on_event(events[i]))
                i += 1
        out.extend(self.limiter.end())
        ts = [t for _, _, t in out]
        assert ts == sorted(ts), (self.target, ts)
        return out


def fmt(v):
    if isinstance(v, float):
        r = repr(v)
        assert "e" not in r and "inf" not in r and "nan" not in r, r
        return r
    return json.dumps(v, ensure_ascii=False)


def line(row, kind, ts):
    parts = ['"%s":%s' % (k, fmt(v)) for k, v in row.items()]
    parts.append('"_ts":%d' % ts)
    if kind == "E":
        parts.append('"_expired":true')
    return "{" + ",".join(parts) + "}"


# ---------------------------------------------------------------- case helpers

def col(a):
    return (a, lambda e, G: e[a])


def agg(name, fn, *args):
    return (name, lambda e, G: fn(G, *args))


SCHEMAS = {
    "sv": ("sym STRING, v INT, ts BIGINT", ["sym", "v", "ts"]),
    "isv": ("id INT, sym STRING, v INT, ts BIGINT", ["id", "sym", "v", "ts"]),
    "iv": ("id INT, v INT, ts BIGINT", ["id", "v", "ts"]),
    "in": ("id INT, name STRING, ts BIGINT", ["id", "name", "ts"]),
}


def sv(*triples):
    return [{"sym": s, "v": v, "ts": t} for s, v, t in triples]


CASES = []


def case(name, comment, schema, rows, queries):
    CASES.append((name, comment, schema, rows, queries))


def Q(target, sql, window, cols, aggs=False, group=None, kind="current", limiter=None,
      window_kind=None):
    return lambda: Query(target, sql, window() if window else None,
                         Selector(cols, aggs, group, kind), limiter, window_kind)


MS = " MILLISECONDS"

# ================================================================ session

case("x_session_global",
     ["session with a gap only: one global session for all syms; an event exactly at",
      "last + gap opens a new session; the close emits the session's events as EXPIRED",
      "at last + gap; end of input closes the open session"],
     "sv",
     sv(("a", 1, 0), ("b", 2, 50), ("a", 3, 120), ("b", 4, 300), ("a", 5, 399), ("b", 6, 499),
        ("a", 7, 550)),
     [Q("Rows", "INSERT ALL EVENTS INTO Rows SELECT sym, v FROM S WINDOW('session', 100 MILLISECONDS);",
        lambda: Session(100), [col("sym"), col("v")], kind="all"),
      Q("Counts", "INSERT INTO Counts SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('session', 100 MILLISECONDS);",
        lambda: Session(100), [col("sym"), agg("n", count), agg("total", sum_, "v")], aggs=True)])

case("x_session_keyed_close",
     ["session per key (sym): each key's session closes at its own last + gap, stamped",
      "with the close time; EXPIRED rows only; end of input closes the open sessions"],
     "sv",
     sv(("a", 1, 0), ("b", 2, 30), ("a", 3, 90), ("b", 4, 140), ("a", 5, 189), ("a", 6, 290),
        ("b", 7, 300)),
     [Q("Closed", "INSERT EXPIRED EVENTS INTO Closed SELECT sym, v FROM S WINDOW('session', 100 MILLISECONDS, sym);",
        lambda: Session(100, "sym"), [col("sym"), col("v")], kind="expired")])

case("x_session_groupby",
     ["session per key with GROUP BY the key: running count/sum per session per key;",
      "a's event exactly at last + gap starts a fresh session; NULL v is skipped by sum"],
     "sv",
     sv(("a", 1, 0), ("b", 10, 20), ("a", 2, 60), ("b", None, 110), ("a", 3, 160), ("b", 30, 200),
        ("a", 4, 230), ("b", 40, 330)),
     [Q("Out", "INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('session', 100 MILLISECONDS, sym) GROUP BY sym;",
        lambda: Session(100, "sym"),
        [col("sym"), agg("n", count), agg("total", sum_, "v")], aggs=True, group=["sym"])])

case("x_session_close_agg",
     ["ALL EVENTS with aggregates over a keyed session: the close is a batch flush, so it",
      "gives one EXPIRED row per group, evaluated after removing the session's events"],
     "sv",
     sv(("a", 1, 0), ("a", 2, 50), ("b", 5, 80), ("a", 3, 140), ("b", 6, 200)),
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('session', 100 MILLISECONDS, sym) GROUP BY sym;",
        lambda: Session(100, "sym"),
        [col("sym"), agg("n", count), agg("total", sum_, "v")], aggs=True, group=["sym"], kind="all")])

case("x_session_latency",
     ["allowedLatency: membership still ends at last + gap (a at 150 opens a new session)",
      "but the close (EXPIRED) is emitted at last + gap + latency"],
     "sv",
     sv(("a", 1, 0), ("a", 2, 50), ("a", 3, 150), ("b", 4, 180), ("a", 5, 249), ("b", 6, 300)),
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT sym, v FROM S WINDOW('session', 100 MILLISECONDS, sym, 30 MILLISECONDS);",
        lambda: Session(100, "sym", 30), [col("sym"), col("v")], kind="all")])

case("x_session_end_order",
     ["end of input closes every open session at its own close time; two sessions closing",
      "at the same time come out in the order of their first events (b before a)"],
     "sv",
     sv(("b", 1, 10), ("a", 2, 20), ("b", 3, 40), ("a", 4, 40), ("c", 5, 45)),
     [Q("Closed", "INSERT EXPIRED EVENTS INTO Closed SELECT sym, v FROM S WINDOW('session', 100 MILLISECONDS, sym);",
        lambda: Session(100, "sym"), [col("sym"), col("v")], kind="expired")])

case("x_session_global_groupby",
     ["gap-only session with GROUP BY sym: any sym extends the one global session, and",
      "the close expires all syms together; aggregates per sym restart with a new session"],
     "sv",
     sv(("a", 1, 0), ("b", 2, 80), ("a", 3, 160), ("b", 4, 230), ("a", 5, 330), ("b", 6, 340)),
     [Q("Out", "INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('session', 100 MILLISECONDS) GROUP BY sym;",
        lambda: Session(100), [col("sym"), agg("n", count), agg("total", sum_, "v")], aggs=True, group=["sym"]),
      Q("Closed", "INSERT EXPIRED EVENTS INTO Closed SELECT sym, v FROM S WINDOW('session', 100 MILLISECONDS);",
        lambda: Session(100), [col("sym"), col("v")], kind="expired")])

# ================================================================ sort

case("x_sort_desc",
     ["sort(3, v, 'desc'): the lowest v is evicted, stamped with the arrival; an arrival",
      "that ranks last comes out CURRENT then EXPIRED; ties: the later arrival ranks last"],
     "isv",
     [{"id": i, "sym": s, "v": v, "ts": t} for i, (s, v, t) in enumerate(
         [("a", 5, 0), ("b", 3, 10), ("c", 8, 20), ("d", 1, 30), ("e", 6, 40), ("f", 5, 50),
          ("g", 9, 60), ("h", 9, 60)], 1)],
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT id, sym, v FROM S WINDOW('sort', 3, v, 'desc');",
        lambda: Sort(3, [("v", "desc")]), [col("id"), col("sym"), col("v")], kind="all")])

case("x_sort_asc_agg",
     ["sort(3, v) ascending keeps the 3 smallest; aggregates follow the window (every",
      "arrival is smaller than the current maximum, so the arrival is never the one evicted)"],
     "iv",
     [{"id": i, "v": v, "ts": t} for i, (v, t) in enumerate(
         [(50, 0), (40, 10), (60, 20), (30, 30), (20, 40), (10, 50), (25, 60), (15, 70)], 1)],
     [Q("Sums", "INSERT INTO Sums SELECT v, sum(v) AS total, count() AS n, max(v) AS worst FROM S WINDOW('sort', 3, v);",
        lambda: Sort(3, [("v", "asc")]),
        [col("v"), agg("total", sum_, "v"), agg("n", count), agg("worst", max_, "v")], aggs=True),
      Q("Evicted", "INSERT EXPIRED EVENTS INTO Evicted SELECT id, v, sum(v) AS total FROM S WINDOW('sort', 3, v);",
        lambda: Sort(3, [("v", "asc")]),
        [col("id"), col("v"), agg("total", sum_, "v")], aggs=True, kind="expired")])

case("x_sort_multikey",
     ["sort(2, sym, v, 'desc'): sym ascending (default), then v descending; equal keys",
      "rank by arrival, so of two equal (a, 5) the later one is evicted"],
     "isv",
     [{"id": i, "sym": s, "v": v, "ts": t} for i, (s, v, t) in enumerate(
         [("b", 1, 0), ("a", 1, 10), ("a", 5, 20), ("b", 9, 30), ("a", 3, 40), ("a", 5, 50),
          ("a", 7, 60)], 1)],
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT id, sym, v FROM S WINDOW('sort', 2, sym, v, 'desc');",
        lambda: Sort(2, [("sym", "asc"), ("v", "desc")]), [col("id"), col("sym"), col("v")], kind="all")])

case("x_sort_nulls",
     ["sort(2, v) ascending with NULL keys: NULLs rank last (a NULL arrival into a full",
      "window is evicted at once; a NULL held is evicted first); ties by arrival"],
     "iv",
     [{"id": i, "v": v, "ts": t} for i, (v, t) in enumerate(
         [(None, 0), (5, 10), (None, 20), (7, 30), (5, 40), (None, 50), (3, 60)], 1)],
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT id, v FROM S WINDOW('sort', 2, v);",
        lambda: Sort(2, [("v", "asc")]), [col("id"), col("v")], kind="all")])

case("x_sort_string_ci",
     ["sort(2, name) on strings compares case-insensitively (byte order would differ);",
      "'apple' and 'APPLE' tie and rank by arrival"],
     "in",
     [{"id": i, "name": s, "ts": t} for i, (s, t) in enumerate(
         [("apple", 0), ("Banana", 10), ("Apricot", 20), ("APPLE", 30), ("avocado", 40),
          ("aardvark", 50)], 1)],
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT id, name FROM S WINDOW('sort', 2, name);",
        lambda: Sort(2, [("name", "asc")]), [col("id"), col("name")], kind="all")])

# ================================================================ unique / firstUnique

case("x_unique",
     ["unique(sym) keeps the latest event per sym: a repeated sym expires the held one",
      "(EXPIRED before CURRENT, same time); aggregates over the latest per key, NULL v skipped"],
     "sv",
     sv(("a", 1, 0), ("b", None, 10), ("a", 3, 20), ("c", 4, 30), ("b", 5, 30), ("a", 6, 40),
        ("c", 7, 50)),
     [Q("Rows", "INSERT ALL EVENTS INTO Rows SELECT sym, v FROM S WINDOW('unique', sym);",
        lambda: Unique("sym"), [col("sym"), col("v")], kind="all"),
      Q("Sums", "INSERT INTO Sums SELECT sym, sum(v) AS total, count() AS n, count(v) AS nv FROM S WINDOW('unique', sym);",
        lambda: Unique("sym"),
        [col("sym"), agg("total", sum_, "v"), agg("n", count), agg("nv", count_x, "v")], aggs=True)])

case("x_firstunique",
     ["firstUnique(sym) passes only the first event of each sym; later ones are dropped",
      "and nothing ever expires; aggregates count the first-seen keys"],
     "sv",
     sv(("a", 1, 0), ("a", 2, 10), ("b", 3, 20), ("a", 4, 20), ("c", 5, 30), ("b", 6, 40),
        ("d", 7, 50)),
     [Q("Rows", "INSERT ALL EVENTS INTO Rows SELECT sym, v FROM S WINDOW('firstUnique', sym);",
        lambda: FirstUnique("sym"), [col("sym"), col("v")], kind="all"),
      Q("Counts", "INSERT INTO Counts SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('firstUnique', sym);",
        lambda: FirstUnique("sym"), [col("sym"), agg("n", count), agg("total", sum_, "v")], aggs=True)])

# ================================================================ delay

case("x_delay",
     ["delay(50 ms): nothing on arrival; each event is released as CURRENT at ts + 50,",
      "never expired; equal times release in file order; end of input releases the rest"],
     "sv",
     sv(("a", 1, 0), ("b", 2, 20), ("c", 3, 50), ("d", 4, 50), ("e", 5, 100), ("f", 6, 130)),
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT sym, v FROM S WINDOW('delay', 50 MILLISECONDS);",
        lambda: Delay(50), [col("sym"), col("v")], kind="all")])

case("x_delay_running",
     ["aggregates over a delay window: one row per release, stamped ts + 100; released",
      "events are never removed, so count and sum run over everything released so far"],
     "sv",
     sv(("a", 1, 0), ("b", 2, 30), ("c", 3, 30), ("d", 4, 250), ("e", 5, 260)),
     [Q("Out", "INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('delay', 100 MILLISECONDS);",
        lambda: Delay(100), [col("sym"), agg("n", count), agg("total", sum_, "v")], aggs=True)])

# ================================================================ expression / expressionBatch

case("x_expression_le",
     ["expression('count() <= 3') behaves like length(3): the oldest expires at the",
      "arrival that would make count() 4, stamped with that arrival, before its CURRENT"],
     "iv",
     [{"id": i, "v": v, "ts": t} for i, (v, t) in enumerate(
         [(1, 0), (2, 10), (3, 20), (4, 30), (5, 30), (6, 60)], 1)],
     [Q("Rows", "INSERT ALL EVENTS INTO Rows SELECT v FROM S WINDOW('expression', 'count() <= 3');",
        lambda: Expression("count() <= 3"), [col("v")], kind="all"),
      Q("Sums", "INSERT INTO Sums SELECT v, sum(v) AS total FROM S WINDOW('expression', 'count() <= 3');",
        lambda: Expression("count() <= 3"), [col("v"), agg("total", sum_, "v")], aggs=True)])

case("x_expression_lt",
     ["expression('count() < 2') holds one event: each arrival expires the previous one;",
      "EXPIRED rows carry aggregates after the removal"],
     "sv",
     sv(("a", 1, 0), ("b", 2, 10), ("c", 3, 25), ("d", 4, 40)),
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT sym, v, count() AS n, sum(v) AS total FROM S WINDOW('expression', 'count() < 2');",
        lambda: Expression("count() < 2"),
        [col("sym"), col("v"), agg("n", count), agg("total", sum_, "v")], aggs=True, kind="all")])

case("x_expressionbatch_agg",
     ["expressionBatch('count() <= 3'): the 4th arrival flushes the 3 held events, stamped",
      "with its time, and starts the next batch; one row per flush (per group); a pending",
      "batch is not emitted at end of input"],
     "sv",
     sv(("a", 1, 0), ("b", 2, 10), ("a", 3, 20), ("b", 4, 30), ("b", 5, 40), ("a", 6, 50),
        ("a", 7, 60), ("b", 8, 70)),
     [Q("Out", "INSERT INTO Out SELECT count() AS n, sum(v) AS total, max(v) AS top FROM S WINDOW('expressionBatch', 'count() <= 3');",
        lambda: ExpressionBatch("count() <= 3"),
        [agg("n", count), agg("total", sum_, "v"), agg("top", max_, "v")], aggs=True),
      Q("BySym", "INSERT INTO BySym SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('expressionBatch', 'count() <= 3') GROUP BY sym;",
        lambda: ExpressionBatch("count() <= 3"),
        [col("sym"), agg("n", count), agg("total", sum_, "v")], aggs=True, group=["sym"])])

case("x_expressionbatch_rows",
     ["expressionBatch('count() < 3') without aggregates, ALL EVENTS: a flush emits the",
      "previous batch as EXPIRED, then the batch as CURRENT, all stamped with the trigger"],
     "sv",
     sv(("a", 1, 0), ("b", 2, 10), ("c", 3, 20), ("d", 4, 35), ("e", 5, 50), ("f", 6, 50),
        ("g", 7, 70)),
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT sym, v FROM S WINDOW('expressionBatch', 'count() < 3');",
        lambda: ExpressionBatch("count() < 3"), [col("sym"), col("v")], kind="all")])

# ================================================================ frequent / lossyFrequent

case("x_frequent",
     ["frequent(2, sym), Misra-Gries with 2 counters: a new key decrements all counters,",
      "a key reaching 0 is EXPIRED (stamped with the arrival) and the newcomer takes its",
      "place; if none reaches 0 the newcomer is dropped (f)"],
     "sv",
     sv(("a", 1, 0), ("a", 2, 10), ("b", 3, 20), ("c", 4, 30), ("a", 5, 40), ("d", 6, 50),
        ("a", 7, 60), ("a", 8, 60), ("e", 9, 70), ("e", 10, 80), ("f", 11, 90), ("a", 12, 100),
        ("e", 13, 110)),
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT sym, v FROM S WINDOW('frequent', 2, sym);",
        lambda: Frequent(2, "sym"), [col("sym"), col("v")], kind="all")])

case("x_lossyfrequent",
     ["lossyFrequent(0.3, 0.05, sym): an arrival is emitted iff its key's count >=",
      "(0.3 - 0.05) * N (N = events so far), ties included; fewer than 20 events, so no pruning"],
     "sv",
     sv(*[(s, i, 10 * i) for i, s in enumerate(
         ["a", "b", "c", "d", "e", "a", "a", "b", "f", "c", "a", "e", "d", "b", "a", "b"], 1)]),
     [Q("Out", "INSERT INTO Out SELECT sym, v FROM S WINDOW('lossyFrequent', 0.3, 0.05, sym);",
        lambda: LossyFrequent(0.3, 0.05, "sym"), [col("sym"), col("v")])])

# ================================================================ cron

case("x_cron_reset",
     ["cron('*/1 * * * * *'): CURRENT on arrival, aggregates reset at every whole second",
      "(event time, UTC); an event exactly at a tick starts the new period"],
     "sv",
     sv(("a", 1, 200), ("b", 2, 700), ("a", 3, 1000), ("a", 4, 1500), ("b", 5, 1999),
        ("a", 6, 3200), ("b", 7, 3200)),
     [Q("Out", "INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('cron', '*/1 * * * * *');",
        lambda: Cron("*/1 * * * * *"), [col("sym"), agg("n", count), agg("total", sum_, "v")], aggs=True),
      Q("BySym", "INSERT INTO BySym SELECT sym, count() AS n FROM S WINDOW('cron', '*/1 * * * * *') GROUP BY sym;",
        lambda: Cron("*/1 * * * * *"), [col("sym"), agg("n", count)], aggs=True, group=["sym"])])

case("x_cron_expired",
     ["cron('*/2 * * * * *'): held events come out EXPIRED at each tick (every 2 s),",
      "stamped with the tick; no tick without held events; end of input flushes at the next tick"],
     "sv",
     sv(("a", 1, 500), ("b", 2, 1999), ("c", 3, 2000), ("d", 4, 3999), ("e", 5, 6500),
        ("f", 6, 6500)),
     [Q("Exp", "INSERT EXPIRED EVENTS INTO Exp SELECT sym, v FROM S WINDOW('cron', '*/2 * * * * *');",
        lambda: Cron("*/2 * * * * *"), [col("sym"), col("v")], kind="expired"),
      Q("AllRows", "INSERT ALL EVENTS INTO AllRows SELECT sym, v FROM S WINDOW('cron', '*/2 * * * * *');",
        lambda: Cron("*/2 * * * * *"), [col("sym"), col("v")], kind="all")])

# ================================================================ timeLength

case("x_timelength",
     ["timeLength(1 s, 3): an event expires at ts + 1000 (timer, before an event at that",
      "time) or, stamped with the arrival, when a 4th event arrives; end of input expires the rest"],
     "iv",
     [{"id": i, "v": v, "ts": t} for i, (v, t) in enumerate(
         [(1, 0), (2, 100), (3, 200), (4, 300), (5, 1100), (6, 1400), (7, 1400), (8, 1450)], 1)],
     [Q("Out", "INSERT ALL EVENTS INTO Out SELECT v FROM S WINDOW('timeLength', 1 SECOND, 3);",
        lambda: TimeLength(1000, 3), [col("v")], kind="all"),
      Q("Counts", "INSERT INTO Counts SELECT v, count() AS n, sum(v) AS total FROM S WINDOW('timeLength', 1 SECOND, 3);",
        lambda: TimeLength(1000, 3), [col("v"), agg("n", count), agg("total", sum_, "v")], aggs=True)])

# ================================================================ output rate limiting

case("x_rate_events",
     ["OUTPUT ALL/FIRST/LAST EVERY 3 EVENTS: ALL emits each 3 rows at the 3rd row's time,",
      "FIRST emits the 1st of each 3 at once, LAST the 3rd; at end of input the partial",
      "buffer is flushed stamped with its last row's time"],
     "sv",
     sv(("a", 1, 0), ("b", 2, 10), ("c", 3, 20), ("d", 4, 30), ("e", 5, 40), ("f", 6, 40),
        ("g", 7, 60), ("h", 8, 70)),
     [Q("AllOut", "INSERT INTO AllOut SELECT sym, v, sum(v) AS running FROM S OUTPUT ALL EVERY 3 EVENTS;",
        None, [col("sym"), col("v"), agg("running", sum_, "v")], aggs=True, limiter=EveryEvents("all", 3)),
      Q("FirstOut", "INSERT INTO FirstOut SELECT sym, v FROM S OUTPUT FIRST EVERY 3 EVENTS;",
        None, [col("sym"), col("v")], limiter=EveryEvents("first", 3)),
      Q("LastOut", "INSERT INTO LastOut SELECT sym, v FROM S OUTPUT LAST EVERY 3 EVENTS;",
        None, [col("sym"), col("v")], limiter=EveryEvents("last", 3))])

case("x_rate_events_groupby",
     ["OUTPUT LAST EVERY 4 EVENTS with GROUP BY: events are counted globally; at every 4th",
      "the last row of each group seen in that period is emitted, stamped with the 4th event"],
     "sv",
     sv(("a", 1, 0), ("a", 2, 10), ("b", 3, 20), ("b", 4, 30), ("c", 5, 40), ("c", 6, 50),
        ("a", 7, 60), ("a", 8, 70), ("b", 9, 80), ("b", 10, 90), ("b", 11, 100), ("b", 12, 110)),
     [Q("Out", "INSERT INTO Out SELECT sym, sum(v) AS total, count() AS n FROM S GROUP BY sym OUTPUT LAST EVERY 4 EVENTS;",
        None, [col("sym"), agg("total", sum_, "v"), agg("n", count)], aggs=True, group=["sym"],
        limiter=EveryEvents("last", 4, grouped=True))])

case("x_rate_time_all",
     ["OUTPUT ALL EVERY 100 ms in event time: rows are buffered and emitted at the next",
      "multiple of 100, stamped with it; a row exactly at a tick waits for the following",
      "tick; empty periods emit nothing; end of input flushes at the next tick"],
     "sv",
     sv(("a", 1, 10), ("b", 2, 50), ("c", 3, 100), ("d", 4, 150), ("e", 5, 420), ("f", 6, 499),
        ("g", 7, 500)),
     [Q("Out", "INSERT INTO Out SELECT sym, v FROM S OUTPUT ALL EVERY 100 MILLISECONDS;",
        None, [col("sym"), col("v")], limiter=EveryTime("all", 100)),
      Q("Counts", "INSERT INTO Counts SELECT count() AS n FROM S OUTPUT EVERY 100 MILLISECONDS;",
        None, [agg("n", count)], aggs=True, limiter=EveryTime("all", 100))])

case("x_rate_time_first",
     ["OUTPUT FIRST EVERY 100 ms: the first row of each aligned period [100k, 100k+100) is",
      "emitted at once with its own time (per group with GROUP BY)"],
     "sv",
     sv(("a", 1, 10), ("b", 2, 50), ("a", 3, 99), ("b", 4, 100), ("a", 5, 100), ("a", 6, 180),
        ("b", 7, 350), ("a", 8, 399), ("a", 9, 400)),
     [Q("Out", "INSERT INTO Out SELECT sym, v FROM S OUTPUT FIRST EVERY 100 MILLISECONDS;",
        None, [col("sym"), col("v")], limiter=EveryTime("first", 100)),
      Q("BySym", "INSERT INTO BySym SELECT sym, count() AS n FROM S GROUP BY sym OUTPUT FIRST EVERY 100 MILLISECONDS;",
        None, [col("sym"), agg("n", count)], aggs=True, group=["sym"],
        limiter=EveryTime("first", 100, grouped=True))])

case("x_rate_time_last",
     ["OUTPUT LAST EVERY 100 ms: at each tick the latest row of the period (per group with",
      "GROUP BY), stamped with the tick; end of input emits at the next tick"],
     "sv",
     sv(("a", 1, 10), ("a", 2, 40), ("b", 3, 60), ("b", 4, 90), ("a", 5, 100), ("a", 6, 130),
        ("b", 7, 150), ("b", 8, 199), ("b", 9, 320)),
     [Q("Out", "INSERT INTO Out SELECT sym, v FROM S OUTPUT LAST EVERY 100 MILLISECONDS;",
        None, [col("sym"), col("v")], limiter=EveryTime("last", 100)),
      Q("BySym", "INSERT INTO BySym SELECT sym, count() AS n, sum(v) AS total FROM S GROUP BY sym OUTPUT LAST EVERY 100 MILLISECONDS;",
        None, [col("sym"), agg("n", count), agg("total", sum_, "v")], aggs=True, group=["sym"],
        limiter=EveryTime("last", 100, grouped=True))])

case("x_rate_snapshot",
     ["OUTPUT SNAPSHOT EVERY 100 ms without a window: at every tick the last row per group",
      "(or the last row), also when nothing changed; one final snapshot after the input"],
     "sv",
     sv(("a", 1, 20), ("b", 2, 60), ("a", 3, 100), ("b", 4, 230), ("a", 5, 440)),
     [Q("Counts", "INSERT INTO Counts SELECT sym, count() AS n FROM S GROUP BY sym OUTPUT SNAPSHOT EVERY 100 MILLISECONDS;",
        None, [col("sym"), agg("n", count)], aggs=True, group=["sym"],
        limiter=lambda q: Snapshot(100, q)),
      Q("LastRow", "INSERT INTO LastRow SELECT sym, v FROM S OUTPUT SNAPSHOT EVERY 100 MILLISECONDS;",
        None, [col("sym"), col("v")], limiter=lambda q: Snapshot(100, q))])

case("x_rate_snapshot_window",
     ["OUTPUT SNAPSHOT EVERY 100 ms over length(2): at each tick one row per event in the",
      "window with the current aggregate, stamped with the tick"],
     "iv",
     [{"id": i, "v": v, "ts": t} for i, (v, t) in enumerate(
         [(1, 10), (2, 50), (3, 120), (4, 330)], 1)],
     [Q("Out", "INSERT INTO Out SELECT v, sum(v) AS total FROM S WINDOW('length', 2) OUTPUT SNAPSHOT EVERY 100 MILLISECONDS;",
        lambda: Length(2), [col("v"), agg("total", sum_, "v")], aggs=True, kind="all",
        limiter=lambda q: Snapshot(100, q))])


# ---------------------------------------------------------------- writer

def render_case(name, comment, schema, rows, queries):
    """Returns {relative path: file text} for one case."""
    ddl, attrs = SCHEMAS[schema]
    files = {}
    events, lines = [], []
    for i, r in enumerate(rows, 1):
        assert list(r) == attrs, (name, r)
        lines.append(json.dumps(r, separators=(",", ":")) + "\n")
        events.append(Ev(r, i))
    files["s.jsonl"] = "".join(lines)
    assert [e.ts for e in events] == sorted(e.ts for e in events), name
    qs = [mk() for mk in queries]
    sql = "CREATE STREAM S (%s)\n%s\n" % (ddl, DDL_SUFFIX)
    sql += "".join("-- %s\n" % c for c in comment)
    sql += "".join(q.sql + "\n" for q in qs)
    files["app.sql"] = sql
    for q in qs:
        out = q.run(events)
        files["expected/%s.jsonl" % q.target] = "".join(line(r, k, t) + "\n" for r, k, t in out)
    return files


def main(argv):
    check = "--check" in argv
    only = set(a for a in argv[1:] if a != "--check")
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names))
    bad = 0
    done = 0
    for c in CASES:
        if only and c[0] not in only:
            continue
        done += 1
        d = os.path.join(ROOT, c[0])
        for rel, text in render_case(*c).items():
            if not sync(os.path.join(d, rel), text, check):
                bad += 1
    if check:
        print("%d cases checked, %d files differ" % (done, bad))
        return 1 if bad else 0
    print("wrote %d cases under %s" % (done, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
