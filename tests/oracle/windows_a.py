#!/usr/bin/env python3
"""Independent oracle for the window / aggregate golden cases `tests/run/w_*`.

Written from LANGUAGE.md (the "Ours" rules: §2.4.3-2.4.8, §2.5, §2.6, §3.2-3.3, §3.7)
and the case-format notes, NOT from the engine. Python 3 standard library only.

    python3 tests/oracle/windows_a.py            # (re)write every case directory
    python3 tests/oracle/windows_a.py --check    # compare with the files on disk
    python3 tests/oracle/windows_a.py w_hop_basic ...   # only these cases

Each case below is an `app.sql` text plus input rows. The oracle writes the input files
and `app.sql`, then PARSES `app.sql` with its own small parser (the subset the cases
use) and simulates it:

* sources: records in (time, file line) order; keys `(source_rank, line)`;
* WHERE filters before the window;
* windows emit chunks of CURRENT / EXPIRED / RESET events; timers due at τ fire before
  the events stamped τ; a timer chunk gets key `(0, query, timer_seq)`, an arrival
  chunk `input_key + (query,)`; output row i of a chunk appends `(i,)`;
* the selector (§2.4.8): RESET clears aggregates (minForever/maxForever keep theirs),
  CURRENT adds then evaluates, EXPIRED removes then evaluates; a row is kept if its
  kind is wanted and HAVING holds; a batch-flush chunk with aggregates keeps only the
  last kept row of each group (groups in first-appearance order among the kept rows);
  then ORDER BY (stable) / OFFSET / LIMIT per chunk;
* end of input: every pending timer fires (time-window expiries, the open batch's
  flush, the EXPIRED rows of the last batch at the next boundary, open hop windows);
  partial lengthBatch / externalTimeBatch batches are dropped;
* sinks: rows sorted by (_ts, key); a query's output stream feeds later queries as
  ordinary events (chains).
"""

import json
import math
import os
import re
import sys
from fractions import Fraction

from casefiles import sync

HERE = os.path.dirname(os.path.abspath(__file__))
PENDING = os.path.normpath(os.path.join(HERE, "..", "run"))

# ---------------------------------------------------------------------------
# Lexer / parser for the SQL subset used by the cases
# ---------------------------------------------------------------------------

UNITS = {
    "MILLISECOND": 1, "MILLISECONDS": 1, "MILLISEC": 1, "MS": 1,
    "SECOND": 1000, "SECONDS": 1000, "SEC": 1000, "S": 1000,
    "MINUTE": 60000, "MINUTES": 60000, "MIN": 60000,
    "HOUR": 3600000, "HOURS": 3600000,
}

AGGS = {
    "count", "sum", "avg", "min", "max", "minforever", "maxforever",
    "distinctcount", "stddev", "and", "or", "first", "last",
}

TOKEN_RE = re.compile(r"""
    (?P<ws>\s+|--[^\n]*)
  | (?P<num>\d+\.\d*(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)
  | (?P<str>'(?:[^']|'')*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|<>|!=|==|[(),.*+\-/%=<>;])
""", re.X)


def lex(text):
    toks = []
    pos = 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise SyntaxError("bad char at %d: %r" % (pos, text[pos:pos + 20]))
        pos = m.end()
        kind = m.lastgroup
        val = m.group(kind)
        if kind == "ws":
            continue
        if kind == "str":
            val = val[1:-1].replace("''", "'")
        toks.append((kind, val))
    toks.append(("eof", None))
    return toks


class Parser:
    def __init__(self, text):
        self.t = lex(text)
        self.i = 0

    def peek(self, k=0):
        return self.t[self.i + k]

    def kw(self, word, k=0):
        kind, val = self.peek(k)
        return kind == "ident" and val.upper() == word

    def op(self, o, k=0):
        kind, val = self.peek(k)
        return kind == "op" and val == o

    def take(self):
        tok = self.t[self.i]
        self.i += 1
        return tok

    def expect_kw(self, word):
        if not self.kw(word):
            raise SyntaxError("expected %s, got %r" % (word, self.peek()))
        self.take()

    def expect_op(self, o):
        if not self.op(o):
            raise SyntaxError("expected %s, got %r" % (o, self.peek()))
        self.take()

    def ident(self):
        kind, val = self.take()
        if kind != "ident":
            raise SyntaxError("expected identifier, got %r" % val)
        return val

    # -- statements --
    def app(self):
        stmts = []
        while self.peek()[0] != "eof":
            if self.op(";"):
                self.take()
                continue
            if self.kw("CREATE"):
                stmts.append(self.create())
            else:
                stmts.append(self.query())
        return stmts

    def create(self):
        self.expect_kw("CREATE")
        self.expect_kw("STREAM")
        name = self.ident()
        self.expect_op("(")
        cols = []
        while True:
            cname = self.ident()
            ctype = self.ident().upper()
            cols.append((cname, ctype))
            if self.op(","):
                self.take()
                continue
            break
        self.expect_op(")")
        opts = {}
        if self.kw("WITH"):
            self.take()
            self.expect_op("(")
            while True:
                k = self.take()[1]
                self.expect_op("=")
                v = self.take()[1]
                opts[k] = v
                if self.op(","):
                    self.take()
                    continue
                break
            self.expect_op(")")
        return {"stmt": "create", "name": name, "cols": cols, "opts": opts}

    def query(self):
        q = {"stmt": "query", "kind": "CURRENT", "alias": None, "window": None,
             "where": None, "group": [], "having": None, "order": [], "limit": None,
             "offset": None}
        self.expect_kw("INSERT")
        if self.kw("CURRENT") or self.kw("EXPIRED") or self.kw("ALL"):
            q["kind"] = self.take()[1].upper()
            self.expect_kw("EVENTS")
        self.expect_kw("INTO")
        q["target"] = self.ident()
        self.expect_kw("SELECT")
        items = []
        while True:
            e = self.expr()
            alias = None
            if self.kw("AS"):
                self.take()
                alias = self.ident()
            items.append((e, alias))
            if self.op(","):
                self.take()
                continue
            break
        q["items"] = items
        self.expect_kw("FROM")
        q["source"] = self.ident()
        if self.kw("AS"):
            self.take()
            q["alias"] = self.ident()
        if self.kw("WINDOW"):
            self.take()
            self.expect_op("(")
            kind, name = self.take()
            assert kind == "str"
            args = []
            while self.op(","):
                self.take()
                args.append(self.window_arg())
            self.expect_op(")")
            q["window"] = (name, args)
        if self.kw("WHERE"):
            self.take()
            q["where"] = self.expr()
        if self.kw("GROUP"):
            self.take()
            self.expect_kw("BY")
            while True:
                q["group"].append(self.primary())
                if self.op(","):
                    self.take()
                    continue
                break
        if self.kw("HAVING"):
            self.take()
            q["having"] = self.expr()
        if self.kw("ORDER"):
            self.take()
            self.expect_kw("BY")
            while True:
                name = self.ident()
                desc = False
                if self.kw("ASC"):
                    self.take()
                elif self.kw("DESC"):
                    self.take()
                    desc = True
                q["order"].append((name, desc))
                if self.op(","):
                    self.take()
                    continue
                break
        if self.kw("LIMIT"):
            self.take()
            q["limit"] = int(self.take()[1])
        if self.kw("OFFSET"):
            self.take()
            q["offset"] = int(self.take()[1])
        return q

    def window_arg(self):
        kind, val = self.peek()
        if kind == "num" and self.peek(1)[0] == "ident" and self.peek(1)[1].upper() in UNITS:
            self.take()
            unit = self.take()[1].upper()
            return ("lit", int(val) * UNITS[unit])
        return self.expr()

    # -- expressions (precedence of LANGUAGE.md §1.8) --
    def expr(self):
        return self.or_expr()

    def or_expr(self):
        a = self.and_expr()
        while self.kw("OR"):
            self.take()
            a = ("bin", "OR", a, self.and_expr())
        return a

    def and_expr(self):
        a = self.not_expr()
        while self.kw("AND"):
            self.take()
            a = ("bin", "AND", a, self.not_expr())
        return a

    def not_expr(self):
        if self.kw("NOT"):
            self.take()
            return ("not", self.not_expr())
        return self.cmp_expr()

    def cmp_expr(self):
        a = self.add_expr()
        if self.peek()[0] == "op" and self.peek()[1] in ("=", "==", "!=", "<>", "<", "<=", ">", ">="):
            o = self.take()[1]
            o = {"==": "=", "<>": "!="}.get(o, o)
            return ("bin", o, a, self.add_expr())
        if self.kw("IS"):
            self.take()
            neg = False
            if self.kw("NOT"):
                self.take()
                neg = True
            self.expect_kw("NULL")
            return ("isnull", a, neg)
        return a

    def add_expr(self):
        a = self.mul_expr()
        while self.op("+") or self.op("-"):
            o = self.take()[1]
            a = ("bin", o, a, self.mul_expr())
        return a

    def mul_expr(self):
        a = self.unary()
        while self.op("*") or self.op("/") or self.op("%"):
            o = self.take()[1]
            a = ("bin", o, a, self.unary())
        return a

    def unary(self):
        if self.op("-"):
            self.take()
            return ("neg", self.unary())
        return self.primary()

    def primary(self):
        kind, val = self.peek()
        if kind == "num":
            self.take()
            if re.fullmatch(r"\d+", val):
                return ("lit", int(val))
            return ("lit", float(val))
        if kind == "str":
            self.take()
            return ("lit", val)
        if self.op("("):
            self.take()
            e = self.expr()
            self.expect_op(")")
            return e
        if kind == "ident":
            up = val.upper()
            if up in ("TRUE", "FALSE") and not self.op("(", 1):
                self.take()
                return ("lit", up == "TRUE")
            if up == "NULL":
                self.take()
                return ("lit", None)
            self.take()
            if self.op("("):
                self.take()
                args = []
                star = False
                if self.op("*"):
                    self.take()
                    star = True
                elif not self.op(")"):
                    while True:
                        args.append(self.expr())
                        if self.op(","):
                            self.take()
                            continue
                        break
                self.expect_op(")")
                return ("call", val, args, star)
            if self.op("."):
                self.take()
                return ("col", val, self.ident())
            return ("col", None, val)
        raise SyntaxError("unexpected %r" % (self.peek(),))


