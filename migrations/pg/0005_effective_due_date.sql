-- Each action's due-by date (src/modules/actions/query.ts effectiveDueDate: its due meeting's
-- agenda_despatch_by for the meeting rules, else its due_date), kept on its row by triggers, so
-- that a due-date window in a list (dueAfter, dueBefore) compares a column with statistics and an
-- index rather than a CASE over the join of the due meeting. Planned as a CASE, the window's rows
-- were guessed at a third of the table, and a search with a window walked the actions in id order
-- through every match outside the window (issue 18, docs/postgres-plan.md §11). Not declared in
-- the drizzle schema (src/db/pg/schema.ts), so that selected rows, RETURNING and audit JSON never
-- carry it; reads still compute the date they show.
--
-- 'meeting' and 'next_meeting' are src/domain/due.ts MEETING_DUE_RULES: a rule added there needs
-- a migration of both functions below.
ALTER TABLE "actions" ADD COLUMN "effective_due_date" text COLLATE "C";--> statement-breakpoint
UPDATE "actions" SET "effective_due_date" = CASE WHEN "due_rule" IN ('meeting', 'next_meeting')
  THEN (SELECT m."agenda_despatch_by" FROM "meetings" AS m WHERE m."id" = "actions"."due_meeting_id") ELSE "due_date" END;--> statement-breakpoint
CREATE INDEX "actions_effective_due_idx" ON "actions" USING btree ("effective_due_date");--> statement-breakpoint

-- Whoever writes an action's due rule, due meeting or date (or the column itself) ... The due
-- meeting is read FOR SHARE: a change of its despatch date not yet committed is waited for and
-- then read, and one that comes after waits for this write to commit and then finds this row.
CREATE FUNCTION actions_effective_due_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.due_rule IN ('meeting', 'next_meeting') THEN
    NEW.effective_due_date := (SELECT agenda_despatch_by FROM meetings WHERE id = NEW.due_meeting_id FOR SHARE);
  ELSE
    NEW.effective_due_date := NEW.due_date;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER actions_effective_due_date BEFORE INSERT OR UPDATE OF due_rule, due_meeting_id, due_date, effective_due_date ON actions
  FOR EACH ROW EXECUTE FUNCTION actions_effective_due_date();--> statement-breakpoint
-- ... and a meeting whose despatch date moves (rescheduled, a holiday added) takes the actions
-- due at it with it.
CREATE FUNCTION meetings_despatch_to_actions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE actions SET effective_due_date = NEW.agenda_despatch_by
  WHERE due_meeting_id = NEW.id AND due_rule IN ('meeting', 'next_meeting') AND effective_due_date IS DISTINCT FROM NEW.agenda_despatch_by;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER meetings_despatch_to_actions AFTER UPDATE OF agenda_despatch_by ON meetings
  FOR EACH ROW WHEN (OLD.agenda_despatch_by IS DISTINCT FROM NEW.agenda_despatch_by)
  EXECUTE FUNCTION meetings_despatch_to_actions();
