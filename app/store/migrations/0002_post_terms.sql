-- The vocabulary of posts_fts for prefix expansion (see schema.sql), filled from the
-- index itself.
CREATE TABLE post_terms (
    term TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE VIRTUAL TABLE temp.posts_fts_vocab USING fts5vocab (main, posts_fts, row);
INSERT OR IGNORE INTO post_terms (term) SELECT term FROM temp.posts_fts_vocab;
DROP TABLE temp.posts_fts_vocab;
