ALTER TABLE `api_keys` ADD `limit_authority` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `limit_committee_ids` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `committee_id` integer;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `limit_authority` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `limit_committee_ids` text;