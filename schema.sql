-- E-Platform schema: the whole current schema for a fresh install.
--
-- Conventions
--   * ids are INTEGER PRIMARY KEY (rowid aliases);
--   * instants are INTEGER Unix milliseconds UTC (*_at columns);
--   * calendar dates are TEXT 'YYYY-MM-DD', times of day TEXT 'HH:MM', both CHECKed;
--   * booleans are INTEGER 0/1 with a CHECK;
--   * every enumerated value has a CHECK;
--   * ON DELETE rules are chosen per foreign key and commented where not obvious.
-- Older databases reach this schema through app/store/migrations; a test proves that
-- migrating an empty database gives exactly this file.

------------------------------------------------------------------------------------------
-- Accounts
------------------------------------------------------------------------------------------

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT    NOT NULL COLLATE NOCASE UNIQUE
                    CHECK (length(username) BETWEEN 1 AND 150),
    email           TEXT    NOT NULL COLLATE NOCASE UNIQUE
                    CHECK (length(email) BETWEEN 3 AND 254),
    password_hash   TEXT    NOT NULL,
    first_name      TEXT    NOT NULL DEFAULT '' CHECK (length(first_name) <= 150),
    last_name       TEXT    NOT NULL DEFAULT '' CHECK (length(last_name) <= 150),
    user_type       TEXT    NOT NULL DEFAULT 'student'
                    CHECK (user_type IN ('student', 'instructor', 'admin')),
    birthdate       TEXT    CHECK (birthdate IS NULL OR date(birthdate) IS birthdate),
    profile_picture TEXT    NOT NULL DEFAULT '',   -- path under the media root, '' for none
    is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    date_joined     INTEGER NOT NULL,
    last_login      INTEGER,
    last_seen_at    INTEGER                        -- presence: when the last tab closed
);
CREATE INDEX users_type ON users (user_type) WHERE is_active = 1;
-- The (few) deactivated accounts, read whole: post search leaves their posts out without
-- looking up the author of each of a thousand ranked posts.
CREATE INDEX users_inactive ON users (id) WHERE is_active = 0;

-- Browser sessions. The cookie carries a random token; only its SHA-256 is stored, so a
-- copy of the database cannot be replayed as a login.
CREATE TABLE sessions (
    id_hash      BLOB    PRIMARY KEY,
    user_id      INTEGER REFERENCES users (id) ON DELETE CASCADE,  -- NULL before login
    data         BLOB    NOT NULL DEFAULT x'',   -- gorilla/sessions values, gob-encoded
    remember     INTEGER NOT NULL DEFAULT 0 CHECK (remember IN (0, 1)),
    user_agent   TEXT    NOT NULL DEFAULT '',
    ip           TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX sessions_expiry ON sessions (expires_at);

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

-- Opaque bearer tokens of the JSON API, stored hashed. A refresh token is single use:
-- rotating it revokes it and issues a new pair in the same family, and presenting a
-- revoked refresh token revokes the whole family (token theft detection).
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB    NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('access', 'refresh')),
    family      INTEGER NOT NULL,               -- id of the first refresh token of a login
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id) WHERE revoked_at IS NULL;
CREATE INDEX api_tokens_family ON api_tokens (family);
CREATE INDEX api_tokens_expiry ON api_tokens (expires_at);

-- A person's secret calendar feed link (/calendar/{token}.ics), stored hashed: one per
-- person, replaced (so revoked) by a new one.
CREATE TABLE calendar_feeds (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- Password reset links, single use, stored hashed.
CREATE TABLE password_resets (
    token_hash  BLOB    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) WITHOUT ROWID;
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Every mail the site sends. Without SMTP the outbox is where an admin reads them.
CREATE TABLE mail_outbox (
    id          INTEGER PRIMARY KEY,
    to_addr     TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    error       TEXT    NOT NULL DEFAULT ''
);

-- Conventions for the sections below, in addition to the header:
--   * optional free text is NOT NULL DEFAULT '' (like users.first_name); optional files and
--     references are NULL, and the columns describing one file are all NULL or all set;
--   * URLs typed by users must be http(s) (no javascript: links reach a page);
--   * every foreign key column is the left edge of some index (a partial one with
--     "WHERE col IS NOT NULL" for sparse columns), so a cascading delete never scans a table;
--   * counters are maintained by the application in the same write transaction; the only
--     triggers are the FTS ones at the end;
--   * keyset pages on (created_at, id): an index on (…, created_at) already ends with the
--     rowid, so it serves "ORDER BY created_at DESC, id DESC" and row-value cursors.

------------------------------------------------------------------------------------------
-- Feed: posts, likes, comments, mentions, notifications
------------------------------------------------------------------------------------------

-- One media item at most per post, by construction: it is a group of columns, not a table.
-- updated_at moves only when the author edits content or media (never for counters), so
-- "edited" is updated_at > created_at.
CREATE TABLE posts (
    id                 INTEGER PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content            TEXT    NOT NULL CHECK (length(content) BETWEEN 1 AND 5000),
    media_kind         TEXT    CHECK (media_kind IN ('image', 'video', 'document')),
    media_path         TEXT,                        -- random name under the media root
    media_name         TEXT    CHECK (length(media_name) <= 255),  -- the uploader's file name
    media_size         INTEGER CHECK (media_size >= 0),
    media_content_type TEXT,                        -- sniffed, served as Content-Type
    likes_count        INTEGER NOT NULL DEFAULT 0 CHECK (likes_count >= 0),
    comments_count     INTEGER NOT NULL DEFAULT 0 CHECK (comments_count >= 0),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL CHECK (updated_at >= created_at),
    -- Bumped by every change a post card shows (text, counts, comments): the cached
    -- fragments of a card are keyed by it, so a change is never served stale.
    version INTEGER NOT NULL DEFAULT 0,
    CHECK ((media_kind IS NULL AND media_path IS NULL AND media_name IS NULL
            AND media_size IS NULL AND media_content_type IS NULL)
        OR (media_kind IS NOT NULL AND media_path IS NOT NULL AND media_name IS NOT NULL
            AND media_size IS NOT NULL AND media_content_type IS NOT NULL))
);
CREATE INDEX posts_created ON posts (created_at);            -- the feed, newest first
CREATE INDEX posts_user ON posts (user_id, created_at);      -- profile "recent posts", ?user_id

CREATE TABLE post_likes (
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)                -- also answers is_liked for a page of posts
) WITHOUT ROWID;
CREATE INDEX post_likes_user ON post_likes (user_id);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content     TEXT    NOT NULL CHECK (length(content) BETWEEN 1 AND 5000),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL CHECK (updated_at >= created_at)  -- > created_at: edited
);
CREATE INDEX comments_post ON comments (post_id, created_at);
CREATE INDEX comments_user ON comments (user_id, created_at);

