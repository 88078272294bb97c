-- Post search (see schema.sql): the vocabulary of posts_fts for prefix expansion,
-- filled from the index itself, and the deactivated accounts whose posts it leaves out.
CREATE INDEX users_inactive ON users (id) WHERE is_active = 0;
CREATE TABLE post_terms (
    term TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE VIRTUAL TABLE temp.posts_fts_vocab USING fts5vocab (main, posts_fts, row);
INSERT OR IGNORE INTO post_terms (term) SELECT term FROM temp.posts_fts_vocab;
DROP TABLE temp.posts_fts_vocab;
