-- two EXISTS tests on two tables (one without a key, scanned), under OR; the
-- condition may compare non-key columns
CREATE STREAM Prices (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'prices.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Block (sym STRING, minq INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'block.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Trades (sym STRING, qty INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'trades.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);
CREATE TABLE Blocked (sym STRING, minq INT);
INSERT INTO Latest SELECT sym, price FROM Prices;
INSERT INTO Blocked SELECT sym, minq FROM Block;
INSERT INTO Out SELECT sym, qty FROM Trades WHERE EXISTS (SELECT * FROM Latest WHERE Latest.sym = Trades.sym AND Latest.price > 2.0) OR EXISTS (SELECT * FROM Blocked WHERE Blocked.sym = Trades.sym AND qty >= minq);
