-- Full-text search over actions (title, detail, response) for GET /v1/actions?q=.
-- drizzle-kit cannot describe FTS5 virtual tables, so this migration is hand-written.
-- An external-content index: the text lives once, in actions; triggers keep the index in step.
CREATE VIRTUAL TABLE `actions_fts` USING fts5(
  title, detail, response,
  content='actions', content_rowid='id',
  tokenize='porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `actions_fts_after_insert` AFTER INSERT ON `actions` BEGIN
  INSERT INTO actions_fts(rowid, title, detail, response)
  VALUES (new.id, new.title, new.detail, new.response);
END;
--> statement-breakpoint
CREATE TRIGGER `actions_fts_after_delete` AFTER DELETE ON `actions` BEGIN
  INSERT INTO actions_fts(actions_fts, rowid, title, detail, response)
  VALUES ('delete', old.id, old.title, old.detail, old.response);
END;
--> statement-breakpoint
CREATE TRIGGER `actions_fts_after_update` AFTER UPDATE OF title, detail, response ON `actions` BEGIN
  INSERT INTO actions_fts(actions_fts, rowid, title, detail, response)
  VALUES ('delete', old.id, old.title, old.detail, old.response);
  INSERT INTO actions_fts(rowid, title, detail, response)
  VALUES (new.id, new.title, new.detail, new.response);
END;
--> statement-breakpoint
-- Audit events are append-only: no API changes them, and neither can a stray UPDATE/DELETE.
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events` BEGIN
  SELECT RAISE(ABORT, 'audit events are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events` BEGIN
  SELECT RAISE(ABORT, 'audit events are append-only');
END;
