-- Full-text index maintenance on writes. Every INSERT or UPDATE of an action runs the FTS
-- triggers inside its own statement savepoint, and FTS5 writes its pending terms out as a new
-- small segment at every savepoint. With the default automerge (4), merging those segments cost
-- four times what the rest of the write did; merging once 16 have gathered keeps the index as
-- searchable at a quarter of the cost. Search results are unchanged: only the segment layout is.
INSERT INTO actions_fts(actions_fts, rank) VALUES ('automerge', 16);
