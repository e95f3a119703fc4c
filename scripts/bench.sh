#!/usr/bin/env bash
# End-to-end throughput bench: fluxtide against a hand-written timely baseline on the
# shared workload (../shared/bench/WORKLOAD.md), at -w 1 and -w 2, in one session.
#
#   scripts/bench.sh                 # Q1, Q2, Q3, Q5 on 5M events, median of 3 runs per config
#   N=1000000 RUNS=5 scripts/bench.sh
#   QUERIES="q1" PERF=1 scripts/bench.sh   # plus one `perf stat -e task-clock` run each
#
# Events/s = input events / wall time of the whole process (start-up, reading and
# decoding the file, the query, and writing every output row to a real file under
# bench-data/, deleted after each run); for Q5 the input events of both its files (N/2
# trades + N/2 quotes). Peak RSS comes from /usr/bin/time.
# Data is generated once per size into bench-data/ (gitignored) and reused.
#
# Adding a query: write benches/qN.sql (+ examples/baseline_qN.rs if it has a baseline)
# and a `query_qN` function like `query_q1`, then add it to QUERIES.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-5000000}
RUNS=${RUNS:-3}
QUERIES=${QUERIES:-q1 q2 q3 q5}
WORKERS=${WORKERS:-"1 2"}
PERF=${PERF:-0}
DATA=bench-data
GEN=../shared/bench/gen_trades.py
FLUXTIDE=target/release/fluxtide
EXAMPLES=target/release/examples
mkdir -p "$DATA"

# ---------------------------------------------------------------- environment
echo "== machine"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)   cpus: $(nproc)   $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
if pgrep -x rustc >/dev/null 2>&1 || pgrep -x cargo >/dev/null 2>&1; then
  echo "warning: cargo/rustc processes are running; numbers will be noisy" >&2
fi

TIME_BIN=/usr/bin/time
if [ ! -x "$TIME_BIN" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing GNU time (peak RSS)…"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
  fi
fi
[ -x "$TIME_BIN" ] || { echo "warning: /usr/bin/time missing, no peak RSS" >&2; TIME_BIN=""; }
if [ "$PERF" = 1 ] && ! command -v perf >/dev/null 2>&1; then
  echo "warning: perf not found, PERF=1 ignored" >&2
  PERF=0
fi

# ---------------------------------------------------------------- build (once)
echo "== build"
cargo build --release --examples --bins --quiet

# ---------------------------------------------------------------- data (cached)
# ensure_data KIND N -> prints the path of bench-data/KIND-N.jsonl, generating it once.
ensure_data() {
  local kind=$1 n=$2 path="$DATA/$1-$2.jsonl"
  if [ ! -s "$path" ]; then
    echo "generating $path …" >&2
    python3 "$GEN" --kind "$kind" --n "$n" --out "$path.tmp"
    mv "$path.tmp" "$path"
  fi
  echo "$path"
}

# ---------------------------------------------------------------- measuring
# Results, one line per configuration: query system workers median_s best_s rss_kb rows
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS" "$DATA"/.run.*' EXIT

# measure QUERY SYSTEM WORKERS EVENTS OUTFILE -- CMD...
# Runs CMD $RUNS times (it must write its rows to OUTFILE), records the median and best
# wall time, the largest peak RSS and the number of rows written.
measure() {
  local query=$1 system=$2 workers=$3 events=$4 out=$5
  shift 6
  local walls=() rss_max=0 rows=0 i
  for ((i = 0; i < RUNS; i++)); do
    rm -f "$out"
    local log="$DATA/.run.log" tfile="$DATA/.run.time"
    local t0 t1
    t0=$(date +%s%N)
    if [ -n "$TIME_BIN" ]; then
      "$TIME_BIN" -f %M -o "$tfile" "$@" >"$log" 2>&1 || { echo "FAILED: $*" >&2; cat "$log" >&2; exit 1; }
    else
      "$@" >"$log" 2>&1 || { echo "FAILED: $*" >&2; cat "$log" >&2; exit 1; }
    fi
    t1=$(date +%s%N)
    walls+=("$(( (t1 - t0) / 1000 ))")
    if [ -n "$TIME_BIN" ]; then
      local r
      r=$(tail -n1 "$tfile")
      if [ "$r" -gt "$rss_max" ]; then rss_max=$r; fi
    fi
    rows=$(wc -l <"$out")
    rm -f "$out"
  done
  if [ "$PERF" = 1 ]; then
    rm -f "$out"
    echo "-- perf stat $query $system -w $workers" >&2
    perf stat -e task-clock -x, -o "$DATA/.run.perf" "$@" >/dev/null 2>&1 || true
    awk -F, '/task-clock/ { printf "   task-clock %.0f ms, %.2f CPUs utilized\n", $1, $6 }' "$DATA/.run.perf" >&2 || true
    rm -f "$out"
  fi
  local sorted median best
  sorted=$(printf '%s\n' "${walls[@]}" | sort -n)
  median=$(echo "$sorted" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] / 1e6 }')
  best=$(echo "$sorted" | head -n1 | awk '{ print $1 / 1e6 }')
  echo "$query $system $workers $events $median $best $rss_max $rows" >>"$RESULTS"
  printf '   %-4s %-9s -w %s  median %6.3f s  best %6.3f s  %10.0f events/s  rows %s\n' \
    "$query" "$system" "$workers" "$median" "$best" "$(awk -v e="$events" -v s="$median" 'BEGIN { print e / s }')" "$rows" >&2
}

