-- Coursework (see schema.sql): an assignment's maximum mark and late policy, a quiz's
-- gradebook rule, students' hand-ins with the history of their grades, and the
-- assignment_graded notification (the notifications table is rebuilt: SQLite cannot
-- change a CHECK in place).
ALTER TABLE subject_materials ADD COLUMN max_marks INTEGER NOT NULL DEFAULT 100 CHECK (max_marks BETWEEN 1 AND 1000);
ALTER TABLE subject_materials ADD COLUMN late_policy TEXT NOT NULL DEFAULT 'accept' CHECK (late_policy IN ('accept', 'refuse'));
ALTER TABLE quizzes ADD COLUMN grade_by TEXT NOT NULL DEFAULT 'best' CHECK (grade_by IN ('best', 'last'));

CREATE TABLE submissions (
    id                 INTEGER PRIMARY KEY,
    material_id        INTEGER NOT NULL REFERENCES subject_materials (id) ON DELETE CASCADE,
    student_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text               TEXT    NOT NULL DEFAULT '' CHECK (length(text) <= 20000),
    file_path          TEXT,
    file_name          TEXT    CHECK (length(file_name) <= 255),
    file_size          INTEGER CHECK (file_size >= 0),
    file_content_type  TEXT,
    is_late            INTEGER NOT NULL DEFAULT 0 CHECK (is_late IN (0, 1)),
    versions           INTEGER NOT NULL DEFAULT 1 CHECK (versions >= 1),
    first_submitted_at INTEGER NOT NULL,
    submitted_at       INTEGER NOT NULL CHECK (submitted_at >= first_submitted_at),
    marks              INTEGER CHECK (marks >= 0),
    feedback           TEXT    NOT NULL DEFAULT '' CHECK (length(feedback) <= 5000),
    graded_at          INTEGER,
    graded_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    CHECK ((file_path IS NULL AND file_name IS NULL AND file_size IS NULL
            AND file_content_type IS NULL)
        OR (file_path IS NOT NULL AND file_name IS NOT NULL AND file_size IS NOT NULL
            AND file_content_type IS NOT NULL)),
    CHECK (file_path IS NOT NULL OR length(text) > 0),
    CHECK ((marks IS NULL) = (graded_at IS NULL)),
    CHECK (graded_by IS NULL OR graded_at IS NOT NULL),
    UNIQUE (material_id, student_id)
);
CREATE INDEX submissions_student ON submissions (student_id);
CREATE INDEX submissions_graded_by ON submissions (graded_by) WHERE graded_by IS NOT NULL;

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

-- No table refers to notifications, so it can be renamed, copied and dropped; its
-- indexes go with the old table and are made again under their names.
ALTER TABLE notifications RENAME TO notifications_old;
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    recipient_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sender_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
    type            TEXT    NOT NULL CHECK (type IN ('mention', 'comment', 'like', 'enrollment',
                            'quiz_completed', 'quiz_graded', 'appointment', 'message',
                            'assignment_graded')),
    text            TEXT    NOT NULL DEFAULT '' CHECK (length(text) <= 1000),
    url             TEXT    NOT NULL CHECK (url LIKE '/%' AND url NOT LIKE '//%'),
    is_read         INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    post_id         INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    comment_id      INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    subject_id      INTEGER REFERENCES subjects (id) ON DELETE CASCADE,
    attempt_id      INTEGER REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    appointment_id  INTEGER REFERENCES appointments (id) ON DELETE CASCADE,
    conversation_id INTEGER REFERENCES conversations (id) ON DELETE CASCADE,
    submission_id   INTEGER REFERENCES submissions (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    CHECK (sender_id IS NOT recipient_id),
    CHECK (sender_id IS NOT NULL OR type = 'appointment'),
    CHECK (CASE type
               WHEN 'like'    THEN post_id IS NOT NULL AND comment_id IS NULL
               WHEN 'comment' THEN post_id IS NOT NULL AND comment_id IS NOT NULL
               WHEN 'mention' THEN post_id IS NOT NULL
               ELSE post_id IS NULL AND comment_id IS NULL
           END),
    CHECK ((subject_id IS NOT NULL) = (type = 'enrollment')),
    CHECK ((attempt_id IS NOT NULL) = (type IN ('quiz_completed', 'quiz_graded'))),
    CHECK ((appointment_id IS NOT NULL) = (type = 'appointment')),
    CHECK ((conversation_id IS NOT NULL) = (type = 'message')),
    CHECK ((submission_id IS NOT NULL) = (type = 'assignment_graded'))
);
INSERT INTO notifications (id, recipient_id, sender_id, type, text, url, is_read, post_id, comment_id,
        subject_id, attempt_id, appointment_id, conversation_id, created_at)
    SELECT id, recipient_id, sender_id, type, text, url, is_read, post_id, comment_id,
        subject_id, attempt_id, appointment_id, conversation_id, created_at
    FROM notifications_old;
DROP TABLE notifications_old;
CREATE INDEX notifications_recipient ON notifications (recipient_id, created_at);
CREATE INDEX notifications_unread ON notifications (recipient_id, created_at) WHERE is_read = 0;
CREATE INDEX notifications_sender ON notifications (sender_id) WHERE sender_id IS NOT NULL;
CREATE INDEX notifications_post ON notifications (post_id) WHERE post_id IS NOT NULL;
CREATE UNIQUE INDEX notifications_like_once ON notifications (post_id, sender_id)
    WHERE type = 'like';
CREATE UNIQUE INDEX notifications_post_mention_once ON notifications (post_id, recipient_id)
    WHERE type = 'mention' AND comment_id IS NULL;
CREATE UNIQUE INDEX notifications_comment_once ON notifications (comment_id, recipient_id)
    WHERE comment_id IS NOT NULL;
CREATE UNIQUE INDEX notifications_enrollment_once ON notifications (subject_id, sender_id)
    WHERE subject_id IS NOT NULL;
CREATE UNIQUE INDEX notifications_attempt_once ON notifications (attempt_id, type)
    WHERE attempt_id IS NOT NULL;
CREATE INDEX notifications_appointment ON notifications (appointment_id)
    WHERE appointment_id IS NOT NULL;
CREATE INDEX notifications_conversation ON notifications (conversation_id)
    WHERE conversation_id IS NOT NULL;
CREATE UNIQUE INDEX notifications_submission_once ON notifications (submission_id)
    WHERE submission_id IS NOT NULL;
