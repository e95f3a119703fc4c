-- EXISTS (SELECT * FROM T WHERE …) keeps the trades whose symbol is listed
CREATE STREAM Prices (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'prices.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Trades (sym STRING, qty INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'trades.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);
INSERT INTO Latest SELECT sym, price FROM Prices;
INSERT INTO Out SELECT sym, qty FROM Trades WHERE EXISTS (SELECT * FROM Latest WHERE Latest.sym = Trades.sym);
