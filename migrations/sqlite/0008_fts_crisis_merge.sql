-- FTS5 merges a level's segments all at once, inside whichever write adds the last of them,
-- when `crisismerge` have gathered (default 16); from `automerge` on (16, migration 0003) it
-- merges them a little at every write instead. With both at 16 every merge was a crisis merge:
-- at one million actions one group commit rewrote the whole index (39,000 pages, two seconds
-- with every request waiting). At 64 the merging is spread over the writes that follow.
INSERT INTO actions_fts(actions_fts, rank) VALUES ('crisismerge', 64);
