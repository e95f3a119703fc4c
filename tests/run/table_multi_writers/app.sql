-- two INSERT queries, an UPSERT and a DELETE act on one table
CREATE STREAM Prices (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'prices.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Extra (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'extra.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Fix (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'fix.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Gone (sym STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'gone.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Trades (sym STRING, qty INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'trades.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);
INSERT INTO Latest SELECT sym, price FROM Prices;
INSERT INTO Latest SELECT sym, price FROM Extra;
UPSERT INTO Latest SELECT sym, price FROM Fix ON Latest.sym = sym;
DELETE FROM Latest USING Gone WHERE Latest.sym = Gone.sym;
INSERT INTO Out SELECT t.sym, t.qty, l.price FROM Trades AS t LEFT OUTER JOIN Latest AS l ON t.sym = l.sym;
