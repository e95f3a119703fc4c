-- Big trades: a filter and a projection over a JSON-lines file.
-- Run: fluxtide run examples/trades_filter/app.sql --output BigTrades=-
CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'examples/trades_filter/trades.jsonl',
      'format' = 'json', 'event.time' = 'ts');

-- Trades over 900 with their notional value.
INSERT INTO BigTrades
SELECT symbol, price, volume, round(price * volume, 2) AS notional
FROM Trades
WHERE price > 900.0 AND volume >= 100;

-- A second query on the same stream: symbols in a watch list, labelled.
INSERT INTO Watched
SELECT symbol,
       CASE WHEN price >= 500.0 THEN 'high' ELSE 'low' END AS band,
       eventTimestamp() AS seen_at
FROM Trades
WHERE symbol IN ('S0001', 'S0007', 'S0013');