# ---------------------------------------------------------------- queries
query_q1() {
  local trades out
  trades=$(ensure_data trades "$N")
  out="$DATA/.run.out.jsonl"
  echo "== Q1 filter + project on $N trades ($RUNS runs each)"
  for w in $WORKERS; do
    measure q1 fluxtide "$w" "$N" "$out" -- \
      "$FLUXTIDE" run benches/q1.sql --input "Trades=$trades" --output "Out=$out" -w "$w"
    measure q1 baseline "$w" "$N" "$out" -- \
      "$EXAMPLES/baseline_q1" -w "$w" "$trades" "$out"
  done
}

# query_window QUERY TITLE: a windowed query against examples/baseline_windows.rs.
query_window() {
  local q=$1 title=$2 trades out
  trades=$(ensure_data trades "$N")
  out="$DATA/.run.out.jsonl"
  echo "== ${q^^} $title on $N trades ($RUNS runs each)"
  for w in $WORKERS; do
    measure "$q" fluxtide "$w" "$N" "$out" -- \
      "$FLUXTIDE" run "benches/$q.sql" --input "Trades=$trades" --output "Out=$out" -w "$w"
    measure "$q" baseline "$w" "$N" "$out" -- \
      "$EXAMPLES/baseline_windows" --query "$q" -w "$w" "$trades" "$out"
  done
}
query_q2() { query_window q2 "tumbling 1 s, GROUP BY symbol"; }
query_q3() { query_window q3 "time 10 s, GROUP BY symbol, a row per event"; }

# Q5, the windowed stream-stream join, reads two files of N/2 events each (trades and
# quotes); its events/s counts the events of both.
query_q5() {
  local half=$((N / 2)) trades quotes out
  trades=$(ensure_data trades "$half")
  quotes=$(ensure_data quotes "$half")
  out="$DATA/.run.out.jsonl"
  echo "== Q5 join, time 100 ms on both sides, ON symbol, on $half trades + $half quotes ($RUNS runs each)"
  for w in $WORKERS; do
    measure q5 fluxtide "$w" "$((2 * half))" "$out" -- \
      "$FLUXTIDE" run benches/q5.sql --input "Trades=$trades" --input "Quotes=$quotes" --output "Out=$out" -w "$w"
    measure q5 baseline "$w" "$((2 * half))" "$out" -- \
      "$EXAMPLES/baseline_q5" -w "$w" "$trades" "$quotes" "$out"
  done
}

for q in $QUERIES; do
  "query_$q"
done

# ---------------------------------------------------------------- report
echo
echo "== results (median of $RUNS runs; events/s from the median; N=$N)"
awk '
  { q=$1; s=$2; w=$3; ev[q,s,w]=$4/$5; med[q,s,w]=$5; best[q,s,w]=$6; rss[q,s,w]=$7; rows[q,s,w]=$8
    if (!(q in seenq)) { seenq[q]=1; qs[++nq]=q }
    if (!((q,w) in seenw)) { seenw[q,w]=1; ws[q, ++nw[q]]=w } }
  END {
    printf "%-5s %-9s %3s %9s %9s %13s %9s %10s\n", "query", "system", "-w", "median_s", "best_s", "events/s", "rss_MB", "rows_out"
    for (i = 1; i <= nq; i++) {
      q = qs[i]
      for (j = 1; j <= nw[q]; j++) {
        w = ws[q, j]
        split("fluxtide baseline", sys, " ")
        for (k = 1; k <= 2; k++) {
          s = sys[k]
          if ((q,s,w) in med)
            printf "%-5s %-9s %3s %9.3f %9.3f %13.0f %9.1f %10d\n", q, s, w, med[q,s,w], best[q,s,w], ev[q,s,w], rss[q,s,w]/1024, rows[q,s,w]
        }
      }
    }
    print ""
    printf "%-5s %3s %20s\n", "query", "-w", "fluxtide/baseline"
    for (i = 1; i <= nq; i++) {
      q = qs[i]
      for (j = 1; j <= nw[q]; j++) {
        w = ws[q, j]
        if (((q,"fluxtide",w) in ev) && ((q,"baseline",w) in ev)) {
          printf "%-5s %3s %19.2fx", q, w, ev[q,"fluxtide",w] / ev[q,"baseline",w]
          if (rows[q,"fluxtide",w] != rows[q,"baseline",w]) printf "   (rows differ: %d vs %d)", rows[q,"fluxtide",w], rows[q,"baseline",w]
          printf "\n"
        }
      }
    }
    print ""
    printf "%-5s %-9s %22s\n", "query", "system", "speedup -w 2 / -w 1"
    for (i = 1; i <= nq; i++) {
      q = qs[i]
      split("fluxtide baseline", sys, " ")
      for (k = 1; k <= 2; k++) {
        s = sys[k]
        if (((q,s,1) in ev) && ((q,s,2) in ev)) printf "%-5s %-9s %21.2fx\n", q, s, ev[q,s,2] / ev[q,s,1]
      }
    }
  }' "$RESULTS"
echo
echo "targets (issues): Q1 fluxtide >= 3M events/s at -w 1, >= 0.7x baseline; Q2 >= 2.5M/s, Q3 >= 1M/s and Q5 >= 1M/s at -w 1; -w 2 >= 1.7x -w 1"