-- Who is mentioned where, so an edit notifies only the newly mentioned. Two tables rather
-- than one with a nullable comment_id: each gets a plain primary key.
CREATE TABLE post_mentions (
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
) WITHOUT ROWID;
CREATE INDEX post_mentions_user ON post_mentions (user_id);

CREATE TABLE comment_mentions (
    comment_id  INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (comment_id, user_id)
) WITHOUT ROWID;
CREATE INDEX comment_mentions_user ON comment_mentions (user_id);

-- Each type carries exactly the references it links to (the CHECKs), every reference
-- cascades so a url never points at a deleted row, and the de-duplication rules are unique
-- indexes: writers use INSERT … ON CONFLICT DO NOTHING (DO UPDATE for quiz_graded and
-- assignment_graded).
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    recipient_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- NULL only for an anonymous appointment request; a removed account takes its
    -- notifications with it, like its posts and likes
    sender_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
    type            TEXT    NOT NULL CHECK (type IN ('mention', 'comment', 'like', 'enrollment',
                            'quiz_completed', 'quiz_graded', 'appointment', 'message',
                            'assignment_graded')),
    text            TEXT    NOT NULL DEFAULT '' CHECK (length(text) <= 1000),
    url             TEXT    NOT NULL CHECK (url LIKE '/%' AND url NOT LIKE '//%'),  -- on-site only
    is_read         INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    post_id         INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    comment_id      INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    subject_id      INTEGER REFERENCES subjects (id) ON DELETE CASCADE,
    attempt_id      INTEGER REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    appointment_id  INTEGER REFERENCES appointments (id) ON DELETE CASCADE,
    conversation_id INTEGER REFERENCES conversations (id) ON DELETE CASCADE,
    submission_id   INTEGER REFERENCES submissions (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    CHECK (sender_id IS NOT recipient_id),        -- nobody is notified of their own actions
    CHECK (sender_id IS NOT NULL OR type = 'appointment'),
    CHECK (CASE type
               WHEN 'like'    THEN post_id IS NOT NULL AND comment_id IS NULL
               WHEN 'comment' THEN post_id IS NOT NULL AND comment_id IS NOT NULL
               WHEN 'mention' THEN post_id IS NOT NULL  -- comment_id set for a comment mention
               ELSE post_id IS NULL AND comment_id IS NULL
           END),
    CHECK ((subject_id IS NOT NULL) = (type = 'enrollment')),
    CHECK ((attempt_id IS NOT NULL) = (type IN ('quiz_completed', 'quiz_graded'))),
    CHECK ((appointment_id IS NOT NULL) = (type = 'appointment')),
    CHECK ((conversation_id IS NOT NULL) = (type = 'message')),
    CHECK ((submission_id IS NOT NULL) = (type = 'assignment_graded'))
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, created_at);
-- The bell count, the Unread filter and "mark all read".
CREATE INDEX notifications_unread ON notifications (recipient_id, created_at) WHERE is_read = 0;
CREATE INDEX notifications_sender ON notifications (sender_id) WHERE sender_id IS NOT NULL;
CREATE INDEX notifications_post ON notifications (post_id) WHERE post_id IS NOT NULL;
-- One like notification per (post, liker), even after unlike and like again.
CREATE UNIQUE INDEX notifications_like_once ON notifications (post_id, sender_id)
    WHERE type = 'like';
-- One mention notification per (post, recipient).
CREATE UNIQUE INDEX notifications_post_mention_once ON notifications (post_id, recipient_id)
    WHERE type = 'mention' AND comment_id IS NULL;
-- One notification per (comment, recipient) across 'comment' and 'mention': the comment
-- notification is inserted first, so a post owner mentioned in a comment on their own post
-- gets the comment notification only.
CREATE UNIQUE INDEX notifications_comment_once ON notifications (comment_id, recipient_id)
    WHERE comment_id IS NOT NULL;
-- Enrolling, leaving and enrolling again does not notify the instructor twice.
CREATE UNIQUE INDEX notifications_enrollment_once ON notifications (subject_id, sender_id)
    WHERE subject_id IS NOT NULL;
-- One quiz_completed (to the owner) and one quiz_graded (to the student, refreshed by each
-- grading) per attempt: double submits never double-notify.
CREATE UNIQUE INDEX notifications_attempt_once ON notifications (attempt_id, type)
    WHERE attempt_id IS NOT NULL;