# ---------------------------------------------------------------------------
# Values and expressions
# ---------------------------------------------------------------------------

def truthy(v):
    return v is True


def cmp_values(o, a, b):
    if a is None or b is None:
        return False
    return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
            ">": a > b, ">=": a >= b}[o]


def arith(o, a, b):
    if a is None or b is None:
        return None
    both_int = isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool) \
        and not isinstance(b, bool)
    if o == "+":
        return a + b
    if o == "-":
        return a - b
    if o == "*":
        return a * b
    if o == "/":
        if b == 0:
            return None
        if both_int:
            q = abs(a) // abs(b)
            return q if (a >= 0) == (b >= 0) else -q
        return a / b
    if o == "%":
        if b == 0:
            return None
        if both_int:
            return int(math.fmod(a, b))
        return math.fmod(a, b)
    raise ValueError(o)


class Scope:
    """Evaluation context: the event's attributes, the aggregate values, and (for
    HAVING) the output row's values by name."""

    def __init__(self, attrs, aggvals=None, row=None):
        self.attrs = attrs
        self.aggvals = aggvals or {}
        self.row = row


def ev(e, sc):
    tag = e[0]
    if tag == "lit":
        return e[1]
    if tag == "col":
        name = e[2]
        if e[1] is None and sc.row is not None and name in sc.row:
            return sc.row[name]
        if name not in sc.attrs:
            raise KeyError(name)
        return sc.attrs[name]
    if tag == "neg":
        v = ev(e[1], sc)
        return None if v is None else -v
    if tag == "not":
        return not truthy(ev(e[1], sc))
    if tag == "isnull":
        v = ev(e[1], sc)
        return (v is not None) if e[2] else (v is None)
    if tag == "bin":
        o = e[1]
        if o == "AND":
            return truthy(ev(e[2], sc)) and truthy(ev(e[3], sc))
        if o == "OR":
            return truthy(ev(e[2], sc)) or truthy(ev(e[3], sc))
        a, b = ev(e[2], sc), ev(e[3], sc)
        if o in ("=", "!=", "<", "<=", ">", ">="):
            return cmp_values(o, a, b)
        return arith(o, a, b)
    if tag == "call":
        if id(e) in sc.aggvals:
            return sc.aggvals[id(e)]
        raise ValueError("scalar function not supported by the oracle: %s" % e[1])
    raise ValueError(tag)


def collect_aggs(e, out):
    if e is None:
        return
    tag = e[0]
    if tag == "call" and e[1].lower() in AGGS:
        out.append(e)
        return
    if tag in ("neg", "not"):
        collect_aggs(e[1], out)
    elif tag == "isnull":
        collect_aggs(e[1], out)
    elif tag == "bin":
        collect_aggs(e[2], out)
        collect_aggs(e[3], out)
    elif tag == "call":
        for a in e[2]:
            collect_aggs(a, out)


# ---------------------------------------------------------------------------
# Aggregators (§2.6)
# ---------------------------------------------------------------------------

class Agg:
    def __init__(self, fn, has_arg):
        self.fn = fn
        self.has_arg = has_arg
        self.forever = None      # minForever / maxForever
        self.reset()

    def reset(self):
        if self.fn in ("minforever", "maxforever"):
            return               # ignore reset
        self.n_events = 0
        self.vals = []           # (event id, value) of held non-NULL values, arrival order

    def add(self, eid, v):
        if self.fn in ("minforever", "maxforever"):
            if v is not None:
                if self.forever is None:
                    self.forever = v
                elif self.fn == "minforever":
                    self.forever = min(self.forever, v)
                else:
                    self.forever = max(self.forever, v)
            return
        self.n_events += 1
        if v is not None:
            self.vals.append((eid, v))

    def remove(self, eid, v):
        if self.fn in ("minforever", "maxforever"):
            return
        self.n_events -= 1
        if v is not None:
            for i, (k, _) in enumerate(self.vals):
                if k == eid:
                    del self.vals[i]
                    break
            else:
                raise AssertionError("removing a value never added")

    def value(self):
        fn = self.fn
        self.inexact = False
        vs = [v for _, v in self.vals] if fn not in ("minforever", "maxforever") else None
        if fn == "count":
            return len(vs) if self.has_arg else self.n_events
        if fn in ("minforever", "maxforever"):
            return self.forever
        if fn == "distinctcount":
            return len(set(vs))
        if fn == "and":
            return bool(vs) and all(v is True for v in vs)
        if fn == "or":
            return any(v is True for v in vs)
        if not vs:
            return None
        if fn == "sum":
            if all(isinstance(v, int) for v in vs):
                return sum(vs)
            return float(sum(Fraction(v) for v in vs))
        if fn == "avg":
            return float(sum(Fraction(v) for v in vs) / len(vs))
        if fn == "min":
            return min(vs)
        if fn == "max":
            return max(vs)
        if fn == "first":
            return vs[0]
        if fn == "last":
            return vs[-1]
        if fn == "stddev":
            n = len(vs)
            fl = [float(v) for v in vs]
            m = float(sum(Fraction(x) for x in fl) / n)
            m2 = float(sum(Fraction(x * x) for x in fl) / n)
            var = max(0.0, m2 - m * m)
            exact = sum((Fraction(x) - Fraction(sum(Fraction(y) for y in fl), n)) ** 2
                        for x in fl) / n
            self.inexact = Fraction(var) != exact
            return math.sqrt(var)
        raise ValueError(fn)


