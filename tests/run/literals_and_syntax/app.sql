/* block comment: keywords are case-insensitive,
   identifiers are case-sensitive */
create stream S (v int, ts bigint)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
Insert Into Out
select v, TRUE AS t, false AS f, NULL AS nothing, 1e3 AS sci, 4.25 AS dec, 3000000000 AS big, -5 AS neg,
       .5 AS half, v == 1 AS eq2, "v" AS quoted -- a quoted identifier names a column
from S where v <> 0;
