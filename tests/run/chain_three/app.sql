CREATE STREAM Readings (sensor STRING, temp DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'readings.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- three queries chained through internal (implicit) streams
INSERT INTO Fahrenheit SELECT sensor, temp * 9.0 / 5.0 + 32.0 AS f, ts FROM Readings WHERE temp IS NOT NULL;
INSERT INTO Hot SELECT upper(sensor) AS sensor, f, f - 100.0 AS excess FROM Fahrenheit WHERE f > 100.0;
INSERT INTO Alerts SELECT concat(sensor, ':', CAST(round(excess, 1) AS STRING)) AS msg, eventTimestamp() AS seen
FROM Hot WHERE excess >= 4.0;