# ---------------------------------------------------------------------------
# Windows: each returns chunks (ts, key, is_batch, [(kind, event)])
#   kind in {"C", "E", "R"}; an event is a dict with "_id", "_ts", "_key", attrs.
# ---------------------------------------------------------------------------

def norm_window_name(n):
    return n.replace("_", "").lower()


class Window:
    """Base: no window (every arrival is a CURRENT chunk)."""

    def __init__(self, qid, want_expired):
        self.qid = qid
        self.want_expired = want_expired
        self.timers = []          # (time, seq, payload)
        self.seq = 0

    def add_timer(self, t, payload):
        self.timers.append((t, self.seq, payload))
        self.seq += 1

    def next_timer(self):
        return min((t for t, _, _ in self.timers), default=None)

    def fire(self, tau):
        due = sorted([x for x in self.timers if x[0] == tau], key=lambda x: x[1])
        self.timers = [x for x in self.timers if x[0] != tau]
        out = []
        for t, seq, payload in due:
            ch = self.on_timer(tau, seq, payload)
            if ch is not None:
                out.append(ch)
        return out

    def arrival_chunk(self, e, events, is_batch=False):
        return (e["_ts"], e["_key"] + (self.qid,), is_batch, events)

    def timer_chunk(self, tau, seq, events, is_batch):
        return (tau, (0, self.qid, seq), is_batch, events)

    def on_event(self, e):
        return self.arrival_chunk(e, [("C", e)])

    def on_timer(self, tau, seq, payload):
        raise NotImplementedError


class LengthW(Window):
    def __init__(self, qid, we, n):
        super().__init__(qid, we)
        self.n = n
        self.held = []

    def on_event(self, e):
        evs = []
        if len(self.held) == self.n:
            old = self.held.pop(0)
            evs.append(("E", old))
        self.held.append(e)
        evs.append(("C", e))
        return self.arrival_chunk(e, evs)


class LengthBatchW(Window):
    def __init__(self, qid, we, n, stream_current):
        super().__init__(qid, we)
        self.n = n
        self.sc = stream_current
        self.batch = []
        self.prev = []
        if stream_current:
            # spec text and Siddhi differ on when the batch expires with streamCurrent;
            # the cases only use CURRENT output, where both agree.
            assert not we, "streamCurrent lengthBatch with expired output is ambiguous"

    def on_event(self, e):
        self.batch.append(e)
        if self.sc:
            evs = [("C", e)]
            if len(self.batch) == self.n:
                evs.append(("R", None))
                self.batch = []
            return self.arrival_chunk(e, evs)
        if len(self.batch) < self.n:
            return None
        evs = []
        if self.want_expired:
            evs += [("E", x) for x in self.prev]
        evs.append(("R", None))
        evs += [("C", x) for x in self.batch]
        self.prev = self.batch
        self.batch = []
        return self.arrival_chunk(e, evs, is_batch=True)


class TimeW(Window):
    def __init__(self, qid, we, t):
        super().__init__(qid, we)
        self.t = t

    def on_event(self, e):
        self.add_timer(e["_ts"] + self.t, e)
        return self.arrival_chunk(e, [("C", e)])

    def on_timer(self, tau, seq, e):
        return self.timer_chunk(tau, seq, [("E", e)], False)


class TimeBatchW(Window):
    def __init__(self, qid, we, t, start):
        super().__init__(qid, we)
        self.t = t
        self.start = start
        self.batches = {}          # end -> events
        self.prev = None           # (expire_at, events)

    def on_event(self, e):
        k = (e["_ts"] - self.start) // self.t
        end = self.start + (k + 1) * self.t
        if end not in self.batches:
            self.batches[end] = []
            self.add_timer(end, "flush")
        self.batches[end].append(e)
        return None

    def on_timer(self, tau, seq, payload):
        evs = []
        if payload == "expire":
            if self.prev is None or self.prev[0] != tau:
                return None      # already emitted by a flush at this boundary
        if self.prev is not None and self.prev[0] == tau:
            if self.want_expired:
                evs += [("E", x) for x in self.prev[1]]
            self.prev = None
        cur = self.batches.pop(tau, [])
        evs.append(("R", None))
        evs += [("C", x) for x in cur]
        if cur:
            self.prev = (tau + self.t, cur)
            if self.want_expired and (tau + self.t) not in self.batches:
                self.add_timer(tau + self.t, "expire")
        if all(k == "R" for k, _ in evs):
            return None
        return self.timer_chunk(tau, seq, evs, True)

    def on_event_post(self):
        pass


class ExternalTimeW(Window):
    def __init__(self, qid, we, attr, t):
        super().__init__(qid, we)
        self.attr = attr
        self.t = t
        self.held = []

    def on_event(self, e):
        x = e[self.attr]
        evs = []
        while self.held and self.held[0][self.attr] <= x - self.t:
            evs.append(("E", self.held.pop(0)))
        self.held.append(e)
        evs.append(("C", e))
        return self.arrival_chunk(e, evs)


class ExternalTimeBatchW(Window):
    def __init__(self, qid, we, attr, t, start):
        super().__init__(qid, we)
        self.attr = attr
        self.t = t
        self.start = start
        self.end = None
        self.batch = []
        self.prev = []

    def open_batch(self, x):
        s = self.start if self.start is not None else self.anchor
        k = (x - s) // self.t
        self.end = s + (k + 1) * self.t

    def on_event(self, e):
        x = e[self.attr]
        if self.end is None:
            self.anchor = x
            self.open_batch(x)
            self.batch = [e]
            return None
        assert x >= self.end - self.t, "externalTimeBatch input must not go back"
        if x < self.end:
            self.batch.append(e)
            return None
        evs = []
        if self.want_expired:
            evs += [("E", y) for y in self.prev]
        evs.append(("R", None))
        evs += [("C", y) for y in self.batch]
        self.prev = self.batch
        self.batch = [e]
        self.open_batch(x)
        return self.arrival_chunk(e, evs, is_batch=True)


class HopW(Window):
    def __init__(self, qid, we, size, slide):
        super().__init__(qid, we)
        assert size >= slide
        self.size = size
        self.slide = slide
        self.wins = {}     # end -> events

    def on_event(self, e):
        ts = e["_ts"]
        k = ts // self.slide
        while k * self.slide + self.size > ts:
            start = k * self.slide
            assert start >= 0, "hop cases keep every window start >= 0"
            end = start + self.size
            if end not in self.wins:
                self.wins[end] = []
                self.add_timer(end, None)
            self.wins[end].append(e)
            k -= 1
        return None

    def on_timer(self, tau, seq, payload):
        evs = self.wins.pop(tau)
        # a window's events in arrival order
        evs = sorted(evs, key=lambda x: (x["_ts"], x["_key"]))
        return self.timer_chunk(tau, seq, [("R", None)] + [("C", x) for x in evs], True)


def make_window(q, qid, want_expired):
    if q["window"] is None:
        return Window(qid, want_expired)
    name, args = q["window"]
    n = norm_window_name(name)

    def const(a):
        assert a[0] == "lit", a
        return a[1]

    def attr(a):
        assert a[0] == "col", a
        return a[2]

    if n == "length":
        return LengthW(qid, want_expired, const(args[0]))
    if n == "lengthbatch":
        sc = const(args[1]) if len(args) > 1 else False
        return LengthBatchW(qid, want_expired, const(args[0]), sc)
    if n == "time":
        return TimeW(qid, want_expired, const(args[0]))
    if n in ("timebatch", "tumbling"):
        start = 0
        if len(args) > 1:
            start = const(args[1])
            assert isinstance(start, int) and not isinstance(start, bool)
        assert len(args) <= 2
        return TimeBatchW(qid, want_expired, const(args[0]), start)
    if n == "externaltime":
        return ExternalTimeW(qid, want_expired, attr(args[0]), const(args[1]))
    if n == "externaltimebatch":
        start = const(args[2]) if len(args) > 2 else None
        assert len(args) <= 3
        return ExternalTimeBatchW(qid, want_expired, attr(args[0]), const(args[1]), start)
    if n in ("hop", "sliding"):
        return HopW(qid, want_expired, const(args[0]), const(args[1]))
    raise ValueError("window not covered by this oracle: " + name)


