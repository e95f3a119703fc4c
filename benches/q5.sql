-- Workload Q5 (shared/bench/WORKLOAD.md): windowed stream-stream join, 100 ms time windows
-- on both sides, equi-join on symbol. Run by scripts/bench.sh as
--   fluxtide run benches/q5.sql --input Trades=TRADES.jsonl --input Quotes=QUOTES.jsonl --output Out=OUT.jsonl -w N
CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ts BIGINT) WITH ('event.time' = 'ts');
CREATE STREAM Quotes (symbol STRING, bid DOUBLE, ask DOUBLE, ts BIGINT) WITH ('event.time' = 'ts');

INSERT INTO Out SELECT t.symbol, t.price, q.bid, q.ask FROM Trades WINDOW('time', 100 MILLISECONDS) AS t JOIN Quotes WINDOW('time', 100 MILLISECONDS) AS q ON t.symbol = q.symbol;