CREATE INDEX notifications_appointment ON notifications (appointment_id)
    WHERE appointment_id IS NOT NULL;
CREATE INDEX notifications_conversation ON notifications (conversation_id)
    WHERE conversation_id IS NOT NULL;
-- One assignment_graded per hand-in, refreshed (and unread again) by each regrade.
CREATE UNIQUE INDEX notifications_submission_once ON notifications (submission_id)
    WHERE submission_id IS NOT NULL;

------------------------------------------------------------------------------------------
-- Chat: conversations (direct and group), participants, messages
------------------------------------------------------------------------------------------

-- updated_at is the last activity (the list is ordered by it). last_message_id is a plain
-- integer, not a foreign key: messages are soft-deleted and only ever removed together with
-- their conversation, and a foreign key would need one more index written on every send.
CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('direct', 'group')),
    title           TEXT    NOT NULL DEFAULT '',
    -- 'minid:maxid' of the two people, so a 1:1 conversation exists once
    direct_key      TEXT    UNIQUE CHECK (direct_key GLOB '[1-9]*:[1-9]*'),
    -- SET NULL: a group outlives its creator
    created_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    last_message_id INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL CHECK (updated_at >= created_at),
    CHECK (CASE kind
               WHEN 'direct' THEN direct_key IS NOT NULL AND title = ''
               ELSE direct_key IS NULL AND length(title) BETWEEN 1 AND 100
           END)
);
CREATE INDEX conversations_created_by ON conversations (created_by) WHERE created_by IS NOT NULL;

-- Delivery and read state are per participant watermarks, not per-message receipts: message
-- ids grow within a conversation, pending messages are delivered oldest first and opening a
-- conversation reads all of it, so "delivered up to id D, read up to id R" is exact for every
-- member with one row each, where receipts would cost a row per message per member (×50 in
-- a full group). messages.delivery_status is the aggregate the sender sees: 'delivered' once
-- every other current member's D reaches it, 'read' once every R does. Watermarks are plain
-- integers (0 = nothing) for the reason given at conversations.last_message_id.
CREATE TABLE conversation_participants (
    conversation_id           INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id                   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role                      TEXT    NOT NULL DEFAULT 'member'
                              CHECK (role IN ('owner', 'member')),  -- owner manages members
    joined_at                 INTEGER NOT NULL,
    left_at                   INTEGER CHECK (left_at >= joined_at),  -- NULL while a member
    last_delivered_message_id INTEGER NOT NULL DEFAULT 0,
    last_read_message_id      INTEGER NOT NULL DEFAULT 0  -- reading implies delivery
                              CHECK (last_read_message_id <= last_delivered_message_id),
    unread_count              INTEGER NOT NULL DEFAULT 0 CHECK (unread_count >= 0),
    PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;
-- My conversations and the total unread badge (SUM(unread_count) over a handful of rows).
CREATE INDEX conversation_participants_user ON conversation_participants (user_id);

-- Deleting blanks the content and the file (CHECKed). sender_id survives the sender's
-- account removal as NULL so the other members keep their history; compare senders with
-- IS / IS NOT.
CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    conversation_id   INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    content           TEXT    NOT NULL DEFAULT '' CHECK (length(content) <= 5000),
    created_at        INTEGER NOT NULL,
    delivery_status   TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (delivery_status IN ('pending', 'delivered', 'read')),
    is_edited         INTEGER NOT NULL DEFAULT 0 CHECK (is_edited IN (0, 1)),
    edited_at         INTEGER,
    is_deleted        INTEGER NOT NULL DEFAULT 0 CHECK (is_deleted IN (0, 1)),
    deleted_at        INTEGER,
    file_path         TEXT,                      -- random name; served only to participants
    file_name         TEXT    CHECK (length(file_name) <= 255),
    file_size         INTEGER CHECK (file_size >= 0),
    file_type         TEXT    CHECK (file_type IN ('image', 'document', 'audio', 'video', 'other')),
    file_content_type TEXT,
    CHECK ((is_edited = 1) = (edited_at IS NOT NULL)),
    CHECK ((is_deleted = 1) = (deleted_at IS NOT NULL)),
    CHECK ((file_path IS NULL AND file_name IS NULL AND file_size IS NULL
            AND file_type IS NULL AND file_content_type IS NULL)
        OR (file_path IS NOT NULL AND file_name IS NOT NULL AND file_size IS NOT NULL
            AND file_type IS NOT NULL AND file_content_type IS NOT NULL)),
    CHECK (CASE is_deleted
               WHEN 1 THEN content = '' AND file_path IS NULL
               ELSE content <> '' OR file_path IS NOT NULL
           END)
);
-- History by id (ids grow with time): before_id/after_id cursors, and the cascade.
CREATE INDEX messages_conversation ON messages (conversation_id);
-- Live messages: unread counts (id > last_read_message_id), last-message previews.
CREATE INDEX messages_live ON messages (conversation_id) WHERE is_deleted = 0;
-- Messages not yet delivered to every recipient: the aggregate status update when a
-- member's delivery watermark moves, and the sender's single ticks.
CREATE INDEX messages_pending ON messages (conversation_id) WHERE delivery_status = 'pending';
CREATE INDEX messages_sender ON messages (sender_id) WHERE sender_id IS NOT NULL;

------------------------------------------------------------------------------------------
-- Learning: subjects, materials, enrollment, quizzes, attempts
------------------------------------------------------------------------------------------

