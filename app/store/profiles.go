package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ProfilePrivacy holds who sees each section of a profile: public, registered or
// private. The rules that read it live in app/people.
type ProfilePrivacy struct {
	Bio, Location, Website, SocialLinks, Email              string
	Education, Experience, Skills, Projects, Certifications string
}

// DefaultPrivacy is what a profile without a row has: everything public except the
// email address, as the schema's defaults say.
var DefaultPrivacy = ProfilePrivacy{
	Bio: "public", Location: "public", Website: "public", SocialLinks: "public", Email: "private",
	Education: "public", Experience: "public", Skills: "public", Projects: "public", Certifications: "public",
}

// Profile is a row of profiles. Exists is false when the user has no row yet: the
// values are then the schema's defaults.
type Profile struct {
	UserID                                         int64
	Bio, Location, Website                         string
	LinkedIn, GitHub, Twitter, Facebook, Instagram string
	Privacy                                        ProfilePrivacy
	Exists                                         bool
	CreatedAt, UpdatedAt                           time.Time
}

const profileColumns = `user_id, bio, location, website, linkedin_url, github_url, twitter_url, facebook_url,
	instagram_url, bio_privacy, location_privacy, website_privacy, social_links_privacy, email_privacy,
	education_privacy, experience_privacy, skills_privacy, projects_privacy, certifications_privacy,
	created_at, updated_at`

func (p *Profile) scanArgs(created, updated *int64) []any {
	pr := &p.Privacy
	return []any{&p.UserID, &p.Bio, &p.Location, &p.Website, &p.LinkedIn, &p.GitHub, &p.Twitter, &p.Facebook,
		&p.Instagram, &pr.Bio, &pr.Location, &pr.Website, &pr.SocialLinks, &pr.Email,
		&pr.Education, &pr.Experience, &pr.Skills, &pr.Projects, &pr.Certifications, created, updated}
}

// ProfileOf returns a user's profile, or the defaults (Exists false) when the user
// has none yet. It does not check that the user exists.
func (s *Queries) ProfileOf(ctx context.Context, userID int64) (Profile, error) {
	var p Profile
	var created, updated int64
	err := s.queryRow(ctx, `SELECT `+profileColumns+` FROM profiles WHERE user_id = ?`, userID).Scan(p.scanArgs(&created, &updated)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{UserID: userID, Privacy: DefaultPrivacy}, nil
	}
	if err != nil {
		return Profile{}, wrapf(err, "store: profile of %d", userID)
	}
	p.Exists = true
	p.CreatedAt, p.UpdatedAt = FromMillis(created), FromMillis(updated)
	return p, nil
}

