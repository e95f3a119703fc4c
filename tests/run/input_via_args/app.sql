-- the source is bound on the command line (--input, see args)
CREATE STREAM Clicks (k STRING, v BIGINT, ts BIGINT) WITH ('event.time' = 'ts');
INSERT INTO Out SELECT k, v * 10 AS v10 FROM Clicks WHERE k <> 'z';