CREATE TABLE subjects (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- used in URLs (/home/subjects/{code}/), so URL-safe
    code           TEXT    NOT NULL COLLATE NOCASE UNIQUE
                   CHECK (length(code) BETWEEN 1 AND 20 AND code NOT GLOB '*[^A-Za-z0-9_-]*'),
    description    TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    icon           TEXT    NOT NULL DEFAULT 'school' CHECK (length(icon) <= 50),  -- icon name
    is_active      INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    -- SET NULL: a subject outlives its teacher and its author
    instructor_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    students_count INTEGER NOT NULL DEFAULT 0 CHECK (students_count >= 0),  -- active enrollments
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX subjects_instructor ON subjects (instructor_id) WHERE instructor_id IS NOT NULL;
CREATE INDEX subjects_created_by ON subjects (created_by) WHERE created_by IS NOT NULL;

-- A document or a video is an uploaded file (a video may instead be a link), a link is an
-- external URL, an assignment may have either and a due date.
CREATE TABLE subject_materials (
    id                INTEGER PRIMARY KEY,
    subject_id        INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
    kind              TEXT    NOT NULL CHECK (kind IN ('document', 'video', 'link', 'assignment')),
    title             TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description       TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    file_path         TEXT,
    file_name         TEXT    CHECK (length(file_name) <= 255),
    file_size         INTEGER CHECK (file_size >= 0),
    file_content_type TEXT,
    external_url      TEXT    CHECK (length(external_url) <= 2000
                              AND (external_url LIKE 'http://%' OR external_url LIKE 'https://%')),
    due_at            INTEGER,
    position          INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),  -- instructor's order
    is_active         INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    -- Assignments: the marks a hand-in is graded out of, and whether a hand-in after the
    -- due date is accepted (marked late) or refused. Other kinds keep the defaults.
    max_marks         INTEGER NOT NULL DEFAULT 100 CHECK (max_marks BETWEEN 1 AND 1000),
    late_policy       TEXT    NOT NULL DEFAULT 'accept' CHECK (late_policy IN ('accept', 'refuse')),
    CHECK ((file_path IS NULL AND file_name IS NULL AND file_size IS NULL
            AND file_content_type IS NULL)
        OR (file_path IS NOT NULL AND file_name IS NOT NULL AND file_size IS NOT NULL
            AND file_content_type IS NOT NULL)),
    CHECK (CASE kind
               WHEN 'document' THEN file_path IS NOT NULL AND external_url IS NULL
               WHEN 'video'    THEN (file_path IS NULL) <> (external_url IS NULL)
               WHEN 'link'     THEN file_path IS NULL AND external_url IS NOT NULL
               ELSE 1
           END),
    CHECK (due_at IS NULL OR kind = 'assignment')
);
CREATE INDEX subject_materials_subject ON subject_materials (subject_id, position);

-- A student's hand-in for an assignment: one row per (assignment, student). Handing in
-- again before the due date replaces the text and the file (versions counts the
-- hand-ins, first_submitted_at stays); is_late marks one that arrived after the due date
-- (only an assignment that accepts late work takes it). marks, feedback and graded_* are
-- the current grade (marks NULL: not graded yet); every grading, the first and each
-- regrade, is also a row of submission_grades, so a regrade keeps the history.
CREATE TABLE submissions (
    id                 INTEGER PRIMARY KEY,
    material_id        INTEGER NOT NULL REFERENCES subject_materials (id) ON DELETE CASCADE,
    student_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text               TEXT    NOT NULL DEFAULT '' CHECK (length(text) <= 20000),
    file_path          TEXT,                        -- random name under the media root
    file_name          TEXT    CHECK (length(file_name) <= 255),
    file_size          INTEGER CHECK (file_size >= 0),
    file_content_type  TEXT,                        -- sniffed, served as Content-Type
    is_late            INTEGER NOT NULL DEFAULT 0 CHECK (is_late IN (0, 1)),
    versions           INTEGER NOT NULL DEFAULT 1 CHECK (versions >= 1),
    first_submitted_at INTEGER NOT NULL,
    submitted_at       INTEGER NOT NULL CHECK (submitted_at >= first_submitted_at),
    marks              INTEGER CHECK (marks >= 0),  -- at most the assignment's max_marks
    feedback           TEXT    NOT NULL DEFAULT '' CHECK (length(feedback) <= 5000),
    graded_at          INTEGER,
    graded_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- grade outlives grader
    CHECK ((file_path IS NULL AND file_name IS NULL AND file_size IS NULL
            AND file_content_type IS NULL)
        OR (file_path IS NOT NULL AND file_name IS NOT NULL AND file_size IS NOT NULL
            AND file_content_type IS NOT NULL)),
    CHECK (file_path IS NOT NULL OR length(text) > 0),  -- something was handed in
    CHECK ((marks IS NULL) = (graded_at IS NULL)),
    CHECK (graded_by IS NULL OR graded_at IS NOT NULL),
    UNIQUE (material_id, student_id)             -- also an assignment's hand-ins
);
CREATE INDEX submissions_student ON submissions (student_id);  -- a student's grades
CREATE INDEX submissions_graded_by ON submissions (graded_by) WHERE graded_by IS NOT NULL;

-- Every grade a hand-in was given, with the maximum it was out of at the time.
CREATE TABLE submission_grades (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    marks         INTEGER NOT NULL CHECK (marks >= 0),
    max_marks     INTEGER NOT NULL CHECK (max_marks >= 1),
    feedback      TEXT    NOT NULL DEFAULT '' CHECK (length(feedback) <= 5000),
    graded_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    graded_at     INTEGER NOT NULL
);
CREATE INDEX submission_grades_submission ON submission_grades (submission_id, graded_at);
CREATE INDEX submission_grades_graded_by ON submission_grades (graded_by) WHERE graded_by IS NOT NULL;

