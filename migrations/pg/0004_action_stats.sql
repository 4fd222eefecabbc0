-- As migrations/sqlite/0019_action_stats.sql: each action carries the count of its overdue flags,
-- kept by a trigger whoever writes a flag, and the index of actions by meeting carries every
-- column GET /v1/stats reads. Neither is declared in the drizzle schema (src/db/pg/schema.ts).
ALTER TABLE "actions" ADD COLUMN "times_flagged" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "actions" SET "times_flagged" = f.n
FROM (SELECT "action_id", count(*) AS n FROM "overdue_flags" GROUP BY "action_id") AS f
WHERE f."action_id" = "actions"."id";--> statement-breakpoint
DROP INDEX "actions_meeting_idx";--> statement-breakpoint
CREATE INDEX "actions_meeting_stats_idx" ON "actions" USING btree (
  "meeting_id", "owner_id", "owner_text", "responded_on", "times_flagged", "status", "due_rule", "due_meeting_id", "due_date",
  "executive_response", "response_due_on", "visibility", "item_visibility"
);--> statement-breakpoint
CREATE FUNCTION overdue_flags_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE actions SET times_flagged = times_flagged - 1 WHERE id = OLD.action_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE actions SET times_flagged = times_flagged + 1 WHERE id = NEW.action_id;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER overdue_flags_count AFTER INSERT OR DELETE OR UPDATE OF action_id ON overdue_flags
  FOR EACH ROW EXECUTE FUNCTION overdue_flags_count();
