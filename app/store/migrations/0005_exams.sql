-- Quizzes fit for exams (see schema.sql): an optional due date after which no attempt
-- starts, short answers accepted automatically when they match a model answer, and
-- the secret calendar feed links.
ALTER TABLE quizzes ADD COLUMN due_at INTEGER;
CREATE INDEX quizzes_due ON quizzes (due_at) WHERE due_at IS NOT NULL;
ALTER TABLE quiz_questions ADD COLUMN auto_accept INTEGER NOT NULL DEFAULT 0 CHECK (auto_accept IN (0, 1));

CREATE TABLE calendar_feeds (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
