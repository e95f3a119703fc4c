-- RIGHT OUTER JOIN with the table on the left preserves the stream side
CREATE STREAM Prices (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'prices.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Trades (sym STRING, qty INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'trades.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);
INSERT INTO Latest SELECT sym, price FROM Prices;
INSERT INTO Out SELECT t.qty, l.price, t.sym FROM Latest AS l RIGHT OUTER JOIN Trades AS t ON l.sym = t.sym;
