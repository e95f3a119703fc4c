CREATE STREAM S (v INT, ts BIGINT) WITH ('type'='source','extension'='file','format'='json','event.time'='ts');
CREATE STREAM O (v INT) WITH ('type'='sink','extension'='file');
INSERT INTO O SELECT v FROM S WHERE v > 1;
