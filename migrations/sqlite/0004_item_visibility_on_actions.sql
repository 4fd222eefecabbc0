-- Every action carries its item's visibility (null without an item), so that the visibility
-- check on every action read — the stricter of the action's own and its item's — needs the
-- action's row or an index only, never a join to the item. Triggers keep it true whoever writes:
-- the API, the minutes import, the command line.
DROP INDEX `actions_committee_status_idx`;--> statement-breakpoint
ALTER TABLE `actions` ADD `item_visibility` text;--> statement-breakpoint
UPDATE `actions` SET `item_visibility` = (SELECT `visibility` FROM `agenda_items` WHERE `agenda_items`.`id` = `actions`.`item_id`) WHERE `item_id` IS NOT NULL;--> statement-breakpoint
-- A committee's actions by status in id order, with both visibilities: a page of keys comes
-- from this index alone.
CREATE INDEX `actions_committee_status_idx` ON `actions` (`committee_id`,`status`,`id`,`visibility`,`item_visibility`);--> statement-breakpoint
-- An action written without the right value (or moved to another item) takes its item's.
CREATE TRIGGER `actions_item_visibility_after_insert` AFTER INSERT ON `actions`
WHEN NEW.`item_visibility` IS NOT (SELECT `visibility` FROM `agenda_items` WHERE `id` = NEW.`item_id`) BEGIN
  UPDATE `actions` SET `item_visibility` = (SELECT `visibility` FROM `agenda_items` WHERE `id` = NEW.`item_id`) WHERE `id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `actions_item_visibility_after_update` AFTER UPDATE OF `item_id`, `item_visibility` ON `actions`
WHEN NEW.`item_visibility` IS NOT (SELECT `visibility` FROM `agenda_items` WHERE `id` = NEW.`item_id`) BEGIN
  UPDATE `actions` SET `item_visibility` = (SELECT `visibility` FROM `agenda_items` WHERE `id` = NEW.`item_id`) WHERE `id` = NEW.`id`;
END;--> statement-breakpoint
-- An item made stricter (or, by an admin, looser) takes its actions with it.
CREATE TRIGGER `agenda_items_visibility_to_actions` AFTER UPDATE OF `visibility` ON `agenda_items` BEGIN
  UPDATE `actions` SET `item_visibility` = NEW.`visibility` WHERE `item_id` = NEW.`id`;
END;--> statement-breakpoint
CREATE INDEX `committees_kind_idx` ON `committees` (`kind`);--> statement-breakpoint
CREATE INDEX `committees_authority_idx` ON `committees` (`authority`);
