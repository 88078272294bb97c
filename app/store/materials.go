package store

import (
	"context"
	"database/sql"
	"time"
)

// Material is a row of subject_materials.
type Material struct {
	ID          int64
	SubjectID   int64
	Kind        string // document | video | link | assignment
	Title       string
	Description string
	File        *Media // Kind is the material's kind; nil without a file
	ExternalURL string // "" when none
	DueAt       time.Time
	Position    int
	IsActive    bool // false: hidden from students
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Assignments: the marks a hand-in is graded out of, and "accept" (marked late) or
	// "refuse" for a hand-in after the due date.
	MaxMarks   int
	LatePolicy string
}

const materialColumns = `m.id, m.subject_id, m.kind, m.title, m.description, m.file_path, m.file_name, m.file_size,
	m.file_content_type, m.external_url, m.due_at, m.position, m.is_active, m.created_at, m.updated_at,
	m.max_marks, m.late_policy`

func scanMaterial(row interface{ Scan(...any) error }) (Material, error) {
	var m Material
	var path, name, ctype, ext sql.NullString
	var size, due sql.NullInt64
	var created, updated int64
	err := row.Scan(&m.ID, &m.SubjectID, &m.Kind, &m.Title, &m.Description, &path, &name, &size, &ctype, &ext, &due,
		&m.Position, &m.IsActive, &created, &updated, &m.MaxMarks, &m.LatePolicy)
	if err != nil {
		return Material{}, scanOne(err)
	}
	if path.Valid {
		m.File = &Media{Kind: m.Kind, Path: path.String, Name: name.String, Size: size.Int64, ContentType: ctype.String}
	}
	m.ExternalURL = ext.String
	if due.Valid {
		m.DueAt = FromMillis(due.Int64)
	}
	m.CreatedAt, m.UpdatedAt = FromMillis(created), FromMillis(updated)
	return m, nil
}

// MaterialFields are a material's editable fields.
type MaterialFields struct {
	Kind, Title, Description string
	File                     *Media // nil: no file
	ExternalURL              string // "": none
	DueAt                    time.Time
	IsActive                 bool
	MaxMarks                 int    // 1..1000; 0 stores the default, 100
	LatePolicy               string // accept | refuse; "" stores the default, accept
}

func (f MaterialFields) args() []any {
	var path, name, size, ctype, ext, due any
	if m := f.File; m != nil {
		path, name, size, ctype = m.Path, m.Name, m.Size, m.ContentType
	}
	if f.ExternalURL != "" {
		ext = f.ExternalURL
	}
	if !f.DueAt.IsZero() {
		due = millis(f.DueAt)
	}
	maxMarks, late := f.MaxMarks, f.LatePolicy
	if maxMarks == 0 {
		maxMarks = 100
	}
	if late == "" {
		late = "accept"
	}
	return []any{f.Kind, f.Title, f.Description, path, name, size, ctype, ext, due, f.IsActive, maxMarks, late}
}

// InsertMaterial adds a material at the end of its subject's list.
func (s *Queries) InsertMaterial(ctx context.Context, subjectID int64, f MaterialFields, now time.Time) (int64, error) {
	args := append([]any{subjectID}, f.args()...)
	args = append(args, subjectID, millis(now), millis(now))
	id, err := s.insertID(ctx, `INSERT INTO subject_materials (subject_id, kind, title, description, file_path, file_name,
		file_size, file_content_type, external_url, due_at, is_active, max_marks, late_policy, position, created_at,
		updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
			(SELECT coalesce(max(position) + 1, 0) FROM subject_materials WHERE subject_id = ?), ?, ?)`, args...)
	if err != nil {
		return 0, wrapf(err, "store: insert material")
	}
	return id, nil
}

// UpdateMaterial rewrites a material's editable fields.
func (s *Queries) UpdateMaterial(ctx context.Context, id int64, f MaterialFields, now time.Time) error {
	args := append(f.args(), millis(now), id)
	err := s.updateOne(ctx, `UPDATE subject_materials SET kind = ?, title = ?, description = ?, file_path = ?,
		file_name = ?, file_size = ?, file_content_type = ?, external_url = ?, due_at = ?, is_active = ?,
		max_marks = ?, late_policy = ?, updated_at = max(?, created_at) WHERE id = ?`, args...)
	return wrapf(err, "store: update material")
}

// MaterialByID returns a material.
func (s *Queries) MaterialByID(ctx context.Context, id int64) (Material, error) {
	return scanMaterial(s.queryRow(ctx, `SELECT `+materialColumns+` FROM subject_materials m WHERE m.id = ?`, id))
}

