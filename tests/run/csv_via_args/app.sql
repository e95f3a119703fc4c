CREATE STREAM Csv (city STRING, temp DOUBLE, ts BIGINT) WITH ('event.time' = 'ts');
CREATE STREAM Json (city STRING, temp DOUBLE, ts BIGINT) WITH ('event.time' = 'ts');
-- a CSV and a JSON-lines input, both bound with --input; equal times: Csv (declared first) wins
INSERT INTO Temps SELECT city, temp FROM Json;
INSERT INTO Temps SELECT city, temp FROM Csv;
