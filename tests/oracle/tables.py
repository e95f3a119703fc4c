#!/usr/bin/env python3
"""Independent oracle for the table golden cases `tests/run/table_*`.

Written from LANGUAGE.md §2.2 (CREATE TABLE), §2.10 (table operations), the
stream-table part of §2.8, §3.3 (order of processing, table visibility) and the
visibility decision documented in README.md ("Tables"), NOT from the engine.
Python 3 standard library only.

    python3 tests/oracle/tables.py            # (re)write every table_* case directory
    python3 tests/oracle/tables.py --check    # compare with the files on disk
    python3 tests/oracle/tables.py table_upsert   # only these cases

A case lists its streams (schema and input rows), its tables and its statements. Each
statement is given twice: as SQL text for `app.sql`, and as Python functions for the
simulation. The oracle writes `app.sql`, the inputs and `expected/<Out>.jsonl`.

Simulation (one global sequence, no workers):
* every source record has the ordering key (rank, line): rank is the stream's
  1-based declaration position, line its position in the file;
* each record triggers the statements that read its stream. A probe (join lookup,
  EXISTS test), an UPDATE or a DELETE acts with the record's own key; an INSERT or
  UPSERT goes through its SELECT, so it acts with the derived key (rank, line, q),
  q = the statement's position, which sorts after the record's own key;
* all actions are applied in (time, key) order; for the very same key, probes
  before mutations, each in statement order. So a probe sees exactly the mutations
  that sort before it (the §3.3 rule);
* INSERT with a primary key drops a row whose key is present; UPDATE assigns from
  the row as it was before; an UPDATE or UPSERT that would give a row the key of
  another row leaves it unchanged; UPSERT replaces every row ON matches, else inserts;
  a cache with max_size n evicts the least recently inserted row once it holds n + 1;
* a join probe yields one row per matching table row in insertion order, or one
  NULL-padded row for an unmatched LEFT/RIGHT OUTER probe; rows are stamped with the
  probe's time and written in (time, key, match index) order.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.normpath(os.path.join(HERE, "..", "run"))

# ---------------------------------------------------------------------------
# Values: None is NULL; a comparison with NULL is false (§1.7).
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
# Statements
# ---------------------------------------------------------------------------


class Insert:
    """INSERT INTO table SELECT …: fn(s) gives the table row (dict) or None."""

    def __init__(self, table, src, sql, fn):
        self.table, self.src, self.sql, self.fn = table, src, sql, fn


class Update:
    def __init__(self, table, src, sql, cond, sets):
        self.table, self.src, self.sql, self.cond, self.sets = table, src, sql, cond, sets


class Delete:
    def __init__(self, table, src, sql, cond):
        self.table, self.src, self.sql, self.cond = table, src, sql, cond


class Upsert:
    """fn(s) gives the new row or None (WHERE); on(t, new) decides replacement."""

    def __init__(self, table, src, sql, fn, on):
        self.table, self.src, self.sql, self.fn, self.on = table, src, sql, fn, on


class Join:
    """select(s, t, state) gives the output row (list of (name, value)) or None
    (WHERE / HAVING); t is None for the NULL-padded row of an outer probe."""

    def __init__(self, out, src, table, sql, on, select, outer=False):
        self.out, self.src, self.table, self.sql = out, src, table, sql
        self.on, self.select, self.outer = on, select, outer
        self.state = {}


class Exists:
    """tests: [(table, cond(s, t))]; select(s, flags) gives the row or None."""

    def __init__(self, out, src, sql, tests, select):
        self.out, self.src, self.sql, self.tests, self.select = out, src, sql, tests, select


PROBES = (Join, Exists)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


class Table:
    def __init__(self, name, cols, pk, cache=None):
        self.name, self.cols, self.pk, self.cache = name, cols, pk, cache
        self.rows = []  # [(insertion number, row dict)] in insertion order
        self.next = 0
        self.dropped = 0

    def key(self, row):
        return tuple(row[c] for c in self.pk)

    def keys_except(self, n):
        return [self.key(r) for m, r in self.rows if m != n]

    def insert(self, row):
        if self.pk and self.key(row) in [self.key(r) for _, r in self.rows]:
            self.dropped += 1
            return
        self.rows.append((self.next, dict(row)))
        self.next += 1
        if self.cache is not None:
            while len(self.rows) > self.cache:
                self.rows.pop(0)

    def replace(self, n, new):
        if self.pk and self.key(new) in self.keys_except(n):
            self.dropped += 1
            return
        self.rows = [(m, dict(new) if m == n else r) for m, r in self.rows]


def declare_col(name, ty, pk_inline):
    return "%s %s%s" % (name, ty, " PRIMARY KEY" if pk_inline else "")


# ---------------------------------------------------------------------------
# A case
# ---------------------------------------------------------------------------


def case(doc, streams, tables, stmts, outs, table_sql=None):
    """streams: [(name, [(col, type)], [row dict])], the event time is `ts`;
    tables: [(name, [(col, type)], pk list, cache size or None, extra SQL)]."""
    return {"doc": doc, "streams": streams, "tables": tables, "stmts": stmts,
            "outs": outs, "table_sql": table_sql or {}}


def app_sql(c):
    lines = []
    for line in c["doc"].strip().splitlines():
        lines.append("-- " + line.strip())
    for name, cols, _ in c["streams"]:
        lines.append("CREATE STREAM %s (%s)" % (name, ", ".join("%s %s" % x for x in cols)))
        lines.append("WITH ('type' = 'source', 'extension' = 'file', 'file.path' = "
                     "'%s.jsonl', 'format' = 'json', 'event.time' = 'ts');" % name.lower())
    for name, cols, pk, cache in c["tables"]:
        if name in c["table_sql"]:
            lines.append(c["table_sql"][name])
            continue
        inline = len(pk) == 1
        body = ", ".join(declare_col(n, t, inline and n == pk[0]) for n, t in cols)
        if len(pk) > 1:
            body += ", PRIMARY KEY (%s)" % ", ".join(pk)
        with_ = ""
        if cache is not None:
            with_ = " WITH ('extension' = 'cache', 'max_size' = '%d')" % cache
        lines.append("CREATE TABLE %s (%s)%s;" % (name, body, with_))
    for s in c["stmts"]:
        lines.append(s.sql.strip() + ";")
    return "\n".join(lines) + "\n"


def simulate(c):
    rank = {name: i + 1 for i, (name, _, _) in enumerate(c["streams"])}
    first_stmt = len(c["streams"]) + len(c["tables"]) + 1
    tables = {name: Table(name, cols, pk, cache) for name, cols, pk, cache in c["tables"]}
    actions = []  # (sort key, statement id, statement, record)
    for name, _, rows in c["streams"]:
        for line, row in enumerate(rows):
            for i, st in enumerate(c["stmts"]):
                q = first_stmt + i
                if st.src != name:
                    continue
                derived = isinstance(st, (Insert, Upsert))
                cls = 0 if isinstance(st, PROBES) else 1
                key = (row["ts"], rank[name], line, q if derived else 0, cls, q)
                actions.append((key, q, st, row))
    actions.sort(key=lambda a: a[0])
    outs = {o: [] for o in c["outs"]}
    for key, q, st, s in actions:
        if isinstance(st, Insert):
            r = st.fn(s)
            if r is not None:
                tables[st.table].insert(r)
        elif isinstance(st, Update):
            t = tables[st.table]
            for n, row in list(t.rows):
                if st.cond(row, s):
                    new = dict(row)
                    new.update(st.sets(row, s))
                    t.replace(n, new)
        elif isinstance(st, Delete):
            t = tables[st.table]
            t.rows = [(n, r) for n, r in t.rows if not st.cond(r, s)]
        elif isinstance(st, Upsert):
            new = st.fn(s)
            if new is None:
                continue
            t = tables[st.table]
            hits = [n for n, r in t.rows if st.on(r, new)]
            if not hits:
                t.insert(new)
            for n in hits:
                t.replace(n, new)
        elif isinstance(st, Join):
            t = tables[st.table]
            matches = [r for _, r in t.rows if st.on(s, r)]
            if not matches and st.outer:
                matches = [None]
            for i, r in enumerate(matches):
                out = st.select(s, r, st.state)
                if out is not None:
                    outs[st.out].append((key[:3] + (q, i), out, s["ts"]))
        elif isinstance(st, Exists):
            flags = [any(cond(s, r) for _, r in tables[tn].rows) for tn, cond in st.tests]
            out = st.select(s, flags)
            if out is not None:
                outs[st.out].append((key[:3] + (q, 0), out, s["ts"]))
    text = {}
    for o, rows in outs.items():
        rows.sort(key=lambda x: x[0])
        lines = []
        for _, out, ts in rows:
            d = dict(out)
            d["_ts"] = ts
            lines.append(json.dumps(d, separators=(",", ":")))
        text[o] = "".join(line + "\n" for line in lines)
    return text, tables


def files(c):
    f = {"app.sql": app_sql(c)}
    for name, _, rows in c["streams"]:
        f["%s.jsonl" % name.lower()] = "".join(
            json.dumps(r, separators=(",", ":")) + "\n" for r in rows)
    text, tables = simulate(c)
    for o, t in text.items():
        f["expected/%s.jsonl" % o] = t
    if any(t.dropped for t in tables.values()):
        f["expected/stderr"] = "the write is dropped and counted\n"
    return f


# ---------------------------------------------------------------------------
# Shared schemas and inputs
# ---------------------------------------------------------------------------

PRICE_COLS = [("sym", "STRING"), ("price", "DOUBLE"), ("ts", "BIGINT")]
TRADE_COLS = [("sym", "STRING"), ("qty", "INT"), ("ts", "BIGINT")]
LATEST = ("Latest", [("sym", "STRING"), ("price", "DOUBLE")], ["sym"], None)
LATEST_NOKEY = ("Latest", [("sym", "STRING"), ("price", "DOUBLE")], [], None)


def P(*rows):
    return [{"sym": s, "price": p, "ts": t} for s, p, t in rows]


def T(*rows):
    return [{"sym": s, "qty": q, "ts": t} for s, q, t in rows]


PRICES = P(("a", 1.5, 10), ("b", 2.5, 20), ("a", 9.25, 30), ("c", 4.75, 45),
           ("b", 3.5, 60), ("d", 0.5, 75))
TRADES = T(("a", 1, 5), ("a", 2, 15), ("b", 3, 25), ("c", 4, 40), ("a", 5, 50),
           ("c", 6, 55), ("b", 7, 65), ("e", 8, 80), ("d", 9, 90))

INS_LATEST = Insert("Latest", "Prices",
                    "INSERT INTO Latest SELECT sym, price FROM Prices",
                    lambda s: {"sym": s["sym"], "price": s["price"]})


def join_out(s, t, _st):
    return [("sym", s["sym"]), ("qty", s["qty"]),
            ("price", None if t is None else t["price"])]


JOIN_T = Join("Out", "Trades", "Latest",
              "INSERT INTO Out SELECT t.sym, t.qty, l.price FROM Trades AS t "
              "JOIN Latest AS l ON t.sym = l.sym",
              lambda s, t: eq(s["sym"], t["sym"]), join_out)
LEFT_T = Join("Out", "Trades", "Latest",
              "INSERT INTO Out SELECT t.sym, t.qty, l.price FROM Trades AS t "
              "LEFT OUTER JOIN Latest AS l ON t.sym = l.sym",
              lambda s, t: eq(s["sym"], t["sym"]), join_out, outer=True)

STREAMS = [("Prices", PRICE_COLS, PRICES), ("Trades", TRADE_COLS, TRADES)]


def gen(n, keys, seed, step):
    """Deterministic pseudo-random (key, value, time) triples (no random module)."""
    out, x, t = [], seed, 0
    for _ in range(n):
        x = (x * 1103515245 + 12345) % (1 << 31)
        t += (x >> 8) % step
        out.append((keys[(x >> 4) % len(keys)], (x >> 12) % 100, t))
    return out


# Keyed/global stress: one stream of operations with an `op` column.
OPS_COLS = [("op", "STRING"), ("k", "STRING"), ("v", "INT"), ("ts", "BIGINT")]


def ops_rows(n, seed):
    kinds = ["ins", "ins", "upd", "del", "ups", "ups"]
    out = []
    for i, (k, v, t) in enumerate(gen(n, ["a", "b", "c", "d", "e", "f", "g"], seed, 4)):
        out.append({"op": kinds[(v + i) % len(kinds)], "k": k, "v": v, "ts": t})
    return out


def probe_rows(n, seed):
    return [{"k": k, "ts": t} for k, _, t in gen(n, ["a", "b", "c", "d", "e", "f", "g", "h"],
                                                   seed, 4)]


KV = ("KV", [("k", "STRING"), ("v", "INT")], ["k"], None)


def kv_mutations(pin):
    """INSERT/UPDATE/DELETE/UPSERT on KV driven by the `op` column of Ops; `pin`
    False writes the UPDATE's condition without a key equality (global table)."""
    upd_where = ("KV.k = o.k AND o.op = 'upd'" if pin
                 else "o.op = 'upd' AND KV.k LIKE o.k")
    return [
        Insert("KV", "Ops", "INSERT INTO KV SELECT k, v FROM Ops WHERE op = 'ins'",
               lambda s: {"k": s["k"], "v": s["v"]} if s["op"] == "ins" else None),
        Update("KV", "Ops", "UPDATE KV SET v = KV.v + o.v FROM Ops AS o WHERE " + upd_where,
               lambda t, s: s["op"] == "upd" and eq(t["k"], s["k"]),
               lambda t, s: {"v": add(t["v"], s["v"])}),
        Delete("KV", "Ops", "DELETE FROM KV USING Ops AS o WHERE KV.k = o.k AND o.op = 'del'",
               lambda t, s: s["op"] == "del" and eq(t["k"], s["k"])),
        Upsert("KV", "Ops",
               "UPSERT INTO KV SELECT k, v * 2 AS v FROM Ops WHERE op = 'ups' ON KV.k = k",
               lambda s: {"k": s["k"], "v": s["v"] * 2} if s["op"] == "ups" else None,
               lambda t, new: eq(t["k"], new["k"])),
    ]


