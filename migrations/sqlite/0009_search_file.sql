-- The full-text index moves out of this database into a file of its own (<database>-search),
-- written by a worker thread (db/search-index.ts). Kept here, FTS5 wrote and merged its segments
-- inside each group commit: the largest of the stalls that set the writes' p99 (20–54 ms in
-- 1–2% of commits at one million actions). Now a write only appends the action's id to
-- search_queue; the worker indexes the queue in the background, and a search waits until it has
-- caught up with every committed change, so a caller still finds what it has just written.
-- The index file is built from the actions when it is missing or belongs to other data.
DROP TRIGGER `actions_fts_after_insert`;--> statement-breakpoint
DROP TRIGGER `actions_fts_after_delete`;--> statement-breakpoint
DROP TRIGGER `actions_fts_after_update`;--> statement-breakpoint
DROP TABLE `actions_fts`;--> statement-breakpoint
DROP TABLE `actions_fts_pending`;--> statement-breakpoint
CREATE TABLE `search_queue` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`action_id` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `search_state` (
	`generation` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `search_state` (`generation`) VALUES (lower(hex(randomblob(16))));--> statement-breakpoint
CREATE TRIGGER `search_queue_after_insert` AFTER INSERT ON `actions` BEGIN
  INSERT INTO `search_queue` (`action_id`) VALUES (NEW.`id`);
END;--> statement-breakpoint
CREATE TRIGGER `search_queue_after_delete` AFTER DELETE ON `actions` BEGIN
  INSERT INTO `search_queue` (`action_id`) VALUES (OLD.`id`);
END;--> statement-breakpoint
CREATE TRIGGER `search_queue_after_update` AFTER UPDATE OF `title`, `detail`, `response` ON `actions`
WHEN OLD.`title` IS NOT NEW.`title` OR OLD.`detail` IS NOT NEW.`detail` OR OLD.`response` IS NOT NEW.`response` BEGIN
  INSERT INTO `search_queue` (`action_id`) VALUES (NEW.`id`);
END;
