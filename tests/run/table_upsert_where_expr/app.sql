-- UPSERT with WHERE and computed columns; ON may use the output's names
CREATE STREAM Prices (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'prices.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Trades (sym STRING, qty INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'trades.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);
UPSERT INTO Latest SELECT upper(sym) AS s, price * 2 AS p FROM Prices WHERE price > 1.0 ON Latest.sym = s;
INSERT INTO Out SELECT t.sym, t.qty, l.price FROM Trades AS t LEFT OUTER JOIN Latest AS l ON upper(t.sym) = l.sym;