KV_PROBE = Join("Out", "Probe", "KV",
                "INSERT INTO Out SELECT p.k, kv.v FROM Probe AS p LEFT OUTER JOIN KV AS kv "
                "ON kv.k = p.k",
                lambda s, t: eq(s["k"], t["k"]),
                lambda s, t, _: [("k", s["k"]), ("v", None if t is None else t["v"])],
                outer=True)


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = {
    "table_insert_join": case(
        """INSERT INTO a keyed table, INNER JOIN lookups from another stream""",
        STREAMS, [LATEST], [INS_LATEST, JOIN_T], ["Out"]),
    "table_pk_duplicates": case(
        """an INSERT whose primary key is present is dropped (and counted): lookups keep
        finding the first price""",
        [("Prices", PRICE_COLS, P(("a", 1.5, 10), ("a", 2.5, 20), ("b", 3.5, 20),
                                  ("a", 4.5, 30), ("b", 5.5, 40))),
         ("Trades", TRADE_COLS, T(("a", 1, 15), ("b", 2, 25), ("a", 3, 35), ("b", 4, 45)))],
        [LATEST], [INS_LATEST, JOIN_T], ["Out"]),
    "table_no_key_multi_match": case(
        """a table without a primary key keeps every row: a probe finds all matches, in
        insertion order (global placement)""",
        STREAMS, [LATEST_NOKEY], [INS_LATEST, JOIN_T], ["Out"]),
    "table_left_outer_nulls": case(
        """LEFT OUTER JOIN with the stream on the left: unmatched probes give NULL
        table attributes""",
        STREAMS, [LATEST], [INS_LATEST, LEFT_T], ["Out"]),
    "table_update": case(
        """UPDATE … SET … FROM a stream WHERE the key matches; lookups see new prices""",
        [("Prices", PRICE_COLS, P(("a", 1.5, 10), ("b", 2.5, 20))),
         ("Changes", PRICE_COLS, P(("a", 7.5, 30), ("z", 1.25, 35), ("b", 8.5, 50),
                                   ("a", 9.5, 70))),
         ("Trades", TRADE_COLS, TRADES)],
        [LATEST],
        [INS_LATEST,
         Update("Latest", "Changes",
                "UPDATE Latest SET price = c.price FROM Changes AS c WHERE Latest.sym = c.sym",
                lambda t, s: eq(t["sym"], s["sym"]), lambda t, s: {"price": s["price"]}),
         LEFT_T], ["Out"]),
    "table_update_before_values": case(
        """all SET assignments see the row as it was before the update (a swap);
        unqualified names refer to the table first""",
        [("Seed", [("a", "INT"), ("b", "INT"), ("ts", "BIGINT")],
          [{"a": 1, "b": 2, "ts": 10}, {"a": 5, "b": 6, "ts": 12}]),
         ("Swap", [("a", "INT"), ("ts", "BIGINT")],
          [{"a": 1, "ts": 20}, {"a": 5, "ts": 30}, {"a": 2, "ts": 40}]),
         ("Look", [("a", "INT"), ("ts", "BIGINT")],
          [{"a": 1, "ts": 25}, {"a": 2, "ts": 26}, {"a": 5, "ts": 35}, {"a": 6, "ts": 36},
           {"a": 1, "ts": 45}, {"a": 2, "ts": 46}])],
        [("Pair", [("a", "INT"), ("b", "INT")], [], None)],
        [Insert("Pair", "Seed", "INSERT INTO Pair SELECT a, b FROM Seed",
                lambda s: {"a": s["a"], "b": s["b"]}),
         Update("Pair", "Swap",
                "UPDATE Pair SET a = b, b = a FROM Swap AS w WHERE a = w.a",
                lambda t, s: eq(t["a"], s["a"]), lambda t, s: {"a": t["b"], "b": t["a"]}),
         Join("Out", "Look", "Pair",
              "INSERT INTO Out SELECT l.a AS probe, p.a, p.b FROM Look AS l "
              "LEFT OUTER JOIN Pair AS p ON p.a = l.a",
              lambda s, t: eq(s["a"], t["a"]),
              lambda s, t, _: [("probe", s["a"]), ("a", None if t is None else t["a"]),
                               ("b", None if t is None else t["b"])], outer=True)],
        ["Out"]),
    "table_update_scan": case(
        """UPDATE with a condition that does not pin the key (global table): every
        row under the limit is raised""",
        [("Prices", PRICE_COLS, PRICES),
         ("Raise", [("lim", "DOUBLE"), ("inc", "DOUBLE"), ("ts", "BIGINT")],
          [{"lim": 3.0, "inc": 0.25, "ts": 35}, {"lim": 5.0, "inc": 1.5, "ts": 62}]),
         ("Trades", TRADE_COLS, TRADES)],
        [LATEST],
        [INS_LATEST,
         Update("Latest", "Raise",
                "UPDATE Latest SET price = price + r.inc FROM Raise AS r WHERE price < r.lim",
                lambda t, s: lt(t["price"], s["lim"]),
                lambda t, s: {"price": add(t["price"], s["inc"])}),
         LEFT_T], ["Out"]),
    "table_delete": case(
        """DELETE FROM … USING a stream WHERE the key matches; later lookups miss""",
        [("Prices", PRICE_COLS, PRICES),
         ("Gone", [("sym", "STRING"), ("ts", "BIGINT")],
          [{"sym": "a", "ts": 16}, {"sym": "x", "ts": 30}, {"sym": "c", "ts": 50},
           {"sym": "a", "ts": 70}]),
         ("Trades", TRADE_COLS, TRADES)],
        [LATEST],
        [INS_LATEST,
         Delete("Latest", "Gone", "DELETE FROM Latest USING Gone AS g WHERE Latest.sym = g.sym",
                lambda t, s: eq(t["sym"], s["sym"])),
         LEFT_T], ["Out"]),
    "table_delete_scan": case(
        """DELETE with a range condition (scans the rows, global placement); a deleted
        key can be inserted again""",
        [("Prices", PRICE_COLS, PRICES),
         ("Cut", [("lim", "DOUBLE"), ("ts", "BIGINT")],
          [{"lim": 2.0, "ts": 22}, {"lim": 5.0, "ts": 52}]),
         ("Trades", TRADE_COLS, TRADES)],
        [LATEST],
        [INS_LATEST,
         Delete("Latest", "Cut", "DELETE FROM Latest USING Cut WHERE Latest.price < Cut.lim",
                lambda t, s: lt(t["price"], s["lim"])),
         LEFT_T], ["Out"]),
    "table_upsert": case(
        """UPSERT: inserts a new key, replaces an existing row""",
        [("Prices", PRICE_COLS, PRICES), ("Trades", TRADE_COLS, TRADES)],
        [LATEST],
        [Upsert("Latest", "Prices",
                "UPSERT INTO Latest SELECT sym, price FROM Prices ON Latest.sym = sym",
                lambda s: {"sym": s["sym"], "price": s["price"]},
                lambda t, new: eq(t["sym"], new["sym"])),
         LEFT_T], ["Out"]),
    "table_upsert_where_expr": case(
        """UPSERT with WHERE and computed columns; ON may use the output's names""",
        [("Prices", PRICE_COLS, PRICES), ("Trades", TRADE_COLS, TRADES)],
        [LATEST],
        [Upsert("Latest", "Prices",
                "UPSERT INTO Latest SELECT upper(sym) AS s, price * 2 AS p FROM Prices "
                "WHERE price > 1.0 ON Latest.sym = s",
                lambda s: ({"sym": s["sym"].upper(), "price": s["price"] * 2}
                           if gt(s["price"], 1.0) else None),
                lambda t, new: eq(t["sym"], new["sym"])),
         Join("Out", "Trades", "Latest",
              "INSERT INTO Out SELECT t.sym, t.qty, l.price FROM Trades AS t "
              "LEFT OUTER JOIN Latest AS l ON upper(t.sym) = l.sym",
              lambda s, t: eq(s["sym"].upper(), t["sym"]), join_out, outer=True)],
        ["Out"]),
    "table_upsert_non_key_on": case(
        """UPSERT whose ON is not the key: every row in the same price band is replaced
        (global); a replacement that would duplicate a key is dropped""",
        [("Prices", PRICE_COLS, P(("a", 1.5, 10), ("b", 5.75, 20), ("c", 1.25, 30),
                                  ("b", 1.9, 40), ("e", 9.5, 50))),
         ("Trades", TRADE_COLS, T(("a", 1, 15), ("b", 2, 25), ("c", 3, 45), ("a", 4, 55),
                                  ("b", 5, 56), ("e", 6, 57)))],
        [LATEST],
        [Upsert("Latest", "Prices",
                "UPSERT INTO Latest SELECT sym, price FROM Prices "
                "ON floor(Latest.price) = floor(price)",
                lambda s: {"sym": s["sym"], "price": s["price"]},
                lambda t, new: eq(int(t["price"] // 1), int(new["price"] // 1))),
         LEFT_T], ["Out"]),
    "table_on_left": case(
        """the table written on the left of JOIN: the stream still drives, and the
        projection follows the select list (no EventFlux column-order quirk)""",
        STREAMS, [LATEST],
        [INS_LATEST,
         Join("Out", "Trades", "Latest",
              "INSERT INTO Out SELECT l.sym, l.price, t.qty FROM Latest AS l "
              "JOIN Trades AS t ON l.sym = t.sym",
              lambda s, t: eq(s["sym"], t["sym"]),
              lambda s, t, _: [("sym", t["sym"]), ("price", t["price"]), ("qty", s["qty"])])],
        ["Out"]),
    "table_on_left_right_outer": case(
        """RIGHT OUTER JOIN with the table on the left preserves the stream side""",
        STREAMS, [LATEST],
        [INS_LATEST,
         Join("Out", "Trades", "Latest",
              "INSERT INTO Out SELECT t.qty, l.price, t.sym FROM Latest AS l "
              "RIGHT OUTER JOIN Trades AS t ON l.sym = t.sym",
              lambda s, t: eq(s["sym"], t["sym"]),
              lambda s, t, _: [("qty", s["qty"]), ("price", None if t is None else t["price"]),
                               ("sym", s["sym"])], outer=True)],
        ["Out"]),
    "table_qualified_star_where": case(
        """`t.*, l.price` over a stream–table join and WHERE filtering joined rows""",
        STREAMS, [LATEST],
        [INS_LATEST,
         Join("Out", "Trades", "Latest",
              "INSERT INTO Out SELECT t.*, l.price FROM Trades AS t JOIN Latest AS l "
              "ON t.sym = l.sym WHERE l.price * t.qty > 10.0",
              lambda s, t: eq(s["sym"], t["sym"]),
              lambda s, t, _: ([("sym", s["sym"]), ("qty", s["qty"]), ("ts", s["ts"]),
                                ("price", t["price"])]
                               if gt(t["price"] * s["qty"], 10.0) else None))],
        ["Out"]),
    "table_equal_ts_mutation_first": case(
        """equal timestamps: the mutating stream is declared first, so at the same time
        its inserts sort before the probes and are visible""",
        [("Prices", PRICE_COLS, P(("a", 1.5, 10), ("b", 2.5, 20), ("a", 3.5, 30))),
         ("Trades", TRADE_COLS, T(("a", 1, 10), ("b", 2, 20), ("c", 3, 20), ("a", 4, 30)))],
        [LATEST], [INS_LATEST, LEFT_T], ["Out"]),
    "table_equal_ts_probe_first": case(
        """equal timestamps: the probing stream is declared first, so a same-time
        insert is not visible yet""",
        [("Trades", TRADE_COLS, T(("a", 1, 10), ("b", 2, 20), ("a", 3, 25), ("b", 4, 30))),
         ("Prices", PRICE_COLS, P(("a", 1.5, 10), ("b", 2.5, 20), ("b", 3.5, 30)))],
        [LATEST], [INS_LATEST, LEFT_T], ["Out"]),
    "table_equal_ts_same_record": case(
        """one stream both changes and probes the table: a record's own UPDATE and
        INSERT are not visible to its own probe, but to the next record's (same time,
        later line)""",
        [("Ev", [("sym", "STRING"), ("price", "DOUBLE"), ("ts", "BIGINT")],
          [{"sym": "a", "price": 1.5, "ts": 10}, {"sym": "a", "price": 2.5, "ts": 10},
           {"sym": "b", "price": 3.5, "ts": 20}, {"sym": "a", "price": 4.5, "ts": 20},
           {"sym": "b", "price": 5.5, "ts": 20}])],
        [LATEST],
        [Join("Out", "Ev", "Latest",
              "INSERT INTO Out SELECT e.sym, e.price AS new_price, l.price AS old_price "
              "FROM Ev AS e LEFT OUTER JOIN Latest AS l ON l.sym = e.sym",
              lambda s, t: eq(s["sym"], t["sym"]),
              lambda s, t, _: [("sym", s["sym"]), ("new_price", s["price"]),
                               ("old_price", None if t is None else t["price"])],
              outer=True),
         Insert("Latest", "Ev", "INSERT INTO Latest SELECT sym, price FROM Ev",
                lambda s: {"sym": s["sym"], "price": s["price"]}),
         Update("Latest", "Ev",
                "UPDATE Latest SET price = e.price FROM Ev AS e WHERE Latest.sym = e.sym",
                lambda t, s: eq(t["sym"], s["sym"]), lambda t, s: {"price": s["price"]})],
        ["Out"]),
    "table_equal_ts_statement_order": case(
        """two mutations caused by the same record apply in statement order (DELETE
        then UPDATE here, so the UPDATE finds nothing); probes come before both""",
        [("Prices", PRICE_COLS, P(("a", 1.5, 5), ("b", 2.5, 6))),
         ("Ev", [("sym", "STRING"), ("price", "DOUBLE"), ("ts", "BIGINT")],
          [{"sym": "a", "price": 7.5, "ts": 10}, {"sym": "b", "price": 8.5, "ts": 10},
           {"sym": "a", "price": 9.5, "ts": 20}])],
        [("Latest", [("sym", "STRING"), ("price", "DOUBLE")], ["sym"], None)],
        [INS_LATEST,
         Delete("Latest", "Ev", "DELETE FROM Latest USING Ev WHERE Latest.sym = Ev.sym "
                "AND Ev.price < 8.0",
                lambda t, s: eq(t["sym"], s["sym"]) and lt(s["price"], 8.0)),
         Update("Latest", "Ev",
                "UPDATE Latest SET price = Ev.price FROM Ev WHERE Latest.sym = Ev.sym",
                lambda t, s: eq(t["sym"], s["sym"]), lambda t, s: {"price": s["price"]}),
         Join("Out", "Ev", "Latest",
              "INSERT INTO Out SELECT e.sym, l.price FROM Ev AS e "
              "LEFT OUTER JOIN Latest AS l ON l.sym = e.sym",
              lambda s, t: eq(s["sym"], t["sym"]),
              lambda s, t, _: [("sym", s["sym"]), ("price", None if t is None else t["price"])],
              outer=True)],
        ["Out"]),
    "table_cache_eviction": case(
        """'extension' = 'cache' with max_size 2: the least recently inserted row is
        evicted when a third one arrives""",
        STREAMS, [("Latest", [("sym", "STRING"), ("price", "DOUBLE")], ["sym"], 2)],
        [INS_LATEST, LEFT_T], ["Out"]),
    "table_cache_upsert_no_refresh": case(
        """a cache without a key, fed by UPSERT: a replacement keeps the row's
        insertion position, so it is still evicted first""",
        [("Prices", PRICE_COLS, P(("a", 1.5, 10), ("b", 2.5, 20), ("a", 3.5, 30),
                                  ("c", 4.5, 40), ("a", 5.5, 50), ("d", 6.5, 60))),
         ("Trades", TRADE_COLS, T(("a", 1, 35), ("b", 2, 36), ("a", 3, 45), ("b", 4, 46),
                                  ("c", 5, 47), ("a", 6, 55), ("c", 7, 65), ("d", 8, 66)))],
        [("Latest", [("sym", "STRING"), ("price", "DOUBLE")], [], 2)],
        [Upsert("Latest", "Prices",
                "UPSERT INTO Latest SELECT sym, price FROM Prices ON Latest.sym = sym",
                lambda s: {"sym": s["sym"], "price": s["price"]},
                lambda t, new: eq(t["sym"], new["sym"])),
         LEFT_T], ["Out"]),
    "table_exists": case(
        """EXISTS (SELECT * FROM T WHERE …) keeps the trades whose symbol is listed""",
        STREAMS, [LATEST],
        [INS_LATEST,
         Exists("Out", "Trades",
                "INSERT INTO Out SELECT sym, qty FROM Trades WHERE EXISTS "
                "(SELECT * FROM Latest WHERE Latest.sym = Trades.sym)",
                [("Latest", lambda s, t: eq(t["sym"], s["sym"]))],
                lambda s, f: [("sym", s["sym"]), ("qty", s["qty"])] if f[0] else None)],
        ["Out"]),
    "table_not_exists": case(
        """NOT EXISTS combined with another predicate: unlisted symbols with qty > 3""",
        STREAMS, [LATEST],
        [INS_LATEST,
         Exists("Out", "Trades",
                "INSERT INTO Out SELECT sym, qty FROM Trades AS t WHERE qty > 3 AND NOT EXISTS "
                "(SELECT * FROM Latest WHERE Latest.sym = t.sym)",
                [("Latest", lambda s, t: eq(t["sym"], s["sym"]))],
                lambda s, f: ([("sym", s["sym"]), ("qty", s["qty"])]
                              if gt(s["qty"], 3) and not f[0] else None))],
        ["Out"]),
    "table_exists_two_tables": case(
        """two EXISTS tests on two tables (one without a key, scanned), under OR; the
        condition may compare non-key columns""",
        [("Prices", PRICE_COLS, PRICES),
         ("Block", [("sym", "STRING"), ("minq", "INT"), ("ts", "BIGINT")],
          [{"sym": "c", "minq": 5, "ts": 38}, {"sym": "e", "minq": 1, "ts": 70}]),
         ("Trades", TRADE_COLS, TRADES)],
        [LATEST, ("Blocked", [("sym", "STRING"), ("minq", "INT")], [], None)],
        [INS_LATEST,
         Insert("Blocked", "Block", "INSERT INTO Blocked SELECT sym, minq FROM Block",
                lambda s: {"sym": s["sym"], "minq": s["minq"]}),
         Exists("Out", "Trades",
                "INSERT INTO Out SELECT sym, qty FROM Trades WHERE "
                "EXISTS (SELECT * FROM Latest WHERE Latest.sym = Trades.sym AND Latest.price > 2.0) "
                "OR EXISTS (SELECT * FROM Blocked WHERE Blocked.sym = Trades.sym AND qty >= minq)",
                [("Latest", lambda s, t: eq(t["sym"], s["sym"]) and gt(t["price"], 2.0)),
                 ("Blocked", lambda s, t: eq(t["sym"], s["sym"]) and not lt(s["qty"], t["minq"])
                  and s["qty"] is not None and t["minq"] is not None)],
                lambda s, f: [("sym", s["sym"]), ("qty", s["qty"])] if f[0] or f[1] else None)],
        ["Out"]),
    "table_multi_writers": case(
        """two INSERT queries, an UPSERT and a DELETE act on one table""",
        [("Prices", PRICE_COLS, P(("a", 1.5, 10), ("b", 2.5, 30), ("a", 3.5, 50))),
         ("Extra", PRICE_COLS, P(("a", 7.5, 5), ("c", 8.5, 20), ("d", 9.5, 40))),
         ("Fix", PRICE_COLS, P(("c", 0.25, 35), ("e", 0.75, 45))),
         ("Gone", [("sym", "STRING"), ("ts", "BIGINT")], [{"sym": "a", "ts": 47}]),
         ("Trades", TRADE_COLS, TRADES)],
        [LATEST],
        [INS_LATEST,
         Insert("Latest", "Extra", "INSERT INTO Latest SELECT sym, price FROM Extra",
                lambda s: {"sym": s["sym"], "price": s["price"]}),
         Upsert("Latest", "Fix",
                "UPSERT INTO Latest SELECT sym, price FROM Fix ON Latest.sym = sym",
                lambda s: {"sym": s["sym"], "price": s["price"]},
                lambda t, new: eq(t["sym"], new["sym"])),
         Delete("Latest", "Gone", "DELETE FROM Latest USING Gone WHERE Latest.sym = Gone.sym",
                lambda t, s: eq(t["sym"], s["sym"])),
         LEFT_T], ["Out"]),
    "table_composite_key": case(
        """PRIMARY KEY (a, b): a duplicate pair is dropped, a probe pins both columns""",
        [("Rows", [("a", "STRING"), ("b", "INT"), ("v", "INT"), ("ts", "BIGINT")],
          [{"a": "x", "b": 1, "v": 10, "ts": 10}, {"a": "x", "b": 2, "v": 20, "ts": 11},
           {"a": "y", "b": 1, "v": 30, "ts": 12}, {"a": "x", "b": 1, "v": 40, "ts": 13}]),
         ("Q", [("a", "STRING"), ("b", "INT"), ("ts", "BIGINT")],
          [{"a": "x", "b": 1, "ts": 20}, {"a": "x", "b": 2, "ts": 21},
           {"a": "y", "b": 2, "ts": 22}, {"a": "y", "b": 1, "ts": 23}])],
        [("Pairs", [("a", "STRING"), ("b", "INT"), ("v", "INT")], ["a", "b"], None)],
        [Insert("Pairs", "Rows", "INSERT INTO Pairs SELECT a, b, v FROM Rows",
                lambda s: {"a": s["a"], "b": s["b"], "v": s["v"]}),
         Join("Out", "Q", "Pairs",
              "INSERT INTO Out SELECT q.a, q.b, p.v FROM Q AS q LEFT OUTER JOIN Pairs AS p "
              "ON p.a = q.a AND p.b = q.b",
              lambda s, t: eq(s["a"], t["a"]) and eq(s["b"], t["b"]),
              lambda s, t, _: [("a", s["a"]), ("b", s["b"]), ("v", None if t is None else t["v"])],
              outer=True)],
        ["Out"]),
    "table_int_long_null_keys": case(
        """an INT probe against a BIGINT key matches after widening; a NULL probe key
        matches nothing""",
        [("Rows", [("id", "BIGINT"), ("name", "STRING"), ("ts", "BIGINT")],
          [{"id": 1, "name": "one", "ts": 10}, {"id": 2, "name": "two", "ts": 11}]),
         ("Q", [("id", "INT"), ("ts", "BIGINT")],
          [{"id": 1, "ts": 20}, {"id": None, "ts": 21}, {"id": 2, "ts": 22},
           {"id": 3, "ts": 23}])],
        [("Names", [("id", "BIGINT"), ("name", "STRING")], ["id"], None)],
        [Insert("Names", "Rows", "INSERT INTO Names SELECT id, name FROM Rows",
                lambda s: {"id": s["id"], "name": s["name"]}),
         Join("Out", "Q", "Names",
              "INSERT INTO Out SELECT q.id, n.name FROM Q AS q LEFT OUTER JOIN Names AS n "
              "ON n.id = q.id",
              lambda s, t: eq(s["id"], t["id"]),
              lambda s, t, _: [("id", s["id"]), ("name", None if t is None else t["name"])],
              outer=True)],
        ["Out"]),
    "table_join_aggregate": case(
        """count() and sum() over joined rows, grouped by the table's column""",
        STREAMS, [LATEST],
        [INS_LATEST,
         Join("Out", "Trades", "Latest",
              "INSERT INTO Out SELECT l.sym, count() AS n, sum(t.qty) AS total "
              "FROM Trades AS t JOIN Latest AS l ON t.sym = l.sym GROUP BY l.sym",
              lambda s, t: eq(s["sym"], t["sym"]),
              lambda s, t, st: agg_row(st, t["sym"], s["qty"]))],
        ["Out"]),
    "table_keyed_many_ops": case(
        """many inserts, updates, deletes and upserts, all pinning the key (keyed
        placement), probed at equal and distinct times""",
        [("Ops", OPS_COLS, ops_rows(90, 7)), ("Probe", [("k", "STRING"), ("ts", "BIGINT")],
                                              probe_rows(70, 11))],
        [KV], kv_mutations(True) + [KV_PROBE], ["Out"]),
    "table_global_many_ops": case(
        """the same operations with an UPDATE that does not pin the key: the table runs
        on one worker and the output is the same whatever -w""",
        [("Ops", OPS_COLS, ops_rows(90, 13)), ("Probe", [("k", "STRING"), ("ts", "BIGINT")],
                                               probe_rows(70, 17))],
        [KV], kv_mutations(False) + [KV_PROBE], ["Out"]),
}


def agg_row(state, key, qty):
    n, total = state.get(key, (0, 0))
    n, total = n + 1, total + qty
    state[key] = (n, total)
    return [("sym", key), ("n", n), ("total", total)]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check = "--check" in sys.argv
    names = args or sorted(CASES)
    bad = 0
    for name in names:
        c = CASES[name]
        for rel, text in files(c).items():
            path = os.path.join(RUN, name, rel)
            if check:
                try:
                    with open(path) as f:
                        same = f.read() == text
                except OSError:
                    same = False
                if not same:
                    print("differs: %s" % path)
                    bad += 1
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(text)
    if check and bad:
        sys.exit(1)
    if not check:
        print("wrote %d cases" % len(names))


if __name__ == "__main__":
    main()
