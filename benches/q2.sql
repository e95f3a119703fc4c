-- Workload Q2 (shared/bench/WORKLOAD.md): tumbling 1 s, GROUP BY symbol. Run by scripts/bench.sh as
--   fluxtide run benches/q2.sql --input Trades=TRADES.jsonl --output Out=OUT.jsonl -w N
CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ts BIGINT) WITH ('event.time' = 'ts');

INSERT INTO Out SELECT symbol, COUNT(*) AS n, AVG(price) AS avg_price, SUM(volume) AS vol FROM Trades WINDOW('tumbling', 1 SECOND) GROUP BY symbol;