-- Who opened which material: "not opened yet" for the assistant.
CREATE TABLE material_views (
    material_id     INTEGER NOT NULL REFERENCES subject_materials (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    first_viewed_at INTEGER NOT NULL,
    last_viewed_at  INTEGER NOT NULL CHECK (last_viewed_at >= first_viewed_at),
    view_count      INTEGER NOT NULL DEFAULT 1 CHECK (view_count >= 1),
    PRIMARY KEY (material_id, user_id)
) WITHOUT ROWID;
CREATE INDEX material_views_user ON material_views (user_id);

-- Unenrolling is a soft delete and re-enrolling reactivates the same row.
CREATE TABLE subject_enrollments (
    subject_id    INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
    student_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    enrolled_at   INTEGER NOT NULL,             -- the latest (re-)enrollment
    unenrolled_at INTEGER,
    CHECK ((is_active = 0) = (unenrolled_at IS NOT NULL)),
    PRIMARY KEY (subject_id, student_id)          -- "is enrolled?" and the subject's roster
) WITHOUT ROWID;
CREATE INDEX subject_enrollments_student ON subject_enrollments (student_id);
-- "My subjects", enrolled badges and quiz availability read only active rows.
CREATE INDEX subject_enrollments_active ON subject_enrollments (student_id, enrolled_at)
    WHERE is_active = 1;

CREATE TABLE quizzes (
    id                 INTEGER PRIMARY KEY,
    subject_id         INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
    -- SET NULL: the quiz and its results outlive its author
    created_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    title              TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description        TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    time_limit_minutes INTEGER NOT NULL DEFAULT 30 CHECK (time_limit_minutes BETWEEN 1 AND 240),
    passing_percent    INTEGER NOT NULL DEFAULT 60 CHECK (passing_percent BETWEEN 0 AND 100),
    max_attempts       INTEGER NOT NULL DEFAULT 0 CHECK (max_attempts >= 0),  -- 0 = unlimited
    is_randomized      INTEGER NOT NULL DEFAULT 0 CHECK (is_randomized IN (0, 1)),
    is_active          INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    total_marks        INTEGER NOT NULL DEFAULT 0 CHECK (total_marks >= 0),  -- sum of marks
    question_count     INTEGER NOT NULL DEFAULT 0 CHECK (question_count >= 0),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
    -- (added by migrations 0005 and 0006, hence the leading commas)
    -- No attempt starts after it, and none runs past it; NULL: always open.
    , due_at INTEGER
    -- Which finished attempt the gradebook counts: the best score, or the last attempt.
    , grade_by TEXT NOT NULL DEFAULT 'best' CHECK (grade_by IN ('best', 'last'))
);
CREATE INDEX quizzes_subject ON quizzes (subject_id, created_at);
CREATE INDEX quizzes_due ON quizzes (due_at) WHERE due_at IS NOT NULL;  -- the calendar
CREATE INDEX quizzes_created_by ON quizzes (created_by) WHERE created_by IS NOT NULL;

CREATE TABLE quiz_questions (
    id          INTEGER PRIMARY KEY,
    quiz_id     INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL DEFAULT 'mcq'
                CHECK (kind IN ('mcq', 'true_false', 'short_answer')),
    text        TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 5000),
    marks       INTEGER NOT NULL DEFAULT 1 CHECK (marks >= 1),
    explanation TEXT    NOT NULL DEFAULT '' CHECK (length(explanation) <= 5000),
    image_path  TEXT,
    position    INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
    -- (added by migration 0005, hence the leading comma)
    -- Short answers: one matching a model answer (ignoring case and spaces) gets full
    -- marks at submit instead of waiting in the grading queue.
    , auto_accept INTEGER NOT NULL DEFAULT 0 CHECK (auto_accept IN (0, 1))
);
CREATE INDEX quiz_questions_quiz ON quiz_questions (quiz_id, position);

-- For short answers the correct rows are model answers shown on the results page.
CREATE TABLE quiz_answers (
    id          INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES quiz_questions (id) ON DELETE CASCADE,
    text        TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    is_correct  INTEGER NOT NULL DEFAULT 0 CHECK (is_correct IN (0, 1)),
    position    INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0)
);
CREATE INDEX quiz_answers_question ON quiz_answers (question_id, position);

-- deadline_at is fixed at start (a later time-limit edit does not move it); seed drives a
-- stable question and answer order within the attempt; max_score is total_marks at start;
-- pending_count is the number of short answers awaiting a grade, set when the attempt ends.
CREATE TABLE quiz_attempts (
    id             INTEGER PRIMARY KEY,
    quiz_id        INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    attempt_number INTEGER NOT NULL CHECK (attempt_number >= 1),
    status         TEXT    NOT NULL DEFAULT 'in_progress'
                   CHECK (status IN ('in_progress', 'completed', 'timed_out')),
    started_at     INTEGER NOT NULL,
    deadline_at    INTEGER NOT NULL CHECK (deadline_at > started_at),
    finished_at    INTEGER CHECK (finished_at >= started_at),
    score          INTEGER NOT NULL DEFAULT 0 CHECK (score >= 0),
    max_score      INTEGER NOT NULL DEFAULT 0 CHECK (max_score >= 0),
    pending_count  INTEGER NOT NULL DEFAULT 0 CHECK (pending_count >= 0),
    seed           INTEGER NOT NULL,
    CHECK ((status = 'in_progress') = (finished_at IS NULL)),
    CHECK (status <> 'in_progress' OR pending_count = 0),
    UNIQUE (quiz_id, user_id, attempt_number)    -- two tabs cannot both start attempt N
);
CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, started_at);
-- At most one open attempt per person and quiz: start-or-resume is race free.
CREATE UNIQUE INDEX quiz_attempts_open ON quiz_attempts (quiz_id, user_id)
    WHERE status = 'in_progress';
