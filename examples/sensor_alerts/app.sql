-- Sensor alerts from a CSV file: unit conversion, NULL handling, string functions,
-- and a chain of queries through an internal stream.
-- Run: fluxtide run examples/sensor_alerts/app.sql --output Alerts=- -w 2
CREATE STREAM Readings (sensor STRING, room STRING, temp_c DOUBLE, humidity INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'examples/sensor_alerts/sensors.csv',
      'format' = 'csv', 'event.time' = 'ts');

-- Normalise: Fahrenheit, a default for missing humidity, an upper-case room code.
INSERT INTO Normalised
SELECT sensor, upper(replace(room, ' ', '_')) AS room, temp_c * 9.0 / 5.0 + 32.0 AS temp_f,
       coalesce(humidity, -1) AS humidity
FROM Readings;

-- Alerts: hot rooms, or humid ones, but never the hall.
INSERT INTO Alerts
SELECT sensor, room, round(temp_f, 1) AS temp_f, humidity,
       CASE WHEN temp_f > 104.0 THEN 'hot' WHEN humidity > 80 THEN 'humid' ELSE 'warm' END AS reason
FROM Normalised
WHERE (temp_f > 100.0 OR humidity > 80) AND room NOT LIKE 'HALL%';
