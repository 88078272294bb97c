-- The audit log: every administrative and grading action, who did it and when, with
-- small JSON snapshots before and after. The actor and target are copied as they were
-- (id and name at the time) without foreign keys: an entry must outlive the account,
-- post or subject it names. Entries older than -audit-keep are pruned by a background job.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    created_at   INTEGER NOT NULL,
    actor_id     INTEGER,
    actor_name   TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    target_kind  TEXT    NOT NULL,
    target_id    INTEGER,
    target_label TEXT    NOT NULL DEFAULT '',
    before_json  TEXT    NOT NULL DEFAULT '',
    after_json   TEXT    NOT NULL DEFAULT '',
    request_id   TEXT    NOT NULL DEFAULT '',
    client       TEXT    NOT NULL DEFAULT ''
);
-- The page lists newest first by id (keyset), filtered by one of these at a time.
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_actor ON audit_log (actor_name COLLATE NOCASE, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_target ON audit_log (target_kind, target_id, id);
