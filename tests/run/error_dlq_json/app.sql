CREATE STREAM S (id INT, v DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'in.jsonl', 'format' = 'json', 'event.time' = 'ts', 'watermark.delay' = '10', 'error.strategy' = 'dlq', 'error.dlq.stream' = 'Errors');
CREATE STREAM Errors (originalEvent STRING, errorMessage STRING, errorType STRING, timestamp BIGINT,
                      attemptCount INT, streamName STRING);
INSERT INTO Good SELECT id, v FROM S;
-- the DLQ stream is an ordinary stream; the message text is engine-specific, so only check it exists
INSERT INTO Dead
SELECT originalEvent, attemptCount, streamName, timestamp, errorType IS NOT NULL AS typed,
       length(errorMessage) > 0 AS explained
FROM Errors;
