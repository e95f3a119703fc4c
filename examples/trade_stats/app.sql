-- Trade statistics: windows and aggregation in event time over the trades of
-- examples/trades_filter (2,000 trades, 20 symbols, 10 trades per ms).
-- Run: fluxtide run examples/trade_stats/app.sql --output PerSecond=- --output Hot=-
CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'examples/trades_filter/trades.jsonl',
      'format' = 'json', 'event.time' = 'ts');

-- Every 50 ms of event time: per symbol, how many trades, the average price and the volume.
INSERT INTO PerSecond
SELECT symbol, count() AS trades, round(avg(price), 2) AS avg_price, sum(volume) AS volume
FROM Trades WINDOW('tumbling', 50 MILLISECONDS)
GROUP BY symbol;

-- On every trade: the symbol's highest price over the last 100 ms, if it beat 990.
INSERT INTO Hot
SELECT symbol, price, max(price) AS high_100ms, count() AS trades_100ms
FROM Trades WINDOW('time', 100 MILLISECONDS)
GROUP BY symbol
HAVING high_100ms > 990.0;

-- The three busiest symbols of every 100 ms batch.
INSERT INTO Busiest
SELECT symbol, count() AS trades
FROM Trades WINDOW('timeBatch', 100 MILLISECONDS)
GROUP BY symbol
ORDER BY trades DESC
LIMIT 3;
