-- Reports and blocks (see schema.sql): a person reports a post, comment or chat message
-- to the admins, or blocks another person.
CREATE TABLE user_blocks (
    blocker_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
) WITHOUT ROWID;
CREATE INDEX user_blocks_blocked ON user_blocks (blocked_id);

-- item_id is not a foreign key: a report outlives its content (an admin's "delete the
-- content" keeps the reports as the record), so the text reported is kept in excerpt and
-- post_id says where a comment was. Status says what became of it.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    reporter_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_type   TEXT    NOT NULL CHECK (item_type IN ('post', 'comment', 'message')),
    item_id     INTEGER NOT NULL,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    post_id     INTEGER,
    excerpt     TEXT    NOT NULL DEFAULT '' CHECK (length(excerpt) <= 5000),
    reason      TEXT    NOT NULL CHECK (reason IN ('spam', 'harassment', 'hate', 'violence', 'inappropriate', 'other')),
    note        TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed', 'deleted', 'deactivated')),
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER,
    closed_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    CHECK ((status = 'open') = (closed_at IS NULL)),
    CHECK (item_type <> 'comment' OR post_id IS NOT NULL)
);
CREATE UNIQUE INDEX reports_open_once ON reports (reporter_id, item_type, item_id) WHERE status = 'open';
CREATE INDEX reports_open ON reports (item_type, item_id) WHERE status = 'open';
CREATE INDEX reports_item ON reports (item_type, item_id, created_at);
CREATE INDEX reports_author ON reports (author_id) WHERE author_id IS NOT NULL;
CREATE INDEX reports_closed_by ON reports (closed_by) WHERE closed_by IS NOT NULL;