-- The deadline sweeper: open attempts by deadline.
CREATE INDEX quiz_attempts_deadline ON quiz_attempts (deadline_at) WHERE status = 'in_progress';
-- The grading queue of a quiz.
CREATE INDEX quiz_attempts_to_grade ON quiz_attempts (quiz_id, finished_at) WHERE pending_count > 0;

-- marks_awarded is NULL while a short answer waits for the instructor (needs_grading = 1).
CREATE TABLE attempt_answers (
    id                 INTEGER PRIMARY KEY,
    attempt_id         INTEGER NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    question_id        INTEGER NOT NULL REFERENCES quiz_questions (id) ON DELETE CASCADE,
    -- SET NULL: the marks awarded survive an option the instructor later deletes
    selected_answer_id INTEGER REFERENCES quiz_answers (id) ON DELETE SET NULL,
    text_answer        TEXT    CHECK (length(text_answer) <= 5000),
    marks_awarded      INTEGER CHECK (marks_awarded >= 0),
    needs_grading      INTEGER NOT NULL DEFAULT 0 CHECK (needs_grading IN (0, 1)),
    answered_at        INTEGER NOT NULL,          -- last save
    graded_at          INTEGER,
    graded_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- grade outlives grader
    feedback           TEXT    NOT NULL DEFAULT '' CHECK (length(feedback) <= 5000),
    CHECK (selected_answer_id IS NULL OR text_answer IS NULL),
    CHECK (needs_grading = 0 OR marks_awarded IS NULL),
    CHECK (graded_by IS NULL OR graded_at IS NOT NULL),
    UNIQUE (attempt_id, question_id)
);
CREATE INDEX attempt_answers_question ON attempt_answers (question_id);  -- per-question analytics
CREATE INDEX attempt_answers_selected ON attempt_answers (selected_answer_id)
    WHERE selected_answer_id IS NOT NULL;
CREATE INDEX attempt_answers_graded_by ON attempt_answers (graded_by) WHERE graded_by IS NOT NULL;
-- Short answers waiting to be graded, question by question.
CREATE INDEX attempt_answers_to_grade ON attempt_answers (question_id) WHERE needs_grading = 1;

------------------------------------------------------------------------------------------
-- People: profiles with per-section privacy, and their five kinds of entries
------------------------------------------------------------------------------------------

-- Created lazily on first visit or edit. Social links are columns so each can be CHECKed.
CREATE TABLE profiles (
    user_id                INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    bio                    TEXT    NOT NULL DEFAULT '' CHECK (length(bio) <= 5000),
    location               TEXT    NOT NULL DEFAULT '' CHECK (length(location) <= 100),
    website                TEXT    NOT NULL DEFAULT '' CHECK (length(website) <= 200
                           AND (website = '' OR website LIKE 'http://%'
                                OR website LIKE 'https://%')),
    linkedin_url           TEXT    NOT NULL DEFAULT '' CHECK (length(linkedin_url) <= 200
                           AND (linkedin_url = '' OR linkedin_url LIKE 'http://%'
                                OR linkedin_url LIKE 'https://%')),
    github_url             TEXT    NOT NULL DEFAULT '' CHECK (length(github_url) <= 200
                           AND (github_url = '' OR github_url LIKE 'http://%'
                                OR github_url LIKE 'https://%')),
    twitter_url            TEXT    NOT NULL DEFAULT '' CHECK (length(twitter_url) <= 200
                           AND (twitter_url = '' OR twitter_url LIKE 'http://%'
                                OR twitter_url LIKE 'https://%')),
    facebook_url           TEXT    NOT NULL DEFAULT '' CHECK (length(facebook_url) <= 200
                           AND (facebook_url = '' OR facebook_url LIKE 'http://%'
                                OR facebook_url LIKE 'https://%')),
    instagram_url          TEXT    NOT NULL DEFAULT '' CHECK (length(instagram_url) <= 200
                           AND (instagram_url = '' OR instagram_url LIKE 'http://%'
                                OR instagram_url LIKE 'https://%')),
    -- who sees each section: everyone, signed-in users, or only the owner
    bio_privacy            TEXT    NOT NULL DEFAULT 'public'
                           CHECK (bio_privacy IN ('public', 'registered', 'private')),
    location_privacy       TEXT    NOT NULL DEFAULT 'public'
                           CHECK (location_privacy IN ('public', 'registered', 'private')),
    website_privacy        TEXT    NOT NULL DEFAULT 'public'
                           CHECK (website_privacy IN ('public', 'registered', 'private')),
    social_links_privacy   TEXT    NOT NULL DEFAULT 'public'
                           CHECK (social_links_privacy IN ('public', 'registered', 'private')),
    email_privacy          TEXT    NOT NULL DEFAULT 'private'
                           CHECK (email_privacy IN ('public', 'registered', 'private')),
    education_privacy      TEXT    NOT NULL DEFAULT 'public'
                           CHECK (education_privacy IN ('public', 'registered', 'private')),
    experience_privacy     TEXT    NOT NULL DEFAULT 'public'
                           CHECK (experience_privacy IN ('public', 'registered', 'private')),
    skills_privacy         TEXT    NOT NULL DEFAULT 'public'
                           CHECK (skills_privacy IN ('public', 'registered', 'private')),
    projects_privacy       TEXT    NOT NULL DEFAULT 'public'
                           CHECK (projects_privacy IN ('public', 'registered', 'private')),
    certifications_privacy TEXT    NOT NULL DEFAULT 'public'
                           CHECK (certifications_privacy IN ('public', 'registered', 'private')),
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
);

