-- Workload Q3 (shared/bench/WORKLOAD.md): sliding time 10 s, GROUP BY symbol, one row per event.
--   fluxtide run benches/q3.sql --input Trades=TRADES.jsonl --output Out=OUT.jsonl -w N
CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ts BIGINT) WITH ('event.time' = 'ts');

INSERT INTO Out SELECT symbol, AVG(price) AS avg_price, MAX(price) AS max_price FROM Trades WINDOW('time', 10 SECONDS) GROUP BY symbol;
