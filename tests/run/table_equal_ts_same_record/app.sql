-- one stream both changes and probes the table: a record's own UPDATE and
-- INSERT are not visible to its own probe, but to the next record's (same time,
-- later line)
CREATE STREAM Ev (sym STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'ev.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Latest (sym STRING PRIMARY KEY, price DOUBLE);
INSERT INTO Out SELECT e.sym, e.price AS new_price, l.price AS old_price FROM Ev AS e LEFT OUTER JOIN Latest AS l ON l.sym = e.sym;
INSERT INTO Latest SELECT sym, price FROM Ev;
UPDATE Latest SET price = e.price FROM Ev AS e WHERE Latest.sym = e.sym;
