-- Cached views (see schema.sql): a version per post, bumped by every change its card
-- shows, so cached card fragments are keyed by it.
ALTER TABLE posts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