# ---------------------------------------------------------------------------
# Selector (§2.4.8)
# ---------------------------------------------------------------------------

class Selector:
    def __init__(self, q):
        self.q = q
        self.items = []
        for i, (e, alias) in enumerate(q["items"]):
            if alias is None:
                alias = e[2] if e[0] == "col" else "expr_%d" % i
            self.items.append((alias, e))
        self.agg_nodes = []
        for _, e in self.items:
            collect_aggs(e, self.agg_nodes)
        collect_aggs(q["having"], self.agg_nodes)
        self.has_aggs = bool(self.agg_nodes)
        self.groups = {}   # key -> {id(node): Agg}
        self.want = {"CURRENT": {"C"}, "EXPIRED": {"E"}, "ALL": {"C", "E"}}[q["kind"]]

    def group_key(self, e):
        return tuple(e[g[2]] for g in self.q["group"])

    def aggs_for(self, key):
        if key not in self.groups:
            self.groups[key] = {
                id(n): Agg(n[1].lower(), bool(n[2]) and not n[3]) for n in self.agg_nodes
            }
        return self.groups[key]

    def arg_value(self, node, e):
        if not node[2]:
            return 1
        return ev(node[2][0], Scope(e))

    def process(self, chunk):
        ts, key, is_batch, evs = chunk
        kept = []   # (group key, kind, row)
        for kind, e in evs:
            if kind == "R":
                for g in self.groups.values():
                    for a in g.values():
                        a.reset()
                continue
            gk = self.group_key(e)
            aggs = self.aggs_for(gk)
            for n in self.agg_nodes:
                v = self.arg_value(n, e)
                if kind == "C":
                    aggs[id(n)].add(e["_id"], v)
                else:
                    aggs[id(n)].remove(e["_id"], v)
            aggvals = {k: a.value() for k, a in aggs.items()}
            row = {}
            for alias, ex in self.items:
                row[alias] = ev(ex, Scope(e, aggvals))
            if kind not in self.want:
                continue
            if self.q["having"] is not None:
                if not truthy(ev(self.q["having"], Scope(e, aggvals, row))):
                    continue
            # the cases use inputs whose variance is exact in every output row, so any
            # sound stdDev method agrees with the formula of the case notes
            assert not any(getattr(a, "inexact", False) for a in aggs.values()), \
                ("inexact stdDev input in an output row", row)
            kept.append((gk, kind, row))
        if is_batch and self.has_aggs:
            last = {}
            order = []
            for gk, kind, row in kept:
                if gk not in last:
                    order.append(gk)
                last[gk] = (gk, kind, row)
            kept = [last[g] for g in order]
        for name, desc in reversed(self.q["order"]):
            kept.sort(key=lambda r: sort_key(r[2][name]), reverse=desc)
        off = self.q["offset"] or 0
        kept = kept[off:]
        if self.q["limit"] is not None:
            kept = kept[:self.q["limit"]]
        return [(ts, key + (i,), kind, row) for i, (_, kind, row) in enumerate(kept)]


def sort_key(v):
    # NULLs first for ASC (not used by the cases)
    return (v is not None, v)


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

def convert(v, ty):
    if v is None:
        return None
    if ty in ("DOUBLE", "FLOAT"):
        return float(v)
    if ty in ("INT", "BIGINT", "LONG", "INTEGER"):
        assert isinstance(v, int) and not isinstance(v, bool)
        return v
    if ty in ("BOOL", "BOOLEAN"):
        assert isinstance(v, bool)
        return v
    if ty == "STRING":
        assert isinstance(v, str)
        return v
    raise ValueError(ty)


def run_query(q, qid, inputs):
    """inputs: list of events (dicts with _ts, _key, attrs), sorted by (_ts, _key)."""
    want_expired = q["kind"] in ("EXPIRED", "ALL")
    win = make_window(q, qid, want_expired)
    sel = Selector(q)
    out = []
    i = 0
    while True:
        nt = win.next_timer()
        ne = inputs[i]["_ts"] if i < len(inputs) else None
        if nt is None and ne is None:
            break
        tau = min(x for x in (nt, ne) if x is not None)
        # 1. timers due at tau (firing may create timers for later times only)
        while win.next_timer() == tau:
            for ch in win.fire(tau):
                out += sel.process(ch)
        # 2. events stamped tau, in key order
        while i < len(inputs) and inputs[i]["_ts"] == tau:
            e = inputs[i]
            i += 1
            if q["where"] is not None and not truthy(ev(q["where"], Scope(e))):
                continue
            ch = win.on_event(e)
            if ch is not None:
                out += sel.process(ch)
    return out


def fmt_value(v):
    return json.dumps(v)


def fmt_row(ts, kind, row):
    parts = ['"%s":%s' % (k, json.dumps(v)) for k, v in row.items()]
    parts.append('"_ts":%d' % ts)
    if kind == "E":
        parts.append('"_expired":true')
    return "{" + ",".join(parts) + "}"


def simulate(app_sql, files):
    """files: {path: list of row dicts}. Returns {stream: [json lines]}."""
    stmts = Parser(app_sql).app()
    streams = {}      # name -> list of events
    rank = 0
    eid = [0]
    queries = []
    for s in stmts:
        if s["stmt"] == "create":
            rank += 1
            opts = s["opts"]
            if opts.get("type") == "source":
                rows = files[opts["file.path"]]
                tcol = opts["event.time"]
                evs = []
                for line, r in enumerate(rows, 1):
                    assert list(r.keys()) == [c for c, _ in s["cols"]], r
                    e = {c: convert(r[c], t) for c, t in s["cols"]}
                    e["_ts"] = e[tcol]
                    e["_key"] = (rank, line)
                    eid[0] += 1
                    e["_id"] = eid[0]
                    evs.append(e)
                # inputs must be non-decreasing in time (no late records in the cases)
                assert all(a["_ts"] <= b["_ts"] for a, b in zip(evs, evs[1:]))
                streams[s["name"]] = evs
        else:
            queries.append(s)
    outputs = {}
    for qid, q in enumerate(queries, 1):
        inputs = streams[q["source"]]
        rows = run_query(q, qid, inputs)
        prev = outputs.get(q["target"], [])
        allrows = sorted(prev + rows, key=lambda r: (r[0], r[1]))
        outputs[q["target"]] = allrows
        evs = []
        for ts, key, kind, row in allrows:
            e = dict(row)
            e["_ts"] = ts
            e["_key"] = key
            eid[0] += 1
            e["_id"] = eid[0]
            evs.append(e)
        streams[q["target"]] = evs
    return {name: [fmt_row(ts, kind, row) for ts, key, kind, row in rows]
            for name, rows in outputs.items()}


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

def src(name, cols, path="s.jsonl", extra=""):
    decl = ", ".join("%s %s" % c for c in cols)
    return ("CREATE STREAM %s (%s)\nWITH ('type' = 'source', 'extension' = 'file', "
            "'file.path' = '%s', 'format' = 'json', 'event.time' = 'ts'%s);\n"
            % (name, decl, path, extra))


def rows(cols, tuples):
    names = [c for c, _ in cols]
    return [dict(zip(names, t)) for t in tuples]


CASES = []


