CREATE TABLE `reference_counters` (
	`committee_id` integer NOT NULL,
	`municipal_year` text NOT NULL,
	`last_number` integer NOT NULL,
	PRIMARY KEY(`committee_id`, `municipal_year`),
	FOREIGN KEY (`committee_id`) REFERENCES `committees`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
DROP INDEX `actions_report_idx`;--> statement-breakpoint
ALTER TABLE `actions` ADD `reference` text;--> statement-breakpoint
-- Hand-written (issue 14): every committee gets the default prefix of domain/reference.ts
-- defaultReferencePrefix, and every action a reference numbered within its committee and the
-- municipal year of the meeting it was raised at, in the order of those meetings (then by id).
-- The prefix rule in SQL: the name without apostrophes, split into words at spaces and at the
-- punctuation replaced below; SQLite's upper() changes only ASCII letters, so a name starting
-- a word with an accented letter may keep it lower case (the prefix can be PATCHed).
ALTER TABLE `committees` ADD `reference_prefix` text DEFAULT '' NOT NULL;--> statement-breakpoint
WITH RECURSIVE
  words(id, pos, word, rest) AS (
    SELECT c.id, 0, '', replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(c.name, '''', ''), '’', ''), ',', ' '), '-', ' '), '&', ' '), '(', ' '), ')', ' '), '/', ' '), '.', ' '), ':', ' '), ';', ' '), '"', ' '), '+', ' '), '!', ' '), '?', ' '), '–', ' '), '—', ' ') || ' ' FROM `committees` c
    UNION ALL
    SELECT id, pos + 1, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1) FROM words WHERE rest <> ''
  ),
  kept(id, pos, word, body) AS (
    SELECT id, pos, word, lower(word) IN ('board', 'committee', 'overview', 'panel', 'scrutiny', 'select', 'sub') FROM words
    WHERE word <> '' AND lower(word) NOT IN ('a', 'an', 'and', 'at', 'for', 'in', 'of', 'on', 'the', 'to', 'with')
  ),
  prefixes(id, prefix) AS (
    SELECT id, CASE
      WHEN sum(NOT body) >= 2 THEN group_concat(CASE WHEN NOT body THEN upper(substr(word, 1, 1)) END, '' ORDER BY pos)
      WHEN count(*) >= 2 THEN group_concat(upper(substr(word, 1, 1)), '' ORDER BY pos)
      ELSE upper(substr(min(word), 1, 3))
    END FROM kept GROUP BY id
  )
UPDATE `committees` SET `reference_prefix` = substr(coalesce((SELECT prefix FROM prefixes WHERE prefixes.id = `committees`.`id`), 'REF'), 1, 20);--> statement-breakpoint
WITH raised(id, committee_id, starts_at_utc, start_year) AS (
    -- The municipal year (1 May – 30 April) of the meeting's local date, by its first year.
    SELECT a.id, a.committee_id, m.starts_at_utc,
      CAST(substr(m.local_date, 1, 4) AS INTEGER) - (CAST(substr(m.local_date, 6, 2) AS INTEGER) < 5)
    FROM `actions` a JOIN `meetings` m ON m.id = a.meeting_id
  ),
  numbered(id, committee_id, municipal_year, number) AS (
    SELECT id, committee_id, printf('%02d/%02d', start_year % 100, (start_year + 1) % 100),
      ROW_NUMBER() OVER (PARTITION BY committee_id, start_year ORDER BY starts_at_utc, id)
    FROM raised
  )
UPDATE `actions` SET `reference` = c.`reference_prefix` || ' (' || numbered.municipal_year || ') ' || printf('%02d', numbered.number)
FROM numbered JOIN `committees` c ON c.id = numbered.committee_id
WHERE `actions`.`id` = numbered.id;--> statement-breakpoint
-- The counters carry on from the numbers given above.
INSERT INTO `reference_counters` (`committee_id`, `municipal_year`, `last_number`)
SELECT committee_id, printf('%02d/%02d', start_year % 100, (start_year + 1) % 100), count(*)
FROM (
  SELECT a.committee_id, CAST(substr(m.local_date, 1, 4) AS INTEGER) - (CAST(substr(m.local_date, 6, 2) AS INTEGER) < 5) AS start_year
  FROM `actions` a JOIN `meetings` m ON m.id = a.meeting_id
)
GROUP BY committee_id, start_year;--> statement-breakpoint
CREATE UNIQUE INDEX `actions_reference_committee_unique` ON `actions` (`reference`,`committee_id`);--> statement-breakpoint
CREATE INDEX `actions_report_idx` ON `actions` (`committee_id`,`due_rule`,`due_date`,`due_meeting_id`,`executive_response`,`response_due_on`,`status`,`visibility`,`item_visibility`,`owner_id`,`owner_text`,`kind`,`rag`,`title`,`reference`) WHERE "actions"."status" IN ('open', 'in_progress');
