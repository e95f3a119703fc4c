-- two mutations caused by the same record apply in statement order (DELETE
-- then UPDATE here, so the UPDATE finds nothing); probes come before both
CREATE STREAM Prices (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'prices.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Ev (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'ev.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);
INSERT INTO Latest SELECT sym, price FROM Prices;
DELETE FROM Latest USING Ev WHERE Latest.sym = Ev.sym AND Ev.price < 8.0;
UPDATE Latest SET price = Ev.price FROM Ev WHERE Latest.sym = Ev.sym;
INSERT INTO Out SELECT e.sym, l.price FROM Ev AS e LEFT OUTER JOIN Latest AS l ON l.sym = e.sym;
