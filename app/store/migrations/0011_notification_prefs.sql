-- Notification preferences and the email digest (app/notify/prefs.go, digest.go).
-- A person's choice per notification kind: live (on the site), digest (on the site and
-- in the email digest) or off (the notification is never created, so counts stay
-- honest). Only the choices a person made are stored: a kind without a row has
-- its default (notify.DefaultChoice), so a new kind needs no backfill.
CREATE TABLE notification_prefs (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL CHECK (kind IN ('mention', 'comment', 'like', 'enrollment',
                     'quiz_completed', 'quiz_graded', 'appointment', 'message',
                     'assignment_graded')),
    choice   TEXT    NOT NULL CHECK (choice IN ('live', 'digest', 'off')),
    PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;

-- One row per person who chose a digest frequency or was sent a digest. last_digest_at
-- is written in the transaction that puts the digest in the mail outbox, so a digest
-- goes out once per period even across restarts; unsubscribe_key signs the one-click
-- unsubscribe links of that person's digests (a forged link fails; a new key voids
-- every old link).
CREATE TABLE notification_settings (
    user_id          INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    digest_frequency TEXT    NOT NULL DEFAULT 'daily' CHECK (digest_frequency IN ('daily', 'weekly', 'never')),
    last_digest_at   INTEGER,
    unsubscribe_key  BLOB    CHECK (unsubscribe_key IS NULL OR length(unsubscribe_key) = 32)
);
