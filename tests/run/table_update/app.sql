-- UPDATE … SET … FROM a stream WHERE the key matches; lookups see new prices
CREATE STREAM Prices (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'prices.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Changes (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'changes.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Trades (sym STRING, qty INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'trades.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);
INSERT INTO Latest SELECT sym, price FROM Prices;
UPDATE Latest SET price = c.price FROM Changes AS c WHERE Latest.sym = c.sym;
INSERT INTO Out SELECT t.sym, t.qty, l.price FROM Trades AS t LEFT OUTER JOIN Latest AS l ON t.sym = l.sym;
