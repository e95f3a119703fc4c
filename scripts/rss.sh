#!/usr/bin/env bash
# Samples the resident set size of a command while it runs, to show whether memory
# stays flat over a long run (e.g. a 10M-event tumbling window).
#
#   scripts/rss.sh [INTERVAL_S] -- CMD...
#   scripts/rss.sh 1 -- target/release/fluxtide run benches/q2.sql --input Trades=bench-data/trades-10000000.jsonl --output Out=/tmp/out.jsonl -q
#
# Prints one line per sample (seconds since start, RSS in MB), then the peak.
set -euo pipefail
INTERVAL=1
if [ "${1:-}" != "--" ]; then INTERVAL=$1; shift; fi
[ "${1:-}" = "--" ] && shift
"$@" &
pid=$!
start=$(date +%s.%N)
peak=0
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
  [ -n "$rss" ] || rss=0
  if [ "$rss" -gt "$peak" ]; then peak=$rss; fi
  now=$(date +%s.%N)
  awk -v n="$now" -v s="$start" -v r="$rss" 'BEGIN { printf "%7.1f s  %8.1f MB\n", n - s, r / 1024 }'
  sleep "$INTERVAL"
done
wait "$pid"
awk -v p="$peak" 'BEGIN { printf "peak %.1f MB\n", p / 1024 }'
