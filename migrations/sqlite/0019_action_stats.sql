-- Statistics (GET /v1/stats) read every action raised at a committee's meetings in a period: at a
-- million actions, reading their rows and counting each one's overdue flags took seconds.
-- Each action now carries the count of its flags, kept by triggers whoever writes a flag (the
-- scan, the command line), and the index of actions by meeting carries every column the
-- statistics read, so that they read this index alone; in owner order within a meeting, so that a
-- meeting's actions are counted owner by owner as they are read, without sorting them. It
-- replaces the index on meeting_id by itself (which every search by meeting still uses), so a new
-- action writes no more index pages.
-- Neither the column nor the index is declared in the drizzle schema: selected rows, RETURNING
-- and audit JSON never carry the count.
ALTER TABLE `actions` ADD `times_flagged` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `actions` SET `times_flagged` = (SELECT count(*) FROM `overdue_flags` WHERE `overdue_flags`.`action_id` = `actions`.`id`)
WHERE `id` IN (SELECT `action_id` FROM `overdue_flags`);--> statement-breakpoint
DROP INDEX `actions_meeting_idx`;--> statement-breakpoint
CREATE INDEX `actions_meeting_stats_idx` ON `actions` (
  `meeting_id`, `owner_id`, `owner_text`, `responded_on`, `times_flagged`, `status`, `due_rule`, `due_meeting_id`, `due_date`,
  `executive_response`, `response_due_on`, `visibility`, `item_visibility`
);--> statement-breakpoint
CREATE TRIGGER `overdue_flags_count_after_insert` AFTER INSERT ON `overdue_flags` BEGIN
  UPDATE `actions` SET `times_flagged` = `times_flagged` + 1 WHERE `id` = NEW.`action_id`;
END;--> statement-breakpoint
CREATE TRIGGER `overdue_flags_count_after_delete` AFTER DELETE ON `overdue_flags` BEGIN
  UPDATE `actions` SET `times_flagged` = `times_flagged` - 1 WHERE `id` = OLD.`action_id`;
END;--> statement-breakpoint
CREATE TRIGGER `overdue_flags_count_after_update` AFTER UPDATE OF `action_id` ON `overdue_flags`
WHEN NEW.`action_id` IS NOT OLD.`action_id` BEGIN
  UPDATE `actions` SET `times_flagged` = `times_flagged` - 1 WHERE `id` = OLD.`action_id`;
  UPDATE `actions` SET `times_flagged` = `times_flagged` + 1 WHERE `id` = NEW.`action_id`;
END;
