-- The overdue report reads, for each committee, every action being worked that is due by the end
-- of its due-soon window. From the table those are a thousand rows on as many pages; this partial
-- index holds just those actions (open or in progress) with every column the report reads, so a
-- committee's report reads a few dozen consecutive index pages instead. The report's query
-- repeats the WHERE literally (modules/actions/query.ts), as SQLite requires to use it.
CREATE INDEX `actions_report_idx` ON `actions` (`committee_id`,`due_rule`,`due_date`,`due_meeting_id`,`executive_response`,`response_due_on`,`status`,`visibility`,`item_visibility`,`owner_id`,`owner_text`,`kind`,`rag`,`title`) WHERE "actions"."status" IN ('open', 'in_progress');