// EnsureProfile creates a user's profile row with the defaults if it is missing.
func (s *Queries) EnsureProfile(ctx context.Context, userID int64, now time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO profiles (user_id, created_at, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO NOTHING`, userID, millis(now), millis(now))
	return wrapf(err, "store: ensure profile")
}

// SaveProfile writes every editable column of p, creating the row if needed.
func (s *Queries) SaveProfile(ctx context.Context, p Profile, now time.Time) error {
	pr := p.Privacy
	_, err := s.exec(ctx, `INSERT INTO profiles (user_id, bio, location, website, linkedin_url, github_url,
		twitter_url, facebook_url, instagram_url, bio_privacy, location_privacy, website_privacy,
		social_links_privacy, email_privacy, education_privacy, experience_privacy, skills_privacy,
		projects_privacy, certifications_privacy, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET bio = excluded.bio, location = excluded.location,
			website = excluded.website, linkedin_url = excluded.linkedin_url, github_url = excluded.github_url,
			twitter_url = excluded.twitter_url, facebook_url = excluded.facebook_url,
			instagram_url = excluded.instagram_url, bio_privacy = excluded.bio_privacy,
			location_privacy = excluded.location_privacy, website_privacy = excluded.website_privacy,
			social_links_privacy = excluded.social_links_privacy, email_privacy = excluded.email_privacy,
			education_privacy = excluded.education_privacy, experience_privacy = excluded.experience_privacy,
			skills_privacy = excluded.skills_privacy, projects_privacy = excluded.projects_privacy,
			certifications_privacy = excluded.certifications_privacy, updated_at = excluded.updated_at`,
		p.UserID, p.Bio, p.Location, p.Website, p.LinkedIn, p.GitHub, p.Twitter, p.Facebook, p.Instagram,
		pr.Bio, pr.Location, pr.Website, pr.SocialLinks, pr.Email, pr.Education, pr.Experience, pr.Skills,
		pr.Projects, pr.Certifications, millis(now), millis(now))
	return wrapf(err, "store: save profile")
}

// ProfilesOf returns the profiles of users, in one query; users without a row get
// the defaults.
func (s *Queries) ProfilesOf(ctx context.Context, userIDs []int64) (map[int64]Profile, error) {
	out := make(map[int64]Profile, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT `+profileColumns+` FROM profiles WHERE user_id IN (`+marks(len(userIDs))+`)`, int64Args(userIDs)...)
	if err != nil {
		return nil, wrapf(err, "store: profiles")
	}
	defer rows.Close()
	for rows.Next() {
		var p Profile
		var created, updated int64
		if err := rows.Scan(p.scanArgs(&created, &updated)...); err != nil {
			return nil, err
		}
		p.Exists = true
		p.CreatedAt, p.UpdatedAt = FromMillis(created), FromMillis(updated)
		out[p.UserID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range userIDs {
		if _, ok := out[id]; !ok {
			out[id] = Profile{UserID: id, Privacy: DefaultPrivacy}
		}
	}
	return out, nil
}

// ---- entries -------------------------------------------------------------------------

// Kinds of profile entries, one table each.
const (
	ProfileEducation      = "education"
	ProfileExperience     = "experience"
	ProfileSkills         = "skills"
	ProfileProjects       = "projects"
	ProfileCertifications = "certifications"
)

// ProfileEntryKinds lists the kinds in the order a profile shows them.
var ProfileEntryKinds = []string{ProfileEducation, ProfileExperience, ProfileSkills, ProfileProjects, ProfileCertifications}

type profileColType int

const (
	pColText     profileColType = iota // NOT NULL DEFAULT ''
	pColDate                           // YYYY-MM-DD or NULL ("" in Go)
	pColInt                            // an integer, kept as its decimal string in ProfileEntry.Fields
	pColNullText                       // NULL when ""
)

type profileEntryCol struct {
	name string
	typ  profileColType
}

type profileEntryTable struct {
	table string
	cols  []profileEntryCol
}

// profileEntryTables is the whitelist of tables and columns the entry queries name; nothing
// from a request is ever put into SQL text.
var profileEntryTables = map[string]profileEntryTable{
	ProfileEducation: {"profile_education", []profileEntryCol{{"institution", pColText}, {"degree", pColText},
		{"field_of_study", pColText}, {"start_date", pColDate}, {"end_date", pColDate}, {"description", pColText}}},
	ProfileExperience: {"profile_experience", []profileEntryCol{{"company", pColText}, {"title", pColText},
		{"location", pColText}, {"start_date", pColDate}, {"end_date", pColDate}, {"description", pColText}}},
	ProfileSkills: {"profile_skills", []profileEntryCol{{"name", pColText}, {"proficiency", pColInt}}},
	ProfileProjects: {"profile_projects", []profileEntryCol{{"title", pColText}, {"description", pColText}, {"url", pColText},
		{"technologies", pColText}, {"start_date", pColDate}, {"end_date", pColDate}, {"image_path", pColNullText}}},
	ProfileCertifications: {"profile_certifications", []profileEntryCol{{"name", pColText}, {"issuing_organization", pColText},
		{"issue_date", pColDate}, {"expiration_date", pColDate}, {"credential_id", pColText}, {"credential_url", pColText}}},
}

// ProfileEntryColumns returns the columns of a kind's table that ProfileEntry.Fields holds.
func ProfileEntryColumns(kind string) []string {
	t, ok := profileEntryTables[kind]
	if !ok {
		return nil
	}
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.name
	}
	return out
}

// ProfileEntry is a row of one of the five entry tables. Fields maps each column of the kind
// (EntryColumns) to its value: "" for NULL, integers in decimal.
type ProfileEntry struct {
	ID, UserID           int64
	Kind                 string
	Fields               map[string]string
	IsVisible            bool
	Position             int
	CreatedAt, UpdatedAt time.Time
}

// F returns one field ("" when absent).
func (e ProfileEntry) F(name string) string { return e.Fields[name] }

func profileTableOf(kind string) (profileEntryTable, error) {
	t, ok := profileEntryTables[kind]
	if !ok {
		return profileEntryTable{}, fmt.Errorf("store: unknown entry kind %q", kind)
	}
	return t, nil
}

func (t profileEntryTable) selectColumns() string {
	var b strings.Builder
	b.WriteString("id, user_id, is_visible, position, created_at, updated_at")
	for _, c := range t.cols {
		b.WriteString(", ")
		b.WriteString(c.name)
	}
	return b.String()
}

func scanProfileEntry(row interface{ Scan(...any) error }, kind string, t profileEntryTable) (ProfileEntry, error) {
	e := ProfileEntry{Kind: kind, Fields: make(map[string]string, len(t.cols))}
	var created, updated int64
	vals := make([]sql.NullString, len(t.cols))
	args := []any{&e.ID, &e.UserID, &e.IsVisible, &e.Position, &created, &updated}
	for i := range vals {
		args = append(args, &vals[i])
	}
	if err := row.Scan(args...); err != nil {
		return ProfileEntry{}, scanOne(err)
	}
	for i, c := range t.cols {
		e.Fields[c.name] = vals[i].String
	}
	e.CreatedAt, e.UpdatedAt = FromMillis(created), FromMillis(updated)
	return e, nil
}

// values converts Fields to the column values in t.cols order.
func (t profileEntryTable) values(fields map[string]string) ([]any, error) {
	out := make([]any, len(t.cols))
	for i, c := range t.cols {
		v := fields[c.name]
		switch c.typ {
		case pColText:
			out[i] = v
		case pColDate, pColNullText:
			if v == "" {
				out[i] = nil
			} else {
				out[i] = v
			}
		case pColInt:
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("store: %s.%s: %q is not an integer", t.table, c.name, v)
			}
			out[i] = n
		}
	}
	return out, nil
}

// ProfileEntries returns a user's entries of one kind in the owner's order; visibleOnly
// leaves out the hidden ones.
func (s *Queries) ProfileEntries(ctx context.Context, kind string, userID int64, visibleOnly bool) ([]ProfileEntry, error) {
	t, err := profileTableOf(kind)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + t.selectColumns() + ` FROM ` + t.table + ` WHERE user_id = ?`
	if visibleOnly {
		q += ` AND is_visible = 1`
	}
	rows, err := s.query(ctx, q+` ORDER BY position, id`, userID)
	if err != nil {
		return nil, wrapf(err, "store: %s entries", kind)
	}
	defer rows.Close()
	var out []ProfileEntry
	for rows.Next() {
		e, err := scanProfileEntry(rows, kind, t)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ProfileEntryByID returns one of the user's entries; another user's entry is ErrNotFound.
func (s *Queries) ProfileEntryByID(ctx context.Context, kind string, userID, id int64) (ProfileEntry, error) {
	t, err := profileTableOf(kind)
	if err != nil {
		return ProfileEntry{}, err
	}
	return scanProfileEntry(s.queryRow(ctx, `SELECT `+t.selectColumns()+` FROM `+t.table+` WHERE id = ? AND user_id = ?`, id, userID), kind, t)
}

// CountProfileEntries counts a user's entries of one kind.
func (s *Queries) CountProfileEntries(ctx context.Context, kind string, userID int64) (int, error) {
	t, err := profileTableOf(kind)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.queryRow(ctx, `SELECT count(*) FROM `+t.table+` WHERE user_id = ?`, userID).Scan(&n)
	return n, translate(err)
}

// InsertProfileEntry adds an entry after the user's others. A second skill of the same name
// is a *ConflictError.
func (s *Queries) InsertProfileEntry(ctx context.Context, e ProfileEntry, now time.Time) (int64, error) {
	t, err := profileTableOf(e.Kind)
	if err != nil {
		return 0, err
	}
	vals, err := t.values(e.Fields)
	if err != nil {
		return 0, err
	}
	names := ProfileEntryColumns(e.Kind)
	args := append([]any{e.UserID, e.IsVisible}, vals...)
	args = append(args, millis(now), millis(now), e.UserID)
	id, err := s.insertID(ctx, `INSERT INTO `+t.table+` (user_id, is_visible, `+strings.Join(names, ", ")+`, created_at, updated_at, position)
		VALUES (?, ?, `+marks(len(names))+`, ?, ?, (SELECT coalesce(max(position) + 1, 0) FROM `+t.table+` WHERE user_id = ?))`, args...)
	if err != nil {
		return 0, wrapf(err, "store: insert %s entry", e.Kind)
	}
	return id, nil
}

// UpdateProfileEntry writes an entry's fields and visibility; it must be the user's.
func (s *Queries) UpdateProfileEntry(ctx context.Context, e ProfileEntry, now time.Time) error {
	t, err := profileTableOf(e.Kind)
	if err != nil {
		return err
	}
	vals, err := t.values(e.Fields)
	if err != nil {
		return err
	}
	sets := make([]string, len(t.cols))
	for i, c := range t.cols {
		sets[i] = c.name + " = ?"
	}
	args := append(vals, e.IsVisible, millis(now), e.ID, e.UserID)
	err = s.updateOne(ctx, `UPDATE `+t.table+` SET `+strings.Join(sets, ", ")+`, is_visible = ?, updated_at = ?
		WHERE id = ? AND user_id = ?`, args...)
	return wrapf(err, "store: update %s entry", e.Kind)
}

// DeleteProfileEntry removes one of the user's entries.
func (s *Queries) DeleteProfileEntry(ctx context.Context, kind string, userID, id int64) error {
	t, err := profileTableOf(kind)
	if err != nil {
		return err
	}
	return s.updateOne(ctx, `DELETE FROM `+t.table+` WHERE id = ? AND user_id = ?`, id, userID)
}

// MoveProfileEntry moves one of the user's entries one place up (delta -1) or down (+1) in
// their order and renumbers the positions 0..n-1, so equal positions (from older
// data) are straightened out too. Call it inside WithTx.
func (s *Queries) MoveProfileEntry(ctx context.Context, kind string, userID, id int64, delta int, now time.Time) error {
	t, err := profileTableOf(kind)
	if err != nil {
		return err
	}
	rows, err := s.query(ctx, `SELECT id FROM `+t.table+` WHERE user_id = ? ORDER BY position, id`, userID)
	if err != nil {
		return wrapf(err, "store: move %s entry", kind)
	}
	var ids []int64
	for rows.Next() {
		var x int64
		if err := rows.Scan(&x); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	at := -1
	for i, x := range ids {
		if x == id {
			at = i
		}
	}
	if at < 0 {
		return ErrNotFound
	}
	to := at + delta
	if to < 0 || to >= len(ids) {
		return nil // already first or last
	}
	ids[at], ids[to] = ids[to], ids[at]
	for pos, x := range ids {
		if _, err := s.exec(ctx, `UPDATE `+t.table+` SET position = ? WHERE id = ? AND position IS NOT ?`, pos, x, pos); err != nil {
			return wrapf(err, "store: move %s entry", kind)
		}
	}
	_, err = s.exec(ctx, `UPDATE `+t.table+` SET updated_at = ? WHERE id = ?`, millis(now), id)
	return wrapf(err, "store: move %s entry", kind)
}

// ProfileEntryCounts returns how many entries of each kind a user has (hidden ones too), in
// one query.
func (s *Queries) ProfileEntryCounts(ctx context.Context, userID int64) (map[string]int, error) {
	var ed, ex, sk, pr, ce int
	err := s.queryRow(ctx, `SELECT
		(SELECT count(*) FROM profile_education WHERE user_id = ?1),
		(SELECT count(*) FROM profile_experience WHERE user_id = ?1),
		(SELECT count(*) FROM profile_skills WHERE user_id = ?1),
		(SELECT count(*) FROM profile_projects WHERE user_id = ?1),
		(SELECT count(*) FROM profile_certifications WHERE user_id = ?1)`, userID).Scan(&ed, &ex, &sk, &pr, &ce)
	if err != nil {
		return nil, wrapf(err, "store: entry counts")
	}
	return map[string]int{ProfileEducation: ed, ProfileExperience: ex, ProfileSkills: sk, ProfileProjects: pr, ProfileCertifications: ce}, nil
}
