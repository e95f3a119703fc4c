#!/usr/bin/env python3
"""Independent oracle for the stream-stream join golden cases `tests/run/join_*`.

Written from LANGUAGE.md §2.8 (stream-stream semantics, points 1-8), §2.4.8 (the
selector), §2.5 (the windows used here) and §3 (time and ordering), NOT from the engine.
Python 3 standard library only.

    python3 tests/oracle/joins.py            # (re)write every join_* case directory
    python3 tests/oracle/joins.py --check    # compare with the files on disk
    python3 tests/oracle/joins.py join_self  # only these cases

Each case is a structured description: the streams and their input rows, the two join
sides (stream, alias, window, UNIDIRECTIONAL), the join kind, ON / WHERE / SELECT /
GROUP BY / HAVING given twice — as SQL text for `app.sql` and as a Python function for
the simulation — and the output event kinds. The oracle writes `app.sql`, the inputs
and `expected/Out.jsonl`.

Simulation (one global sequence, no workers):
* records in (time, source rank, line) order; a self-join feeds each record to the
  left side, then to the right side;
* at each time tau, first the windows' timers due at tau fire (the left window's, then
  the right window's), then the records stamped tau;
* each window turns an arrival or a timer into a chunk of CURRENT / EXPIRED / RESET
  events; every CURRENT event (and EXPIRED event when expired rows are requested or
  aggregates must see removals) probes the other side's current contents with ON, in
  chunk order; each match is one joined row of the probing event's kind; a preserved
  side of an outer join adds one NULL-padded row for a probe without a match; a side
  whose events do not trigger (the other side is UNIDIRECTIONAL) only updates its
  window; RESET passes through;
* a batch window's contents, as the other side finds them, are its last flushed batch;
* WHERE filters joined rows; the selector (§2.4.8) works on the joined chunk, which
  keeps the window chunk's time and batch flag;
* rows are written in processing order (which is the (time, key) order: timer chunks
  before arrivals, the left side's before the right side's, records in key order).
"""

import json
import os
import sys

from casefiles import sync

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.normpath(os.path.join(HERE, "..", "run"))

# ---------------------------------------------------------------------------
# Values: None is NULL; a comparison with NULL is false (§1.7, "Decisions").
# ---------------------------------------------------------------------------


def eq(x, y):
    return x is not None and y is not None and x == y


def lt(x, y):
    return x is not None and y is not None and x < y


def gt(x, y):
    return x is not None and y is not None and x > y


def add(x, y):
    return None if x is None or y is None else x + y


# ---------------------------------------------------------------------------
# Windows
# ---------------------------------------------------------------------------


class Chunk:
    def __init__(self, time, batch, items):
        self.time = time
        self.batch = batch
        self.items = items  # [(kind, event)], kind in "C", "E", "R"


class NoWindow:
    def arrive(self, e):
        return [Chunk(e["_t"], False, [("C", e)])]

    def timers(self):
        return []

    def fire(self, tau):
        return []

    def contents(self):
        return []


class Length:
    def __init__(self, n):
        self.n = n
        self.held = []

    def arrive(self, e):
        items = []
        if len(self.held) >= self.n:
            items.append(("E", self.held.pop(0)))
        items.append(("C", e))
        self.held.append(e)
        return [Chunk(e["_t"], False, items)]

    def timers(self):
        return []

    def fire(self, tau):
        return []

    def contents(self):
        return list(self.held)


class Time:
    """time(t): e is held while e.time <= tau < e.time + t."""

    def __init__(self, t):
        self.t = t
        self.held = []

    def arrive(self, e):
        self.held.append(e)
        return [Chunk(e["_t"], False, [("C", e)])]

    def timers(self):
        return [e["_t"] + self.t for e in self.held]

    def fire(self, tau):
        out = [e for e in self.held if e["_t"] + self.t <= tau]
        if not out:
            return []
        self.held = [e for e in self.held if e["_t"] + self.t > tau]
        return [Chunk(tau, False, [("E", e) for e in out])]

    def contents(self):
        return list(self.held)


