-- Workload Q1 (shared/bench/WORKLOAD.md): filter + project. Run by scripts/bench.sh as
--   fluxtide run benches/q1.sql --input Trades=TRADES.jsonl --output Out=OUT.jsonl -w N
CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ts BIGINT) WITH ('event.time' = 'ts');

INSERT INTO Out SELECT symbol, price, volume FROM Trades WHERE price > 900.0;
