-- UPDATE with a condition that does not pin the key (global table): every
-- row under the limit is raised
CREATE STREAM Prices (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'prices.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Raise (lim DOUBLE, inc DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'raise.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Trades (sym STRING, qty INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'trades.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);
INSERT INTO Latest SELECT sym, price FROM Prices;
UPDATE Latest SET price = price + r.inc FROM Raise AS r WHERE price < r.lim;
INSERT INTO Out SELECT t.sym, t.qty, l.price FROM Trades AS t LEFT OUTER JOIN Latest AS l ON t.sym = l.sym;
