-- What SQLite's migrations do beyond the tables, as they stand after 0017 (issue 18).
--
-- Every text column compares byte by byte, as SQLite's BINARY does: sorting (titles, names,
-- references), keyset cursors and range filters on ISO dates give the same order on any cluster,
-- whatever its default collation. A side effect, also SQLite's behaviour: lower() and ILIKE fold
-- ASCII letters only. A later migration adding a text column must give it COLLATE "C" too
-- (test/db/pg-migrations.test.ts checks). Done before search_vector is added, which reads three
-- of these columns.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'
    ORDER BY table_name, ordinal_position
  LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE text COLLATE "C"', c.table_name, c.column_name);
  END LOOP;
END
$$;--> statement-breakpoint

-- Audit events are append-only: no API changes them, and neither can a stray UPDATE, DELETE or
-- TRUNCATE.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only';
END
$$;--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();--> statement-breakpoint
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();--> statement-breakpoint

-- actions.item_visibility is its item's visibility (null without an item), whoever writes: an
-- action written without the right value, or moved to another item, takes its item's ...
CREATE FUNCTION actions_item_visibility() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.item_visibility := (SELECT visibility FROM agenda_items WHERE id = NEW.item_id);
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER actions_item_visibility BEFORE INSERT OR UPDATE OF item_id, item_visibility ON actions
  FOR EACH ROW EXECUTE FUNCTION actions_item_visibility();--> statement-breakpoint
-- ... and an item made stricter (or, by an admin, looser) takes its actions with it.
CREATE FUNCTION agenda_items_visibility_to_actions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE actions SET item_visibility = NEW.visibility
  WHERE item_id = NEW.id AND item_visibility IS DISTINCT FROM NEW.visibility;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER agenda_items_visibility_to_actions AFTER UPDATE OF visibility ON agenda_items
  FOR EACH ROW WHEN (OLD.visibility IS DISTINCT FROM NEW.visibility)
  EXECUTE FUNCTION agenda_items_visibility_to_actions();--> statement-breakpoint

-- Full-text search over an action's title, detail and response (the `scrutiny` configuration,
-- migration 0000), kept by PostgreSQL itself in the row's transaction. Not in the drizzle schema,
-- so that selected rows, RETURNING and audit JSON never carry it.
ALTER TABLE actions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  to_tsvector('scrutiny', coalesce(title, '') || ' ' || coalesce(detail, '') || ' ' || coalesce(response, ''))
) STORED;--> statement-breakpoint
CREATE INDEX actions_search_idx ON actions USING gin (search_vector);