def case(name, comment, sql, data, sources=None):
    """data: {file: (cols, tuples)}; sources: CREATE text (default: one S over s.jsonl)."""
    assert name.startswith("w_")
    CASES.append({"name": name, "comment": comment, "sql": sql, "data": data,
                  "sources": sources})


# Common schemas
SV = [("sym", "STRING"), ("v", "INT"), ("ts", "BIGINT")]
IDV = [("id", "INT"), ("v", "INT"), ("ts", "BIGINT")]

# ---------------------------------------------------------------- length
case("w_length_sum",
     "length(3): one row per arrival over the last 3 events (sum, count, avg);\n"
     "the oldest leaves when the 4th arrives; equal timestamps keep file order",
     "INSERT INTO Out SELECT id, sum(v) AS total, count() AS n, avg(v) AS mean\n"
     "FROM S WINDOW('length', 3);\n",
     {"s.jsonl": (IDV, [(1, 10, 100), (2, 20, 110), (3, 30, 110), (4, 40, 120),
                        (5, 5, 130), (6, 1, 130), (7, 2, 200)])})

case("w_length_all_events",
     "length(2) with INSERT ALL EVENTS: the pushed-out event's EXPIRED row comes first,\n"
     "stamped with the arrival time, non-aggregate columns from the expired event",
     "INSERT ALL EVENTS INTO AllRows SELECT id, v, sum(v) AS total FROM S WINDOW('length', 2);\n"
     "INSERT EXPIRED EVENTS INTO ExpRows SELECT id, v, sum(v) AS total FROM S WINDOW('length', 2);\n",
     {"s.jsonl": (IDV, [(1, 1, 10), (2, 2, 20), (3, 4, 30), (4, 8, 30), (5, 16, 45)])})

case("w_length_group",
     "length(3) GROUP BY sym: the window holds the last 3 events of the stream (not per\n"
     "group); each arrival emits its own group's row; a group's sum drops silently when\n"
     "its event is pushed out by another group's arrival",
     "INSERT INTO Out SELECT sym, v, sum(v) AS total, count() AS n FROM S\n"
     "WINDOW('length', 3) GROUP BY sym;\n",
     {"s.jsonl": (SV, [("a", 1, 10), ("b", 10, 20), ("a", 2, 30), ("b", 20, 40),
                       ("b", 30, 50), ("a", 3, 60), ("c", 100, 60), ("a", 4, 70)])})

# ---------------------------------------------------------------- lengthBatch
case("w_lengthbatch_rows",
     "lengthBatch(3) without aggregates: every event of a full batch is emitted when the\n"
     "3rd arrives, stamped with its time; the trailing partial batch is never emitted",
     "INSERT INTO Out SELECT id, v FROM S WINDOW('lengthBatch', 3);\n",
     {"s.jsonl": (IDV, [(1, 1, 10), (2, 2, 20), (3, 3, 30), (4, 4, 40), (5, 5, 40),
                        (6, 6, 55), (7, 7, 60), (8, 8, 70)])})

case("w_lengthbatch_worked_example",
     "the worked example of LANGUAGE.md 2.4.8: lengthBatch(3) grouped outputs the last row\n"
     "of each group per flush, groups in first-appearance order: (a,4),(b,2); then a second\n"
     "batch (b first) and a partial batch that is dropped",
     "INSERT INTO Out SELECT sym, sum(v) AS s FROM S WINDOW('lengthBatch', 3) GROUP BY sym;\n",
     {"s.jsonl": (SV, [("a", 1, 1), ("b", 2, 2), ("a", 3, 3),
                       ("b", 5, 4), ("c", 7, 5), ("a", 11, 6),
                       ("a", 100, 7), ("b", 200, 8)])})

case("w_lengthbatch_ungrouped_agg",
     "lengthBatch(4) with aggregates and no GROUP BY: one row per flush; non-aggregate\n"
     "columns come from the last event of the batch; the aggregates restart (RESET) each batch",
     "INSERT INTO Out SELECT id, count() AS n, sum(v) AS total, min(v) AS lo, max(v) AS hi\n"
     "FROM S WINDOW('lengthBatch', 4);\n",
     {"s.jsonl": (IDV, [(1, 5, 10), (2, 3, 10), (3, 9, 20), (4, 7, 30),
                        (5, 2, 40), (6, 8, 50), (7, 4, 60), (8, 6, 60), (9, 1, 70)])})

case("w_lengthbatch_stream_current",
     "lengthBatch(3, true) (streamCurrent): every event is emitted on arrival with the\n"
     "running aggregate; the aggregate restarts after each full batch of 3",
     "INSERT INTO Out SELECT id, sum(v) AS total, count() AS n FROM S WINDOW('lengthBatch', 3, true);\n",
     {"s.jsonl": (IDV, [(1, 1, 10), (2, 2, 20), (3, 4, 30), (4, 8, 40), (5, 16, 50),
                        (6, 32, 60), (7, 64, 70)])})

case("w_lengthbatch_all_events",
     "lengthBatch(2) with INSERT ALL EVENTS and no aggregates: each flush emits the\n"
     "previous batch as EXPIRED, then the new batch as CURRENT, all at the flush time",
     "INSERT ALL EVENTS INTO AllRows SELECT id, v FROM S WINDOW('lengthBatch', 2);\n"
     "INSERT EXPIRED EVENTS INTO ExpRows SELECT id FROM S WINDOW('lengthBatch', 2);\n",
     {"s.jsonl": (IDV, [(1, 1, 10), (2, 2, 20), (3, 3, 30), (4, 4, 40), (5, 5, 50),
                        (6, 6, 60), (7, 7, 70)])})

# ---------------------------------------------------------------- time
case("w_time_sliding",
     "time(100 ms): one row per arrival over (ts-100, ts]; an event arriving exactly 100 ms\n"
     "after another no longer sees it (the expiry timer fires first)",
     "INSERT INTO Out SELECT id, sum(v) AS total, count() AS n FROM S WINDOW('time', 100 MILLISECONDS);\n",
     {"s.jsonl": (IDV, [(1, 1, 1000), (2, 2, 1050), (3, 4, 1050), (4, 8, 1100),
                        (5, 16, 1149), (6, 32, 1150), (7, 64, 1400)])})

case("w_time_expired",
     "time(50 ms) with INSERT EXPIRED EVENTS: each event comes back at ts+50 with the count\n"
     "after its removal; expiries at the end of input still fire",
     "INSERT EXPIRED EVENTS INTO Out SELECT id, count() AS n, sum(v) AS total\n"
     "FROM S WINDOW('time', 50 MILLISECONDS);\n",
     {"s.jsonl": (IDV, [(1, 1, 100), (2, 2, 120), (3, 4, 120), (4, 8, 150),
                        (5, 16, 170), (6, 32, 300)])})

case("w_time_all_events_order",
     "time(100 ms) INSERT ALL EVENTS without aggregates: at equal times the expiry\n"
     "(timer) rows come before the arrival rows; EXPIRED rows stamped ts+100",
     "INSERT ALL EVENTS INTO Out SELECT id, v FROM S WINDOW('time', 100 MILLISECONDS);\n",
     {"s.jsonl": (IDV, [(1, 1, 0), (2, 2, 50), (3, 3, 100), (4, 4, 150), (5, 5, 150),
                        (6, 6, 400)])})

# ---------------------------------------------------------------- timeBatch / tumbling
case("w_timebatch_basic",
     "timeBatch(100 ms): one row per non-empty batch [k*100,(k+1)*100), stamped with the\n"
     "batch end; an event exactly at a boundary belongs to the next batch; empty batches\n"
     "emit nothing; the open batch flushes at its end when the input ends",
     "INSERT INTO Out SELECT count() AS n, sum(v) AS total, min(v) AS lo FROM S\n"
     "WINDOW('timeBatch', 100 MILLISECONDS);\n",
     {"s.jsonl": (IDV, [(1, 3, 10), (2, 5, 60), (3, 7, 99), (4, 11, 100), (5, 13, 150),
                        (6, 17, 420), (7, 19, 430)])})

