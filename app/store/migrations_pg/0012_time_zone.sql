-- The viewer's time zone (app/zone): an IANA name such as Europe/Berlin, checked with
-- time.LoadLocation before it is stored; '' means not set, and pages show UTC.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
