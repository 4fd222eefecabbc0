CREATE TABLE `imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`committee_id` integer NOT NULL,
	`meeting_id` integer,
	`source` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`draft` text NOT NULL,
	`starts_at` text,
	`source_hash` text,
	`result` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`committee_id`) REFERENCES `committees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `imports_status_idx` ON `imports` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `imports_committee_idx` ON `imports` (`committee_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `imports_moderngov_meeting_unique` ON `imports` (`meeting_id`) WHERE source = 'moderngov';--> statement-breakpoint
ALTER TABLE `agenda_items` ADD `external_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `agenda_items_external_id_unique` ON `agenda_items` (`external_id`);--> statement-breakpoint
ALTER TABLE `committees` ADD `external_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `committees_external_id_unique` ON `committees` (`external_id`);