case("w_tumbling_rows",
     "tumbling(1 SECOND) and timeBatch(2 SECONDS) without aggregates: every event of a\n"
     "batch is emitted at the batch end in arrival order",
     "INSERT INTO Out SELECT id, v FROM S WINDOW('tumbling', 1 SECOND);\n"
     "INSERT INTO Out2 SELECT id FROM S WINDOW('timeBatch', 2 SECONDS);\n",
     {"s.jsonl": (IDV, [(1, 1, 100), (2, 2, 999), (3, 3, 1000), (4, 4, 1000),
                        (5, 5, 2500), (6, 6, 2999)])})

case("w_tumbling_group",
     "tumbling(100 ms) GROUP BY sym: one row per group per batch, groups in order of first\n"
     "appearance in that batch; rows of one batch share the boundary timestamp",
     "INSERT INTO Out SELECT sym, sum(v) AS total, count() AS n FROM S\n"
     "WINDOW('tumbling', 100 MILLISECONDS) GROUP BY sym;\n",
     {"s.jsonl": (SV, [("b", 1, 5), ("a", 2, 10), ("b", 3, 20), ("c", 4, 90),
                       ("a", 5, 100), ("c", 6, 110), ("a", 7, 199),
                       ("c", 8, 350)])})

case("w_tumbling_start",
     "tumbling(100 ms, 30): batches are [30+k*100, 130+k*100), so rows are stamped 130,\n"
     "230, ...; an event at 130 opens the next batch",
     "INSERT INTO Out SELECT count() AS n, sum(v) AS total FROM S WINDOW('tumbling', 100 MILLISECONDS, 30);\n",
     {"s.jsonl": (IDV, [(1, 1, 30), (2, 2, 100), (3, 4, 129), (4, 8, 130), (5, 16, 229),
                        (6, 32, 230), (7, 64, 480)])})

case("w_tumbling_expired",
     "tumbling(100 ms) INSERT EXPIRED EVENTS without aggregates: a batch comes back as\n"
     "EXPIRED at the next boundary, also when that next batch is empty and after the end of\n"
     "the input",
     "INSERT EXPIRED EVENTS INTO Exp SELECT id, v FROM S WINDOW('tumbling', 100 MILLISECONDS);\n"
     "INSERT ALL EVENTS INTO AllRows SELECT id, v FROM S WINDOW('tumbling', 100 MILLISECONDS);\n",
     {"s.jsonl": (IDV, [(1, 1, 10), (2, 2, 20), (3, 3, 120), (4, 4, 380), (5, 5, 390)])})

case("w_tumbling_all_agg",
     "tumbling(100 ms) GROUP BY sym with INSERT ALL EVENTS: the flush chunk is EXPIRED(previous\n"
     "batch), RESET, CURRENT(batch) and only the last kept row of each group is output, so a\n"
     "group present in both batches shows its CURRENT row and a group that vanished shows its\n"
     "EXPIRED row (count 0, sum NULL)",
     "INSERT ALL EVENTS INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S\n"
     "WINDOW('tumbling', 100 MILLISECONDS) GROUP BY sym;\n",
     {"s.jsonl": (SV, [("a", 1, 10), ("b", 2, 20), ("a", 3, 30),
                       ("b", 4, 110), ("c", 5, 150),
                       ("c", 6, 210)])})

# ---------------------------------------------------------------- externalTime(Batch)
ET = [("id", "INT"), ("v", "INT"), ("et", "BIGINT"), ("ts", "BIGINT")]

case("w_external_time",
     "externalTime(et, 100 ms): the clock is the attribute et, not the event time; an arrival\n"
     "expires held events with et <= arrival.et - 100 (exactly 100 expires); EXPIRED rows are\n"
     "stamped with the arrival's event time; nothing expires without an arrival (no timer)",
     "INSERT INTO Out SELECT id, count() AS n, sum(v) AS total FROM S WINDOW('externalTime', et, 100 MILLISECONDS);\n"
     "INSERT ALL EVENTS INTO AllRows SELECT id, et FROM S WINDOW('externalTime', et, 100 MILLISECONDS);\n",
     {"s.jsonl": (ET, [(1, 1, 5000, 10), (2, 2, 5060, 11), (3, 4, 5100, 12),
                       (4, 8, 5159, 12), (5, 16, 5161, 13), (6, 32, 5400, 20)])})

case("w_external_time_batch",
     "externalTimeBatch(et, 100 ms): batches [first.et + k*100, ...); a batch flushes when an\n"
     "event with et >= its end arrives (that event opens the next batch), stamped with that\n"
     "event's time; skipped (empty) batches emit nothing; the last partial batch is dropped",
     "INSERT INTO Out SELECT count() AS n, sum(v) AS total, max(et) AS last_et FROM S\n"
     "WINDOW('externalTimeBatch', et, 100 MILLISECONDS);\n",
     {"s.jsonl": (ET, [(1, 1, 1030, 1), (2, 2, 1080, 2), (3, 4, 1129, 3),
                       (4, 8, 1130, 4), (5, 16, 1200, 5), (6, 32, 1455, 6),
                       (7, 64, 1460, 7)])})

case("w_external_time_batch_start",
     "externalTimeBatch(et, 100 ms, 1000): the start argument aligns batches to\n"
     "[1000 + k*100, ...) instead of the first event's et (same input as\n"
     "w_external_time_batch, different batches)",
     "INSERT INTO Out SELECT count() AS n, sum(v) AS total, max(et) AS last_et FROM S\n"
     "WINDOW('externalTimeBatch', et, 100 MILLISECONDS, 1000);\n",
     {"s.jsonl": (ET, [(1, 1, 1030, 1), (2, 2, 1080, 2), (3, 4, 1129, 3),
                       (4, 8, 1130, 4), (5, 16, 1200, 5), (6, 32, 1455, 6),
                       (7, 64, 1460, 7)])})

case("w_external_time_batch_expired",
     "externalTimeBatch(et, 50 ms) with INSERT ALL EVENTS and no aggregates: at each flush\n"
     "the previous batch comes as EXPIRED before the new batch's CURRENT rows",
     "INSERT ALL EVENTS INTO Out SELECT id, et FROM S WINDOW('externalTimeBatch', et, 50 MILLISECONDS);\n",
     {"s.jsonl": (ET, [(1, 1, 200, 100), (2, 2, 230, 101), (3, 4, 250, 102),
                       (4, 8, 260, 103), (5, 16, 300, 104), (6, 32, 420, 105)])})

# ---------------------------------------------------------------- hop
case("w_hop_basic",
     "hop(100 ms, 50 ms): windows [k*50, k*50+100) each close at their end as a batch flush\n"
     "stamped with the end; every event is in two windows; windows with no events emit\n"
     "nothing; at end of input the open windows flush at their own ends in time order",
     "INSERT INTO Out SELECT count() AS n, sum(v) AS total FROM S WINDOW('hop', 100 MILLISECONDS, 50 MILLISECONDS);\n",
     {"s.jsonl": (IDV, [(1, 1, 1010), (2, 2, 1050), (3, 4, 1099), (4, 8, 1100),
                        (5, 16, 1160), (6, 32, 1420)])})

case("w_hop_sliding_group",
     "sliding(150 ms, 50 ms) GROUP BY sym: three overlapping windows per event; each\n"
     "closing window emits one row per group, in first-appearance order within the window",
     "INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S\n"
     "WINDOW('sliding', 150 MILLISECONDS, 50 MILLISECONDS) GROUP BY sym;\n",
     {"s.jsonl": (SV, [("a", 1, 1000), ("b", 2, 1040), ("a", 4, 1060), ("b", 8, 1120),
                       ("a", 16, 1150)])})