-- Entries: is_visible hides one from everyone but the owner; position is the owner's order.
CREATE TABLE profile_education (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    institution    TEXT    NOT NULL CHECK (length(institution) BETWEEN 1 AND 100),
    degree         TEXT    NOT NULL CHECK (length(degree) BETWEEN 1 AND 100),
    field_of_study TEXT    NOT NULL DEFAULT '' CHECK (length(field_of_study) <= 100),
    start_date     TEXT    CHECK (date(start_date) IS start_date),
    end_date       TEXT    CHECK (date(end_date) IS end_date),
    description    TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    is_visible     INTEGER NOT NULL DEFAULT 1 CHECK (is_visible IN (0, 1)),
    position       INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CHECK (end_date >= start_date)               -- NULL (open-ended) passes
);
CREATE INDEX profile_education_user ON profile_education (user_id, position);

CREATE TABLE profile_experience (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    company     TEXT    NOT NULL CHECK (length(company) BETWEEN 1 AND 100),
    title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 100),  -- the job's position
    location    TEXT    NOT NULL DEFAULT '' CHECK (length(location) <= 100),
    start_date  TEXT    CHECK (date(start_date) IS start_date),
    end_date    TEXT    CHECK (date(end_date) IS end_date),  -- NULL: current job
    description TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    is_visible  INTEGER NOT NULL DEFAULT 1 CHECK (is_visible IN (0, 1)),
    position    INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX profile_experience_user ON profile_experience (user_id, position);

CREATE TABLE profile_skills (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 50),
    proficiency INTEGER NOT NULL DEFAULT 3 CHECK (proficiency BETWEEN 1 AND 5),  -- 1 beginner
    is_visible  INTEGER NOT NULL DEFAULT 1 CHECK (is_visible IN (0, 1)),
    position    INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (user_id, name)                       -- case-insensitive through the column collation
);

