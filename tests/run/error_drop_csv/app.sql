CREATE STREAM S (name STRING, qty INT, price DOUBLE, ok BOOL, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'items.csv', 'format' = 'csv', 'event.time' = 'ts', 'error.strategy' = 'drop');
INSERT INTO Out SELECT name, qty, price, ok FROM S;