# ---------------------------------------------------------------- aggregates
NV = [("id", "INT"), ("x", "INT"), ("d", "DOUBLE"), ("ts", "BIGINT")]

case("w_agg_count_null",
     "count() / count(*) count events, count(x) counts non-NULL x; no window (whole history)",
     "INSERT INTO Out SELECT id, count() AS c_all, count(*) AS c_star, count(x) AS c_x,\n"
     "count(d) AS c_d FROM S;\n",
     {"s.jsonl": (NV, [(1, 5, None, 10), (2, None, 1.5, 20), (3, None, None, 30),
                       (4, 7, 2.0, 40)])})

case("w_agg_sum_avg",
     "sum(INT) is LONG, sum(DOUBLE) and avg are DOUBLE; NULLs are skipped; over only NULLs\n"
     "sum and avg are NULL; length(3) removals",
     "INSERT INTO Out SELECT id, sum(x) AS sx, sum(d) AS sd, avg(x) AS ax, avg(d) AS ad\n"
     "FROM S WINDOW('length', 3);\n",
     {"s.jsonl": (NV, [(1, None, None, 10), (2, 4, 0.5, 20), (3, 5, None, 30),
                       (4, None, 2.25, 40), (5, None, None, 50), (6, None, None, 60),
                       (7, -3, -1.5, 70), (8, 2, 4.0, 80)])})

case("w_agg_min_max_removal",
     "min/max over length(3): when the current min or max leaves the window the next one\n"
     "takes over; INT and DOUBLE arguments keep their types",
     "INSERT INTO Out SELECT id, min(x) AS lo, max(x) AS hi, min(d) AS dlo, max(d) AS dhi\n"
     "FROM S WINDOW('length', 3);\n",
     {"s.jsonl": (NV, [(1, 1, 9.5, 10), (2, 9, 0.5, 20), (3, 5, 5.0, 30), (4, 4, 6.0, 40),
                       (5, 3, 7.0, 50), (6, 8, 1.0, 60), (7, 2, None, 70)])})

case("w_agg_forever_tumbling",
     "minForever/maxForever ignore the RESET of each tumbling batch while min/max restart;\n"
     "per batch one row",
     "INSERT INTO Out SELECT min(x) AS lo, max(x) AS hi, minForever(x) AS lo_ever,\n"
     "maxForever(x) AS hi_ever FROM S WINDOW('tumbling', 100 MILLISECONDS);\n",
     {"s.jsonl": (NV, [(1, 5, None, 10), (2, 7, None, 50), (3, 6, None, 110),
                       (4, 8, None, 150), (5, 2, None, 220), (6, 4, None, 230),
                       (7, 3, None, 330)])})

case("w_agg_distinct_stddev",
     "distinctCount and population stdDev over length(4), with removals and a NULL",
     "INSERT INTO Out SELECT id, distinctCount(x) AS dc, stdDev(x) AS sx, stdDev(d) AS sdd\n"
     "FROM S WINDOW('length', 4);\n",
     {"s.jsonl": (NV, [(1, 6, 3.0, 10), (2, 0, 1.5, 20), (3, None, 3.0, 30), (4, 3, 4.0, 40),
                       (5, 6, 1.0, 50), (6, 6, 4.0, 60), (7, 2, None, 70)])})

BV = [("id", "INT"), ("sym", "STRING"), ("ok", "BOOL"), ("ts", "BIGINT")]

case("w_agg_and_or_first_last",
     "and/or over BOOL and first/last over length(3), NULLs skipped; and is true iff at\n"
     "least one true and no false is held; a window holding only NULL flags gives false/false",
     "INSERT INTO Out SELECT id, and(ok) AS all_ok, or(ok) AS any_ok, first(sym) AS f,\n"
     "last(sym) AS l FROM S WINDOW('length', 3);\n",
     {"s.jsonl": (BV, [(1, "p", True, 10), (2, "q", True, 20), (3, "r", False, 30),
                       (4, "s", True, 40), (5, None, None, 50), (6, "t", None, 60),
                       (7, "u", True, 70), (8, "v", None, 80), (9, "w", None, 90),
                       (10, "x", None, 100)])})

case("w_agg_empty_window",
     "when a time window empties, INSERT EXPIRED EVENTS shows the empty-window values:\n"
     "count 0, sum/avg/min/max/stdDev/first NULL, distinctCount 0, and/or false",
     "INSERT EXPIRED EVENTS INTO Out SELECT id, count() AS n, sum(v) AS s, avg(v) AS a, min(v) AS lo,\n"
     "max(v) AS hi, stdDev(v) AS sd, distinctCount(v) AS dc, and(ok) AS all_ok, or(ok) AS any_ok,\n"
     "first(v) AS f FROM S WINDOW('time', 100 MILLISECONDS);\n",
     {"s.jsonl": ([("id", "INT"), ("v", "INT"), ("ok", "BOOL"), ("ts", "BIGINT")],
                  [(1, 3, True, 0), (2, 5, True, 40), (3, 7, False, 300)])})

case("w_agg_no_window_group",
     "aggregates with no window run over the whole history per group; each arrival emits\n"
     "its own group's row; NULL keys form one group; a NULL value is counted by count()\n"
     "but skipped by sum/max",
     "INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total, max(v) AS hi FROM S GROUP BY sym;\n",
     {"s.jsonl": (SV, [("a", 1, 10), ("b", 5, 20), ("a", 3, 30), (None, 9, 35), ("a", 2, 40),
                       ("c", 4, 50), ("b", 1, 60), ("c", None, 70), (None, 1, 80)])})

RSV = [("region", "STRING"), ("sym", "STRING"), ("v", "INT"), ("ts", "BIGINT")]

case("w_group_multi_qualified",
     "GROUP BY two keys, one written qualified (s.region) with a stream alias; tumbling\n"
     "batch; one row per (region, sym) pair in first-appearance order",
     "INSERT INTO Out SELECT s.region, sym, count() AS n, sum(s.v) AS total FROM S AS s\n"
     "WINDOW('tumbling', 100 MILLISECONDS) GROUP BY s.region, sym;\n",
     {"s.jsonl": (RSV, [("eu", "a", 1, 10), ("us", "a", 2, 20), ("eu", "b", 3, 30),
                        ("eu", "a", 4, 40), ("us", "a", 5, 50), ("us", "b", 6, 150),
                        ("eu", "b", 7, 160), ("us", "b", 8, 170)])})

case("w_having",
     "HAVING with an aggregate that is not selected, and HAVING on an output alias; rows\n"
     "that fail still update the aggregates",
     "INSERT INTO ByAgg SELECT sym, sum(v) AS total FROM S WINDOW('length', 4) GROUP BY sym\n"
     "HAVING count() >= 2;\n"
     "INSERT INTO ByAlias SELECT sym, avg(v) AS mean FROM S GROUP BY sym HAVING mean > 2.5;\n",
     {"s.jsonl": (SV, [("a", 1, 10), ("b", 4, 20), ("a", 2, 30), ("b", 6, 40),
                       ("a", 9, 50), ("c", 3, 60), ("b", 1, 70), ("a", 1, 80)])})

case("w_order_limit_batch",
     "ORDER BY / LIMIT / OFFSET apply per batch flush: top 2 groups by total (DESC) per\n"
     "tumbling batch (the tie b=d=7 at the cut keeps chunk order: b), and groups 2-3 by\n"
     "name (ASC, OFFSET 1 LIMIT 2) per lengthBatch",
     "INSERT INTO Top2 SELECT sym, sum(v) AS total FROM S WINDOW('tumbling', 100 MILLISECONDS)\n"
     "GROUP BY sym ORDER BY total DESC LIMIT 2;\n"
     "INSERT INTO Mid SELECT sym, count() AS n FROM S WINDOW('lengthBatch', 5) GROUP BY sym\n"
     "ORDER BY sym ASC LIMIT 2 OFFSET 1;\n",
     {"s.jsonl": (SV, [("a", 5, 10), ("b", 7, 20), ("c", 1, 30), ("d", 7, 40), ("a", 3, 50),
                       ("c", 9, 110), ("b", 2, 120), ("a", 4, 130), ("c", 1, 140),
                       ("d", 8, 150)])})