CREATE TABLE profile_projects (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    description  TEXT    NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
    url          TEXT    NOT NULL DEFAULT '' CHECK (length(url) <= 200
                         AND (url = '' OR url LIKE 'http://%' OR url LIKE 'https://%')),
    image_path   TEXT,
    technologies TEXT    NOT NULL DEFAULT '' CHECK (length(technologies) <= 200),  -- free text
    start_date   TEXT    CHECK (date(start_date) IS start_date),
    end_date     TEXT    CHECK (date(end_date) IS end_date),
    is_visible   INTEGER NOT NULL DEFAULT 1 CHECK (is_visible IN (0, 1)),
    position     INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX profile_projects_user ON profile_projects (user_id, position);

CREATE TABLE profile_certifications (
    id                   INTEGER PRIMARY KEY,
    user_id              INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                 TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    issuing_organization TEXT    NOT NULL DEFAULT '' CHECK (length(issuing_organization) <= 100),
    issue_date           TEXT    CHECK (date(issue_date) IS issue_date),
    expiration_date      TEXT    CHECK (date(expiration_date) IS expiration_date),
    credential_id        TEXT    NOT NULL DEFAULT '' CHECK (length(credential_id) <= 100),
    credential_url       TEXT    NOT NULL DEFAULT '' CHECK (length(credential_url) <= 200
                         AND (credential_url = '' OR credential_url LIKE 'http://%'
                              OR credential_url LIKE 'https://%')),
    is_visible           INTEGER NOT NULL DEFAULT 1 CHECK (is_visible IN (0, 1)),
    position             INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    CHECK (expiration_date >= issue_date)
);
CREATE INDEX profile_certifications_user ON profile_certifications (user_id, position);

------------------------------------------------------------------------------------------
-- Contact, FAQ, appointments
------------------------------------------------------------------------------------------

-- The admin inbox. user_id is set when the sender was signed in.
CREATE TABLE contact_messages (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- outlives the account
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email       TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    subject     TEXT    NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    message     TEXT    NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
    is_read     INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    handled_at  INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX contact_messages_user ON contact_messages (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX contact_messages_unread ON contact_messages (created_at) WHERE is_read = 0;

CREATE TABLE faqs (
    id          INTEGER PRIMARY KEY,
    question    TEXT    NOT NULL CHECK (length(question) BETWEEN 1 AND 255),
    answer      TEXT    NOT NULL CHECK (length(answer) BETWEEN 1 AND 5000),
    category    TEXT    NOT NULL DEFAULT '' CHECK (length(category) <= 100),
    position    INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    is_active   INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- The instructor is the one the requester chose. "Not in the past" depends on the clock and
-- is the application's check; weekdays and office hours are CHECKed here.
CREATE TABLE appointments (
    id               INTEGER PRIMARY KEY,
    -- the requester; NULL when anonymous, SET NULL so the instructor's list keeps the booking
    user_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- CASCADE: instructors are deactivated, not removed; a removed one has no schedule
    instructor_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email            TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone            TEXT    NOT NULL DEFAULT '' CHECK (length(phone) <= 20),
    appointment_date TEXT    NOT NULL CHECK (date(appointment_date) IS appointment_date
                             AND strftime('%w', appointment_date) NOT IN ('0', '6')),  -- Mon-Fri
    appointment_time TEXT    NOT NULL CHECK (appointment_time GLOB '[0-2][0-9]:[0-5][0-9]'
                             AND appointment_time BETWEEN '09:00' AND '17:00'),
    type             TEXT    NOT NULL DEFAULT 'office_hours'
                     CHECK (type IN ('office_hours', 'project_discussion', 'academic_advice',
                                     'course_related', 'other')),
    message          TEXT    NOT NULL DEFAULT '' CHECK (length(message) <= 2000),
    status           TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected', 'completed',
                                       'cancelled')),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    CHECK (user_id IS NOT instructor_id)
);
CREATE INDEX appointments_instructor
    ON appointments (instructor_id, appointment_date, appointment_time);
CREATE INDEX appointments_user ON appointments (user_id, appointment_date)
    WHERE user_id IS NOT NULL;
-- Requests waiting for an instructor's decision.
CREATE INDEX appointments_pending
    ON appointments (instructor_id, appointment_date, appointment_time)
    WHERE status = 'pending';

------------------------------------------------------------------------------------------
-- Learning assistant
------------------------------------------------------------------------------------------

-- Feedback the local engine produced (from the user's own attempts, views and deadlines),
-- kept so the page can show the history and so the same request is answered consistently.
CREATE TABLE ai_feedback (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL DEFAULT 'general'
                  CHECK (kind IN ('general', 'assignment', 'quiz')),
    submission_id TEXT    NOT NULL DEFAULT '' CHECK (length(submission_id) <= 50),
    feedback      TEXT    NOT NULL CHECK (length(feedback) BETWEEN 1 AND 10000),
    created_at    INTEGER NOT NULL
);
CREATE INDEX ai_feedback_user ON ai_feedback (user_id, created_at);

------------------------------------------------------------------------------------------
-- Search: FTS5 external-content indexes over posts, users and subjects
------------------------------------------------------------------------------------------
-- The text lives once, in the content table; the triggers keep the index in step using the
-- documented external-content pattern ('delete' with the OLD values, then insert the NEW).
-- Update triggers fire only when an indexed column really changes, so counter, presence
-- and flag updates never touch the index. Visibility (inactive users, inactive subjects) is
-- filtered by joining the content table, never by leaving rows out of the index.

CREATE VIRTUAL TABLE posts_fts USING fts5 (
    content,
    content = 'posts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF content ON posts
WHEN old.content IS NOT new.content BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO posts_fts (rowid, content) VALUES (new.id, new.content);
END;

-- The distinct terms of posts_fts, as its tokenizer produced them (text.SearchTokens
-- reproduces it): a search for a word being typed expands "prob…" into the terms that
-- begin so ("probability" OR "problem" OR …) found here by a range scan. FTS5's own
-- prefix query merges the whole lists of all those terms first, O(matches) — 11 ms for a
-- common four-letter prefix at 1M posts — where an OR of terms stops after the newest
-- page. Terms of edited or deleted posts stay: one that no longer occurs finds nothing.
CREATE TABLE post_terms (
    term TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE VIRTUAL TABLE users_fts USING fts5 (
    username, first_name, last_name,
    content = 'users', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, username, first_name, last_name)
    VALUES (new.id, new.username, new.first_name, new.last_name);
END;
CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, username, first_name, last_name)
    VALUES ('delete', old.id, old.username, old.first_name, old.last_name);
END;
CREATE TRIGGER users_fts_update AFTER UPDATE OF username, first_name, last_name ON users
WHEN old.username IS NOT new.username
  OR old.first_name IS NOT new.first_name
  OR old.last_name IS NOT new.last_name BEGIN
    INSERT INTO users_fts (users_fts, rowid, username, first_name, last_name)
    VALUES ('delete', old.id, old.username, old.first_name, old.last_name);
    INSERT INTO users_fts (rowid, username, first_name, last_name)
    VALUES (new.id, new.username, new.first_name, new.last_name);
END;

CREATE VIRTUAL TABLE subjects_fts USING fts5 (
    name, code, description,
    content = 'subjects', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER subjects_fts_insert AFTER INSERT ON subjects BEGIN
    INSERT INTO subjects_fts (rowid, name, code, description)
    VALUES (new.id, new.name, new.code, new.description);
END;
CREATE TRIGGER subjects_fts_delete AFTER DELETE ON subjects BEGIN
    INSERT INTO subjects_fts (subjects_fts, rowid, name, code, description)
    VALUES ('delete', old.id, old.name, old.code, old.description);
END;
CREATE TRIGGER subjects_fts_update AFTER UPDATE OF name, code, description ON subjects
WHEN old.name IS NOT new.name
  OR old.code IS NOT new.code
  OR old.description IS NOT new.description BEGIN
    INSERT INTO subjects_fts (subjects_fts, rowid, name, code, description)
    VALUES ('delete', old.id, old.name, old.code, old.description);
    INSERT INTO subjects_fts (rowid, name, code, description)
    VALUES (new.id, new.name, new.code, new.description);
END;

------------------------------------------------------------------------------------------
-- Reports and blocks (issue 16 item 5): reports of a post, comment or chat message to the
-- admins (one open report per reporter and item), and people blocking people.
------------------------------------------------------------------------------------------

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
-- My data: account deletions with a grace period
------------------------------------------------------------------------------------------

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
-- ==== Audit log (issue 16) ====
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
-- ===== Second factor (TOTP) — migration 0010_totp =====
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
-- Notification preferences and digest
------------------------------------------------------------------------------------------

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

-- Local time (issue 14, item 5)
------------------------------------------------------------------------------------------

-- The viewer's time zone (app/zone): an IANA name such as Europe/Berlin, checked with
-- time.LoadLocation before it is stored; '' means not set, and pages show UTC.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
