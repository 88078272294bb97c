-- My data: accounts whose deletion was asked for (by the owner, with their password, or
-- by an admin). The background job deletes each for good at delete_at unless the owner
-- signs in before then, which removes the row (the deletion is cancelled).
CREATE TABLE account_deletions (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- who asked: the owner or an admin; SET NULL so an admin's own removal keeps the row
    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    requested_at INTEGER NOT NULL,
    delete_at    INTEGER NOT NULL CHECK (delete_at >= requested_at)
);
CREATE INDEX account_deletions_due ON account_deletions (delete_at);
CREATE INDEX account_deletions_requested_by ON account_deletions (requested_by)
    WHERE requested_by IS NOT NULL;
