-- Browsers a user signed in from (OWASP's "device cookies"): the cookie carries a random
-- token per browser, only its SHA-256 is stored, with one row per account that signed
-- in successfully there. A sign-in attempt that presents the account's device token is
-- limited per device instead of by the account's lockout, so guessing from elsewhere
-- cannot lock the owner out of the browser they use.
CREATE TABLE login_devices (
    token_hash  BLOB    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (token_hash, user_id)
) WITHOUT ROWID;
CREATE INDEX login_devices_user ON login_devices (user_id);
CREATE INDEX login_devices_expiry ON login_devices (expires_at);