case("w_insert_kinds_length",
     "INSERT CURRENT / EXPIRED / ALL EVENTS on the same length(2) window with count()",
     "INSERT CURRENT EVENTS INTO Cur SELECT id, count() AS n FROM S WINDOW('length', 2);\n"
     "INSERT EXPIRED EVENTS INTO Exp SELECT id, count() AS n FROM S WINDOW('length', 2);\n"
     "INSERT ALL EVENTS INTO AllRows SELECT id, count() AS n FROM S WINDOW('length', 2);\n",
     {"s.jsonl": (IDV, [(1, 0, 10), (2, 0, 20), (3, 0, 30), (4, 0, 30), (5, 0, 50)])})

case("w_insert_kinds_time",
     "INSERT CURRENT / EXPIRED / ALL EVENTS on the same time(30 ms) window with sum();\n"
     "expiries are stamped ts+30 and precede arrivals at the same time",
     "INSERT INTO Cur SELECT id, sum(v) AS total FROM S WINDOW('time', 30 MILLISECONDS);\n"
     "INSERT EXPIRED EVENTS INTO Exp SELECT id, sum(v) AS total FROM S WINDOW('time', 30 MILLISECONDS);\n"
     "INSERT ALL EVENTS INTO AllRows SELECT id, sum(v) AS total FROM S WINDOW('time', 30 MILLISECONDS);\n",
     {"s.jsonl": (IDV, [(1, 1, 100), (2, 2, 110), (3, 4, 130), (4, 8, 140), (5, 16, 200)])})

case("w_chain_window",
     "windows on streams produced by other queries: a filtered stream feeds a time window,\n"
     "and tumbling rows (stamped with the batch end) feed a second tumbling window, where a\n"
     "row stamped exactly at 200 belongs to the batch [200,400)",
     "INSERT INTO Big SELECT sym, v * 10 AS w FROM S WHERE v > 1;\n"
     "INSERT INTO Recent SELECT sym, sum(w) AS total FROM Big WINDOW('time', 100 MILLISECONDS);\n"
     "INSERT INTO PerBatch SELECT sym, count() AS n FROM S WINDOW('tumbling', 100 MILLISECONDS) GROUP BY sym;\n"
     "INSERT INTO Rollup SELECT count() AS batches, sum(n) AS evs FROM PerBatch\n"
     "WINDOW('tumbling', 200 MILLISECONDS);\n",
     {"s.jsonl": (SV, [("a", 1, 10), ("b", 2, 20), ("a", 3, 150), ("b", 4, 160),
                       ("a", 5, 210), ("a", 6, 250), ("b", 7, 330), ("a", 8, 420)])})

case("w_chain_length_on_batch",
     "a length(2) window over the output of a tumbling query: each batch row arrives at the\n"
     "batch end and the sliding sum covers the last two batch rows",
     "INSERT INTO PerBatch SELECT sum(v) AS total FROM S WINDOW('tumbling', 100 MILLISECONDS);\n"
     "INSERT INTO Smooth SELECT total, sum(total) AS two FROM PerBatch WINDOW('length', 2);\n",
     {"s.jsonl": (IDV, [(1, 1, 10), (2, 2, 60), (3, 4, 120), (4, 8, 330), (5, 16, 340),
                        (6, 32, 450)])})

case("w_window_name_spelling",
     "window names match ignoring case and underscores: 'LENGTH', 'Length_Batch',\n"
     "'TimeBatch', 'time_batch', 'TUMBLING', 'External_Time'",
     "INSERT INTO L SELECT id, count() AS n FROM S WINDOW('LENGTH', 2);\n"
     "INSERT INTO LB SELECT id, count() AS n FROM S WINDOW('Length_Batch', 2);\n"
     "INSERT INTO TB1 SELECT count() AS n FROM S WINDOW('TimeBatch', 100 MILLISECONDS);\n"
     "INSERT INTO TB2 SELECT count() AS n FROM S WINDOW('time_batch', 100 MILLISECONDS);\n"
     "INSERT INTO TB3 SELECT count() AS n FROM S WINDOW('TUMBLING', 100 MILLISECONDS);\n"
     "INSERT INTO ET SELECT id, count() AS n FROM S WINDOW('External_Time', ts, 100 MILLISECONDS);\n",
     {"s.jsonl": (IDV, [(1, 0, 10), (2, 0, 50), (3, 0, 110), (4, 0, 150), (5, 0, 250)])})

case("w_where_before_window",
     "WHERE filters before the window: with lengthBatch(2) only matching events fill the\n"
     "batch (a non-matching event takes no slot), and length(2) holds the last 2 matching ones",
     "INSERT INTO Batches SELECT id, v FROM S WINDOW('lengthBatch', 2) WHERE v > 100;\n"
     "INSERT INTO Slide SELECT id, sum(v) AS total FROM S WINDOW('length', 2) WHERE v > 100;\n",
     {"s.jsonl": (IDV, [(1, 50, 10), (2, 200, 20), (3, 60, 30), (4, 300, 40), (5, 400, 50),
                        (6, 70, 60), (7, 500, 70)])})

case("w_time_group_expiry",
     "time(100 ms) GROUP BY sym: each arrival emits its group's running values over the\n"
     "last 100 ms; expiries of other groups change later rows silently",
     "INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total, avg(v) AS mean FROM S\n"
     "WINDOW('time', 100 MILLISECONDS) GROUP BY sym;\n",
     {"s.jsonl": (SV, [("a", 1, 0), ("b", 2, 30), ("a", 4, 60), ("b", 8, 100),
                       ("a", 16, 160), ("b", 32, 200), ("a", 64, 200)])})

case("w_timebatch_equal_ts_boundary",
     "timeBatch(50 ms) GROUP BY sym with many equal timestamps: several events at one\n"
     "boundary all open the next batch; groups ordered by first appearance (file order)",
     "INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S\n"
     "WINDOW('timeBatch', 50 MILLISECONDS) GROUP BY sym;\n",
     {"s.jsonl": (SV, [("x", 1, 25), ("y", 2, 25), ("x", 4, 25), ("y", 8, 50), ("x", 16, 50),
                       ("z", 32, 50), ("y", 64, 99), ("z", 128, 100)])})


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

def render_inputs(data):
    files = {}
    texts = {}
    for path, (cols, tuples) in data.items():
        rs = rows(cols, tuples)
        files[path] = rs
        texts[path] = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in rs)
    return files, texts


def render_case(c):
    files, texts = render_inputs(c["data"])
    if c["sources"] is None:
        (path, (cols, _)), = c["data"].items()
        sources = src("S", cols, path)
    else:
        sources = c["sources"]
    comment = "".join("-- " + l + "\n" for l in c["comment"].split("\n"))
    app = sources + comment + c["sql"]
    outs = simulate(app, files)
    result = {"app.sql": app}
    result.update(texts)
    for name, lines in outs.items():
        result[os.path.join("expected", name + ".jsonl")] = "".join(l + "\n" for l in lines)
    return result


def main(argv):
    check = "--check" in argv
    only = [a for a in argv if not a.startswith("--")]
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names))
    bad = 0
    for c in CASES:
        if only and c["name"] not in only:
            continue
        files = render_case(c)
        d = os.path.join(PENDING, c["name"])
        for rel, text in files.items():
            if not sync(os.path.join(d, rel), text, check):
                bad += 1
    print("%d cases%s" % (len(CASES), ", %d differences" % bad if check else " written"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
