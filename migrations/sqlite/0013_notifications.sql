CREATE TABLE `notification_actions` (
	`notification_id` integer NOT NULL,
	`action_id` integer NOT NULL,
	PRIMARY KEY(`notification_id`, `action_id`),
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`action_id`) REFERENCES `actions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notification_actions_action_idx` ON `notification_actions` (`action_id`,`notification_id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`as_of` text NOT NULL,
	`person_id` integer,
	`email` text,
	`kind` text NOT NULL,
	`recipient_role` text NOT NULL,
	`subject` text,
	`status` text NOT NULL,
	`reason` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_person_idx` ON `notifications` (`person_id`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_kind_idx` ON `notifications` (`kind`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_status_idx` ON `notifications` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `notified_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`action_id` integer NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`recipient` text NOT NULL,
	`notification_id` integer NOT NULL,
	FOREIGN KEY (`action_id`) REFERENCES `actions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notified_actions_unique` ON `notified_actions` (`action_id`,`kind`,`key`,`recipient`);--> statement-breakpoint
ALTER TABLE `people` ADD `notify` integer DEFAULT true NOT NULL;