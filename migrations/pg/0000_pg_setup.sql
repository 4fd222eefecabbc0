-- What the tables rely on and drizzle-kit does not make (issue 18).
-- Full-text search: the configuration `scrutiny` is the nearest match to SQLite's FTS5 tokenizer
-- (`porter unicode61 remove_diacritics 2`): words lose their diacritics (unaccent) and are stemmed
-- by the English snowball stemmer, with no stop-word list (unicode61 has none, so "the" is a word
-- on both engines). Numbers and words with digits lose their diacritics and are kept whole.
-- unaccent ships with PostgreSQL (contrib) and is a trusted extension since 13: the database's
-- owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE TEXT SEARCH DICTIONARY scrutiny_stem (TEMPLATE = snowball, LANGUAGE = english);--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION scrutiny (COPY = simple);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION scrutiny
  ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part WITH unaccent, scrutiny_stem;--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION scrutiny
  ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;
