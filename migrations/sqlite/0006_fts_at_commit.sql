-- The full-text index is brought up to date once per transaction, when it commits, instead of
-- by each statement. FTS5 writes its pending terms out as a new segment whenever a savepoint or
-- statement transaction opens after the index was touched, so with per-statement triggers every
-- request inside a group commit wrote (and later merged) segments of its own: a fifth of the
-- cost of a write. Now the triggers only note which actions changed, keeping the text the index
-- still holds where FTS5 needs it to remove the old entry; db/search-index.ts indexes the queue
-- in one statement before COMMIT. The first change since then is the one that counts, hence
-- INSERT OR IGNORE.
CREATE TABLE `actions_fts_pending` (
	`id` integer PRIMARY KEY NOT NULL,
	`indexed` integer NOT NULL,
	`title` text,
	`detail` text,
	`response` text
);
--> statement-breakpoint
DROP TRIGGER `actions_fts_after_insert`;--> statement-breakpoint
DROP TRIGGER `actions_fts_after_delete`;--> statement-breakpoint
DROP TRIGGER `actions_fts_after_update`;--> statement-breakpoint
CREATE TRIGGER `actions_fts_after_insert` AFTER INSERT ON `actions` BEGIN
  INSERT OR IGNORE INTO `actions_fts_pending` (`id`, `indexed`) VALUES (NEW.`id`, 0);
END;--> statement-breakpoint
CREATE TRIGGER `actions_fts_after_delete` AFTER DELETE ON `actions` BEGIN
  INSERT OR IGNORE INTO `actions_fts_pending` (`id`, `indexed`, `title`, `detail`, `response`)
  VALUES (OLD.`id`, 1, OLD.`title`, OLD.`detail`, OLD.`response`);
END;--> statement-breakpoint
CREATE TRIGGER `actions_fts_after_update` AFTER UPDATE OF `title`, `detail`, `response` ON `actions` BEGIN
  INSERT OR IGNORE INTO `actions_fts_pending` (`id`, `indexed`, `title`, `detail`, `response`)
  VALUES (OLD.`id`, 1, OLD.`title`, OLD.`detail`, OLD.`response`);
END;