class LengthBatch:
    """lengthBatch(n): the n-th arrival flushes EXPIRED(previous), RESET, CURRENT(batch)."""

    def __init__(self, n):
        self.n = n
        self.batch = []
        self.previous = []

    def arrive(self, e):
        self.batch.append(e)
        if len(self.batch) < self.n:
            return []
        items = [("E", x) for x in self.previous] + [("R", None)]
        items += [("C", x) for x in self.batch]
        self.previous, self.batch = self.batch, []
        return [Chunk(e["_t"], True, items)]

    def timers(self):
        return []

    def fire(self, tau):
        return []

    def contents(self):
        return list(self.previous)


class TimeBatch:
    """timeBatch(t): batches [k*t, (k+1)*t); at each boundary b the flush chunk stamped
    b is EXPIRED(previous), RESET, CURRENT(batch); the last batch expires at the next
    boundary even without arrivals."""

    def __init__(self, t):
        self.t = t
        self.batch = []
        self.previous = []
        self.armed = set()

    def arrive(self, e):
        self.armed.add((e["_t"] // self.t + 1) * self.t)
        self.batch.append(e)
        return []

    def timers(self):
        return sorted(self.armed)

    def fire(self, tau):
        if tau not in self.armed:
            return []
        self.armed.discard(tau)
        if not self.batch and not self.previous:
            return []
        items = [("E", x) for x in self.previous] + [("R", None)]
        items += [("C", x) for x in self.batch]
        self.previous, self.batch = self.batch, []
        if self.previous:
            self.armed.add(tau + self.t)
        return [Chunk(tau, True, items)]

    def contents(self):
        return list(self.previous)


def make_window(spec):
    if spec is None:
        return NoWindow()
    kind, arg = spec
    return {"length": Length, "time": Time, "lengthBatch": LengthBatch,
            "timeBatch": TimeBatch}[kind](arg)


def window_sql(spec):
    if spec is None:
        return ""
    kind, arg = spec
    if kind in ("time", "timeBatch"):
        return " WINDOW('%s', %d MILLISECONDS)" % (kind, arg)
    return " WINDOW('%s', %d)" % (kind, arg)


# ---------------------------------------------------------------------------
# The selector (§2.4.8) over joined rows
# ---------------------------------------------------------------------------


class Selector:
    def __init__(self, q):
        self.q = q
        self.aggs = q.get("aggs", [])
        self.groups = {}
        kind = q.get("kind", "CURRENT")
        self.want_c = kind in ("CURRENT", "ALL")
        self.want_e = kind in ("EXPIRED", "ALL")

    def agg_values(self, g):
        vals = []
        for (name, _), acc in zip(self.aggs, g["accs"]):
            if name == "count":
                vals.append(acc["n"])
            elif name == "sum":
                vals.append(acc["s"] if acc["n"] > 0 else None)
        return vals

    def chunk(self, time, batch, items):
        """items: [(kind, a, b)]; returns [(row dict, expired)]."""
        kept = []  # (group key, row, expired)
        for kind, a, b in items:
            if kind == "R":
                self.groups.clear()
                continue
            gk = tuple(f(a, b) for f in self.q.get("group_py", []))
            g = self.groups.setdefault(gk, {
                "held": 0, "accs": [{"n": 0, "s": 0} for _ in self.aggs]})
            for (name, arg), acc in zip(self.aggs, g["accs"]):
                v = 1 if arg is None else arg(a, b)
                if v is None:
                    continue
                if kind == "C":
                    acc["n"] += 1
                    acc["s"] += v
                else:
                    acc["n"] = max(acc["n"] - 1, 0)
                    acc["s"] -= v
            g["held"] += 1 if kind == "C" else -1
            wanted = self.want_c if kind == "C" else self.want_e
            if wanted:
                vals = self.agg_values(g)
                row = {name: f(a, b, vals) for name, _, f in self.q["select"]}
                having = self.q.get("having_py")
                if having is None or having(row):
                    kept.append((gk, row, kind == "E"))
            if g["held"] <= 0:
                del self.groups[gk]
        if batch and self.aggs:
            order, last = [], {}
            for gk, row, exp in kept:
                if gk not in last:
                    order.append(gk)
                last[gk] = (row, exp)
            return [last[gk] for gk in order]
        return [(row, exp) for _, row, exp in kept]


# ---------------------------------------------------------------------------
# The join (§2.8)
# ---------------------------------------------------------------------------


def run_case(case):
    q = case["query"]
    streams = case["streams"]
    ranks = {name: i + 1 for i, (name, _) in enumerate(streams)}
    cols = dict(streams)
    records = []
    for name, rows in case["inputs"].items():
        for line, r in enumerate(rows):
            e = dict(r)
            e["_t"] = r[case.get("time_cols", {}).get(name, "ts")]
            e["_key"] = (ranks[name], line)
            e["_stream"] = name
            records.append(e)
    records.sort(key=lambda e: (e["_t"], e["_key"]))
    sides = [q["left"], q["right"]]
    windows = [make_window(s.get("window")) for s in sides]
    uni = [s.get("uni", False) for s in sides]
    triggers = [not uni[1], not uni[0]]
    jk = q.get("join", "INNER")
    preserved = [jk in ("LEFT", "FULL"), jk in ("RIGHT", "FULL")]
    sel = Selector(q)
    probe_expired = sel.want_e or bool(sel.aggs)
    on = q.get("on_py")
    where = q.get("where_py")
    nulls = [{c: None for c, _ in cols[s["stream"]]} for s in sides]
    out = []

    def probe_chunk(side, chunk):
        if not triggers[side]:
            return
        other = windows[1 - side]
        items = []
        for kind, e in chunk.items:
            if kind == "R":
                items.append(("R", None, None))
                continue
            if kind == "E" and not probe_expired:
                continue
            matched = False
            cands = []
            for o in other.contents():
                a, b = (e, o) if side == 0 else (o, e)
                if on is None or on(a, b):
                    matched = True
                    cands.append((a, b))
            if not matched and preserved[side]:
                cands.append((e, nulls[1]) if side == 0 else (nulls[0], e))
            for a, b in cands:
                if where is None or where(a, b):
                    items.append((kind, a, b))
        for row, exp in sel.chunk(chunk.time, chunk.batch, items):
            out.append((row, chunk.time, exp))

    def fire_until(limit):
        # Timers due at or before `limit`, by time; the left window's first at a time.
        while True:
            due = [t for w in windows for t in w.timers() if limit is None or t <= limit]
            if not due:
                return
            tau = min(due)
            for side in (0, 1):
                for chunk in windows[side].fire(tau):
                    probe_chunk(side, chunk)

    for e in records:
        fire_until(e["_t"])
        for side in (0, 1):
            if sides[side]["stream"] == e["_stream"]:
                ev = dict(e)
                for chunk in windows[side].arrive(ev):
                    probe_chunk(side, chunk)
    fire_until(None)
    return out


# ---------------------------------------------------------------------------
# Case files
# ---------------------------------------------------------------------------


def app_sql(case):
    lines = []
    for name, columns in case["streams"]:
        cs = ", ".join("%s %s" % c for c in columns)
        lines.append(
            "CREATE STREAM %s (%s)\nWITH ('type' = 'source', 'extension' = 'file', "
            "'file.path' = '%s.jsonl', 'format' = 'json', 'event.time' = '%s');"
            % (name, cs, name.lower(), case.get("time_cols", {}).get(name, "ts")))
    q = case["query"]
    for c in case["doc"].strip().splitlines():
        lines.append("-- " + c.strip())

    def side(s):
        text = s["stream"]
        if s.get("alias"):
            text += " AS " + s["alias"]
        text += window_sql(s.get("window"))
        if s.get("uni"):
            text += " UNIDIRECTIONAL"
        return text

    kind = q.get("kind", "CURRENT")
    insert = "INSERT INTO Out" if kind == "CURRENT" else "INSERT %s EVENTS INTO Out" % kind
    select = q.get("select_sql") or ", ".join(
        sql if sql == name or sql.endswith("." + name) else "%s AS %s" % (sql, name)
        for name, sql, _ in q["select"])
    join = {"INNER": "JOIN", "LEFT": "LEFT OUTER JOIN", "RIGHT": "RIGHT OUTER JOIN",
            "FULL": "FULL OUTER JOIN"}[q.get("join", "INNER")]
    text = "%s\nSELECT %s\nFROM %s %s %s" % (insert, select, side(q["left"]), join,
                                             side(q["right"]))
    if q.get("on_sql"):
        text += " ON " + q["on_sql"]
    if q.get("where_sql"):
        text += "\nWHERE " + q["where_sql"]
    if q.get("group_sql"):
        text += "\nGROUP BY " + q["group_sql"]
    if q.get("having_sql"):
        text += "\nHAVING " + q["having_sql"]
    lines.append(text + ";")
    return "\n".join(lines) + "\n"


def encode(row, ts, expired):
    d = dict(row)
    d["_ts"] = ts
    if expired:
        d["_expired"] = True
    return json.dumps(d, separators=(",", ":"))


def files(case):
    out = {"app.sql": app_sql(case)}
    for name, rows in case["inputs"].items():
        out[name.lower() + ".jsonl"] = "".join(
            json.dumps(r, separators=(",", ":")) + "\n" for r in rows)
    out["expected/Out.jsonl"] = "".join(
        encode(r, t, x) + "\n" for r, t, x in run_case(case))
    return out


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------

LR = [("L", [("k", "STRING"), ("v", "INT"), ("ts", "BIGINT")]),
      ("R", [("k", "STRING"), ("w", "INT"), ("ts", "BIGINT")])]


def rows(stream_cols, *tuples):
    names = [c for c, _ in stream_cols]
    return [dict(zip(names, t)) for t in tuples]


def L(*t):
    return rows(LR[0][1], *t)


def R(*t):
    return rows(LR[1][1], *t)


def A(s):
    return {"stream": "L", "alias": "a", "window": s}


def B(s):
    return {"stream": "R", "alias": "b", "window": s}


SEL_KVW = [("k", "a.k", lambda a, b, g: a["k"]),
           ("v", "a.v", lambda a, b, g: a["v"]),
           ("w", "b.w", lambda a, b, g: b["w"])]
SEL_BOTH_K = [("lk", "a.k", lambda a, b, g: a["k"]),
              ("v", "a.v", lambda a, b, g: a["v"]),
              ("rk", "b.k", lambda a, b, g: b["k"]),
              ("w", "b.w", lambda a, b, g: b["w"])]
ON_K = ("a.k = b.k", lambda a, b: eq(a["k"], b["k"]))

L_BASIC = L(("x", 1, 10), ("y", 2, 20), ("x", 3, 40), ("z", 4, 60), ("x", 5, 130),
            ("y", 6, 150), ("x", 7, 200))
R_BASIC = R(("x", 10, 15), ("y", 20, 20), ("x", 30, 50), ("q", 40, 70), ("y", 50, 120),
            ("x", 60, 160), ("z", 70, 165), ("x", 80, 260))


def case(doc, query, inputs=None, streams=None, time_cols=None):
    q = dict(query)
    if "on" in q:
        q["on_sql"], q["on_py"] = q.pop("on")
    if "where" in q:
        q["where_sql"], q["where_py"] = q.pop("where")
    if "group" in q:
        q["group_sql"], gp = q.pop("group")
        q["group_py"] = gp
    if "having" in q:
        q["having_sql"], q["having_py"] = q.pop("having")
    return {"doc": doc, "query": q, "streams": streams or LR, "time_cols": time_cols or {},
            "inputs": inputs or {"L": L_BASIC, "R": R_BASIC}}


CASES = {
    "join_inner_time_length": case(
        """inner equi-join: a time window on the left, a length window on the right
        (global placement: a length window needs the whole stream)""",
        {"left": A(("time", 100)), "right": B(("length", 2)), "on": ON_K,
         "select": SEL_KVW}),
    "join_inner_keyed_time": case(
        """inner equi-join of two time windows: exchanged by the key (scales with -w)""",
        {"left": A(("time", 100)), "right": B(("time", 50)), "on": ON_K,
         "select": SEL_KVW}),
    "join_left_outer": case(
        """LEFT OUTER: an unmatched left probe gives a row with NULL right columns; an
        unmatched right probe gives nothing""",
        {"join": "LEFT", "left": A(("time", 100)), "right": B(("time", 50)), "on": ON_K,
         "select": SEL_BOTH_K}),
    "join_right_outer": case(
        """RIGHT OUTER: unmatched right probes are NULL-padded on the left""",
        {"join": "RIGHT", "left": A(("time", 100)), "right": B(("length", 3)),
         "on": ON_K, "select": SEL_BOTH_K}),
    "join_full_outer": case(
        """FULL OUTER: unmatched probes from either side are NULL-padded""",
        {"join": "FULL", "left": A(("length", 2)), "right": B(("time", 60)), "on": ON_K,
         "select": SEL_BOTH_K}),
    "join_unidirectional_left": case(
        """L UNIDIRECTIONAL JOIN R: only left events trigger; right arrivals fill the
        right window silently""",
        {"left": dict(A(("time", 100)), uni=True), "right": B(("time", 100)), "on": ON_K,
         "select": SEL_KVW}),
    "join_unidirectional_right": case(
        """L JOIN R UNIDIRECTIONAL: only right events trigger""",
        {"left": A(("length", 3)), "right": dict(B(("length", 3)), uni=True), "on": ON_K,
         "select": SEL_KVW}),
    "join_left_outer_unidirectional": case(
        """LEFT OUTER with the left side UNIDIRECTIONAL: every left event gives a row
        (matched or NULL-padded), right events none""",
        {"join": "LEFT", "left": dict(A(("time", 100)), uni=True),
         "right": B(("length", 2)), "on": ON_K, "select": SEL_BOTH_K}),
    "join_no_window_side": case(
        """a side without a window keeps nothing: left events probe the right time
        window, right events find nothing on the left""",
        {"left": A(None), "right": B(("time", 100)), "on": ON_K, "select": SEL_KVW}),
    "join_no_window_both": case(
        """neither side keeps anything: no row at all, even for equal keys and times""",
        {"left": A(None), "right": B(None), "on": ON_K, "select": SEL_KVW}),
    "join_cross": case(
        """no ON: a cross join with the other side's window""",
        {"left": A(("length", 2)), "right": B(("length", 2)), "select": SEL_BOTH_K},
        inputs={"L": L(("x", 1, 10), ("y", 2, 20), ("z", 3, 30)),
                "R": R(("p", 10, 15), ("q", 20, 25), ("r", 30, 35))}),
    "join_non_equi": case(
        """ON without an equality between the sides (a.v * 10 < b.w): runs on one
        worker""",
        {"left": A(("time", 60)), "right": B(("time", 60)),
         "on": ("a.v * 10 < b.w", lambda a, b: lt(a["v"] * 10, b["w"])),
         "select": SEL_BOTH_K}),
    "join_equi_extra_condition": case(
        """equality plus another condition: keyed by the equality, filtered by both""",
        {"left": A(("time", 100)), "right": B(("time", 100)),
         "on": ("a.k = b.k AND b.w > a.v * 10",
                lambda a, b: eq(a["k"], b["k"]) and gt(b["w"], a["v"] * 10)),
         "select": SEL_KVW}),
    "join_self": case(
        """self-join: each event goes to the left side first, then the right side, so
        it meets itself only through the right side's probe""",
        {"left": {"stream": "L", "alias": "a", "window": ("length", 2)},
         "right": {"stream": "L", "alias": "b", "window": ("length", 2)},
         "on": ("a.k = b.k", lambda a, b: eq(a["k"], b["k"])),
         "select": [("k", "a.k", lambda a, b, g: a["k"]),
                    ("av", "a.v AS av", lambda a, b, g: a["v"]),
                    ("bv", "b.v AS bv", lambda a, b, g: b["v"])],
         "select_sql": "a.k, a.v AS av, b.v AS bv"},
        streams=[LR[0]],
        inputs={"L": L(("x", 1, 10), ("x", 2, 20), ("y", 3, 20), ("x", 4, 30))}),
    "join_where": case(
        """WHERE filters joined rows before the selector""",
        {"left": A(("time", 100)), "right": B(("time", 100)), "on": ON_K,
         "where": ("a.v + b.w > 30 AND b.k <> 'y'",
                   lambda a, b: gt(add(a["v"], b["w"]), 30) and b["k"] is not None
                   and b["k"] != "y"),
         "select": SEL_KVW}),
    "join_equal_timestamps": case(
        """equal times on both sides: records in (time, key) order, the left stream
        (declared first) before the right one at the same time""",
        {"left": A(("length", 3)), "right": B(("length", 3)), "on": ON_K,
         "select": SEL_KVW},
        inputs={"L": L(("x", 1, 10), ("x", 2, 10), ("y", 3, 20), ("x", 4, 20)),
                "R": R(("x", 10, 10), ("y", 20, 10), ("x", 30, 20), ("y", 40, 20))}),
    "join_expiry_time": case(
        """time windows: an event stamped exactly at an expiry no longer finds the
        expired event (e.time + t is out of the window)""",
        {"left": A(("time", 50)), "right": B(("time", 30)), "on": ON_K,
         "select": SEL_KVW},
        inputs={"L": L(("x", 1, 0), ("x", 2, 40), ("x", 3, 90), ("x", 4, 100)),
                "R": R(("x", 10, 50), ("x", 20, 70), ("x", 30, 80), ("x", 40, 140))}),
    "join_expiry_length": case(
        """length windows: the oldest event leaves before the arrival probes""",
        {"left": A(("length", 1)), "right": B(("length", 2)), "on": ON_K,
         "select": SEL_KVW},
        inputs={"L": L(("x", 1, 10), ("x", 2, 30), ("y", 3, 50), ("x", 4, 70)),
                "R": R(("x", 10, 20), ("x", 20, 40), ("y", 30, 45), ("x", 40, 60))}),
    "join_length_batch": case(
        """a lengthBatch side probes at its flush (a batch flush); the other side finds
        its last flushed batch""",
        {"left": A(("lengthBatch", 2)), "right": B(("time", 100)), "on": ON_K,
         "select": SEL_KVW}),
    "join_time_batch": case(
        """a timeBatch side flushes at each boundary, stamped with it; right events
        find the last flushed batch until the next boundary""",
        {"left": A(("timeBatch", 50)), "right": B(("length", 4)), "on": ON_K,
         "select": SEL_KVW}),
    "join_expired_all_events": case(
        """INSERT ALL EVENTS: expired events probe too and give EXPIRED joined rows
        stamped with the expiry time""",
        {"kind": "ALL", "left": A(("time", 50)), "right": B(("time", 70)), "on": ON_K,
         "select": SEL_KVW}),
    "join_expired_only_length": case(
        """INSERT EXPIRED EVENTS with length windows: the events pushed out probe the
        other side""",
        {"kind": "EXPIRED", "left": A(("length", 2)), "right": B(("length", 2)),
         "on": ON_K, "select": SEL_KVW}),
    "join_full_outer_all_events": case(
        """FULL OUTER with ALL EVENTS: unmatched EXPIRED probes are NULL-padded too""",
        {"kind": "ALL", "join": "FULL", "left": A(("time", 40)),
         "right": B(("length", 2)), "on": ON_K, "select": SEL_BOTH_K}),
    "join_agg_group_by": case(
        """count() and sum() per key over joined rows: the left side keeps nothing, so
        expiries of the right side never find a partner and aggregates only grow""",
        {"left": A(None), "right": B(("time", 100)), "on": ON_K,
         "aggs": [("count", None), ("sum", lambda a, b: b["w"])],
         "group": ("a.k", [lambda a, b: a["k"]]),
         "select": [("k", "a.k", lambda a, b, g: a["k"]),
                    ("n", "count()", lambda a, b, g: g[0]),
                    ("total", "sum(b.w)", lambda a, b, g: g[1])]},
        inputs={"L": L(("x", 1, 10), ("y", 2, 20), ("x", 3, 40), ("x", 5, 130),
                       ("y", 6, 150), ("x", 7, 200)),
                "R": R(("x", 10, 5), ("y", 20, 15), ("x", 30, 30), ("x", 40, 120),
                       ("y", 50, 145))}),
    "join_agg_batch_having": case(
        """aggregates over a timeBatch side's flushes (left side UNIDIRECTIONAL, LEFT
        OUTER): one row per group per flush, RESET clears the groups; HAVING filters""",
        {"join": "LEFT", "left": dict(A(("timeBatch", 100)), uni=True),
         "right": B(("length", 5)), "on": ON_K,
         "aggs": [("count", None), ("sum", lambda a, b: a["v"])],
         "group": ("a.k", [lambda a, b: a["k"]]),
         "having": ("n >= 1 AND a.k <> 'z'",
                    lambda r: r["n"] >= 1 and r["k"] != "z"),
         "select": [("k", "a.k", lambda a, b, g: a["k"]),
                    ("n", "count()", lambda a, b, g: g[0]),
                    ("total", "sum(a.v)", lambda a, b, g: g[1])]},
        inputs={"L": L(("x", 1, 10), ("y", 2, 20), ("x", 3, 40), ("z", 4, 60),
                       ("x", 5, 130), ("y", 6, 150), ("x", 7, 210)),
                "R": R(("x", 10, 15))}),
    "join_select_order": case(
        """the SELECT list decides the column order, whatever the FROM order""",
        {"left": A(("time", 100)), "right": B(("time", 100)), "on": ON_K,
         "select": [("w", "b.w", lambda a, b, g: b["w"]),
                    ("rk", "b.k AS rk", lambda a, b, g: b["k"]),
                    ("v", "a.v", lambda a, b, g: a["v"]),
                    ("s", "b.w + a.v AS s", lambda a, b, g: add(b["w"], a["v"]))],
         "select_sql": "b.w, b.k AS rk, a.v, b.w + a.v AS s"}),
    "join_qualified_star": case(
        """b.*, a.v: the right side's attributes first, then one of the left side's""",
        {"left": A(("length", 2)), "right": B(("length", 2)), "on": ON_K,
         "select": [("k", "b.k", lambda a, b, g: b["k"]),
                    ("w", "b.w", lambda a, b, g: b["w"]),
                    ("ts", "b.ts", lambda a, b, g: b["ts"]),
                    ("v", "a.v", lambda a, b, g: a["v"])],
         "select_sql": "b.*, a.v"}),
    "join_star_distinct_names": case(
        """SELECT *: the left side's attributes, then the right side's""",
        {"left": {"stream": "P", "window": ("length", 2)},
         "right": {"stream": "Q", "window": ("length", 2)},
         "on": ("P.pk = Q.qk", lambda a, b: eq(a["pk"], b["qk"])),
         "select": [("pk", "", lambda a, b, g: a["pk"]),
                    ("ts", "", lambda a, b, g: a["ts"]),
                    ("qk", "", lambda a, b, g: b["qk"]),
                    ("qv", "", lambda a, b, g: b["qv"]),
                    ("qts", "", lambda a, b, g: b["qts"])],
         "select_sql": "*"},
        streams=[("P", [("pk", "INT"), ("ts", "BIGINT")]),
                 ("Q", [("qk", "BIGINT"), ("qv", "STRING"), ("qts", "BIGINT")])],
        time_cols={"Q": "qts"},
        inputs={"P": [{"pk": 1, "ts": 10}, {"pk": 2, "ts": 20}, {"pk": 1, "ts": 30}],
                "Q": [{"qk": 1, "qv": "a", "qts": 15}, {"qk": 2, "qv": "b", "qts": 25},
                      {"qk": 1, "qv": "c", "qts": 30}]}),
    "join_null_keys": case(
        """NULL join keys never match (not even each other); LEFT OUTER still emits the
        unmatched left probes""",
        {"join": "LEFT", "left": A(("time", 100)), "right": B(("time", 100)),
         "on": ON_K, "select": SEL_BOTH_K},
        inputs={"L": L((None, 1, 10), ("x", 2, 20), (None, 3, 40), ("x", 4, 50)),
                "R": R((None, 10, 15), ("x", 20, 30), (None, 30, 45), ("y", 40, 55))}),
    "join_int_long_keys": case(
        """an INT key joined with a BIGINT key: compared after widening, exchanged by
        equal hashes""",
        {"left": {"stream": "P", "alias": "p", "window": ("time", 100)},
         "right": {"stream": "Q", "alias": "q", "window": ("time", 100)},
         "on": ("p.pk = q.qk", lambda a, b: eq(a["pk"], b["qk"])),
         "select": [("pk", "p.pk", lambda a, b, g: a["pk"]),
                    ("qv", "q.qv", lambda a, b, g: b["qv"])]},
        streams=[("P", [("pk", "INT"), ("ts", "BIGINT")]),
                 ("Q", [("qk", "BIGINT"), ("qv", "STRING"), ("ts", "BIGINT")])],
        inputs={"P": [{"pk": 1, "ts": 10}, {"pk": 2, "ts": 20}, {"pk": 3, "ts": 30},
                      {"pk": 1, "ts": 60}],
                "Q": [{"qk": 1, "qv": "a", "ts": 15}, {"qk": 2, "qv": "b", "ts": 25},
                      {"qk": 4, "qv": "c", "ts": 35}, {"qk": 1, "qv": "d", "ts": 70}]}),
}

# Larger pseudo-random inputs for the keyed cases (deterministic, no random module).


def gen(n, keys, seed, step):
    out, x, t = [], seed, 0
    for _ in range(n):
        x = (x * 1103515245 + 12345) % (1 << 31)
        t += (x >> 8) % step
        out.append((keys[(x >> 4) % len(keys)], (x >> 12) % 100, t))
    return out


CASES["join_many_keys_keyed"] = case(
    """many keys and equal times over two time windows, keyed by the join key; the
    output must not depend on -w""",
    {"left": A(("time", 40)), "right": B(("time", 25)), "on": ON_K,
     "select": SEL_KVW},
    inputs={"L": L(*gen(60, ["a", "b", "c", "d", "e", "f"], 7, 6)),
            "R": R(*gen(60, ["a", "b", "c", "d", "e", "f", "g"], 11, 6))})
CASES["join_many_keys_full_all"] = case(
    """FULL OUTER, ALL EVENTS, keyed by the join key, on many keys and equal times""",
    {"kind": "ALL", "join": "FULL", "left": A(("time", 30)), "right": B(("time", 20)),
     "on": ON_K, "select": SEL_BOTH_K},
    inputs={"L": L(*gen(40, ["a", "b", "c", "d"], 3, 5)),
            "R": R(*gen(40, ["a", "b", "c", "e"], 5, 5))})


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check = "--check" in sys.argv
    names = args or sorted(CASES)
    bad = 0
    for name in names:
        c = CASES[name]
        for rel, text in files(c).items():
            if not sync(os.path.join(RUN, name, rel), text, check):
                bad += 1
    if check and bad:
        sys.exit(1)
    if not check:
        print("wrote %d cases" % len(names))


if __name__ == "__main__":
    main()
