-- NOT EXISTS combined with another predicate: unlisted symbols with qty > 3
CREATE STREAM Prices (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'prices.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Trades (sym STRING, qty INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'trades.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);
INSERT INTO Latest SELECT sym, price FROM Prices;
INSERT INTO Out SELECT sym, qty FROM Trades AS t WHERE qty > 3 AND NOT EXISTS (SELECT * FROM Latest WHERE Latest.sym = t.sym);