// MaterialsOfSubject lists a subject's materials in the instructor's order; hidden
// ones only with withHidden.
func (s *Queries) MaterialsOfSubject(ctx context.Context, subjectID int64, withHidden bool) ([]Material, error) {
	rows, err := s.query(ctx, `SELECT `+materialColumns+` FROM subject_materials m
		WHERE m.subject_id = ? AND (? = 1 OR m.is_active = 1) ORDER BY m.position, m.id`, subjectID, withHidden)
	if err != nil {
		return nil, wrapf(err, "store: list materials")
	}
	defer rows.Close()
	var out []Material
	for rows.Next() {
		m, err := scanMaterial(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MaterialFilesOfSubject lists the stored files of a subject's materials, to remove
// them after the subject is deleted.
func (s *Queries) MaterialFilesOfSubject(ctx context.Context, subjectID int64) ([]string, error) {
	rows, err := s.query(ctx, `SELECT file_path FROM subject_materials WHERE subject_id = ? AND file_path IS NOT NULL`, subjectID)
	if err != nil {
		return nil, wrapf(err, "store: material files")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DeleteMaterial removes a material (its views cascade).
func (s *Queries) DeleteMaterial(ctx context.Context, id int64) error {
	return s.updateOne(ctx, `DELETE FROM subject_materials WHERE id = ?`, id)
}

// SetMaterialOrder gives the materials of a subject the positions 0, 1, 2, ... in the
// order of ids (call inside WithTx). ids must be exactly the subject's materials.
func (s *Queries) SetMaterialOrder(ctx context.Context, subjectID int64, ids []int64, now time.Time) error {
	for i, id := range ids {
		if err := s.updateOne(ctx, `UPDATE subject_materials SET position = ? WHERE id = ? AND subject_id = ?`,
			i, id, subjectID); err != nil {
			return err
		}
	}
	_, err := s.exec(ctx, `UPDATE subjects SET updated_at = max(?, created_at) WHERE id = ?`, millis(now), subjectID)
	return err
}

// MaterialIDsOfSubject lists the ids of a subject's materials in order (hidden ones
// too), for reordering.
func (s *Queries) MaterialIDsOfSubject(ctx context.Context, subjectID int64) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT id FROM subject_materials WHERE subject_id = ? ORDER BY position, id`, subjectID)
	if err != nil {
		return nil, wrapf(err, "store: material ids")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// RecordMaterialView notes that a user opened a material: the first time, the latest
// time and how often.
func (s *Queries) RecordMaterialView(ctx context.Context, materialID, userID int64, now time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO material_views (material_id, user_id, first_viewed_at, last_viewed_at, view_count)
		VALUES (?, ?, ?, ?, 1) ON CONFLICT (material_id, user_id) DO UPDATE
		SET last_viewed_at = max(material_views.last_viewed_at, excluded.last_viewed_at), view_count = material_views.view_count + 1`,
		materialID, userID, millis(now), millis(now))
	return wrapf(err, "store: record material view")
}

// MaterialView is one user's record of one material.
type MaterialView struct {
	FirstViewedAt, LastViewedAt time.Time
	Count                       int
}

// MaterialViewsOf returns a user's views of a subject's materials, by material id.
func (s *Queries) MaterialViewsOf(ctx context.Context, subjectID, userID int64) (map[int64]MaterialView, error) {
	rows, err := s.query(ctx, `SELECT v.material_id, v.first_viewed_at, v.last_viewed_at, v.view_count
		FROM material_views v JOIN subject_materials m ON m.id = v.material_id
		WHERE m.subject_id = ? AND v.user_id = ?`, subjectID, userID)
	if err != nil {
		return nil, wrapf(err, "store: material views")
	}
	defer rows.Close()
	out := map[int64]MaterialView{}
	for rows.Next() {
		var id, first, last int64
		var v MaterialView
		if err := rows.Scan(&id, &first, &last, &v.Count); err != nil {
			return nil, err
		}
		v.FirstViewedAt, v.LastViewedAt = FromMillis(first), FromMillis(last)
		out[id] = v
	}
	return out, rows.Err()
}

// MaterialViewers counts, per material of a subject, the distinct people who opened
// it, for the instructor.
func (s *Queries) MaterialViewers(ctx context.Context, subjectID int64) (map[int64]int, error) {
	rows, err := s.query(ctx, `SELECT v.material_id, count(*) FROM material_views v
		JOIN subject_materials m ON m.id = v.material_id WHERE m.subject_id = ? GROUP BY v.material_id`, subjectID)
	if err != nil {
		return nil, wrapf(err, "store: material viewers")
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
