-- Second factor (TOTP, RFC 6238). One row per user who started enrolling; confirmed_at
-- is 0 until a first code was accepted, and only a confirmed row asks for a code at
-- sign-in. last_step is the newest 30-second step whose code was accepted, so a code
-- seen once (over a shoulder, in a proxy log) is refused afterwards.
CREATE TABLE user_totp (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret       BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    confirmed_at INTEGER NOT NULL DEFAULT 0,
    last_step    INTEGER NOT NULL DEFAULT 0
);
-- One-time recovery codes, stored as their SHA-256 only; used_at is 0 until used.
CREATE TABLE totp_recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB    NOT NULL,
    used_at   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;
-- A password accepted for an account with a second factor: the client holds the random
-- challenge token (only its SHA-256 is kept) and must present it with a code before it
-- gets a session or tokens. failures bounds the codes tried against one challenge.
CREATE TABLE login_challenges (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    failures   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_challenges_user ON login_challenges (user_id);
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);
