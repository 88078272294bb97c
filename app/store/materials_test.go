package store

import (
	"context"
	"testing"
	"time"
)

func TestMaterialsOrderAndViews(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	u := learnUsers(t, db, "teach", "sam")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var sid int64
	var ids []int64
	err := db.WithTx(ctx, func(tx *Queries) error {
		var err error
		if sid, err = tx.InsertSubject(ctx, NewSubject{Name: "S", Code: "S1", Icon: "school", IsActive: true, InstructorID: u["teach"], Now: now}); err != nil {
			return err
		}
		for i, f := range []MaterialFields{
			{Kind: "document", Title: "Doc", File: &Media{Path: "materials/a.pdf", Name: "a.pdf", Size: 10, ContentType: "application/pdf"}, IsActive: true},
			{Kind: "link", Title: "Link", ExternalURL: "https://go.dev/", IsActive: true},
			{Kind: "assignment", Title: "Homework", DueAt: now.Add(48 * time.Hour), IsActive: false},
		} {
			id, err := tx.InsertMaterial(ctx, sid, f, now.Add(time.Duration(i)*time.Second))
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The schema refuses impossible combinations.
	bad := []MaterialFields{
		{Kind: "document", Title: "No file", IsActive: true},
		{Kind: "link", Title: "No URL", IsActive: true},
		{Kind: "link", Title: "Due", ExternalURL: "https://a.example/", DueAt: now, IsActive: true},
		{Kind: "link", Title: "Script", ExternalURL: "javascript:alert(1)", IsActive: true},
	}
	for _, f := range bad {
		if err := db.WithTx(ctx, func(tx *Queries) error { _, err := tx.InsertMaterial(ctx, sid, f, now); return err }); err == nil {
			t.Errorf("the schema accepted %+v", f)
		}
	}
	all, _ := db.MaterialsOfSubject(ctx, sid, true)
	visible, _ := db.MaterialsOfSubject(ctx, sid, false)
	if len(all) != 3 || len(visible) != 2 || all[0].Position != 0 || all[2].Position != 2 || all[0].File == nil || all[2].DueAt.IsZero() {
		t.Fatalf("materials: %+v / %+v", all, visible)
	}
	order := []int64{ids[2], ids[0], ids[1]}
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.SetMaterialOrder(ctx, sid, order, now) }); err != nil {
		t.Fatal(err)
	}
	got, _ := db.MaterialIDsOfSubject(ctx, sid)
	if len(got) != 3 || got[0] != order[0] || got[1] != order[1] || got[2] != order[2] {
		t.Errorf("order %v, want %v", got, order)
	}
	for i := range 3 {
		if err := db.WithTx(ctx, func(tx *Queries) error {
			return tx.RecordMaterialView(ctx, ids[0], u["sam"], now.Add(time.Duration(i)*time.Minute))
		}); err != nil {
			t.Fatal(err)
		}
	}
	views, _ := db.MaterialViewsOf(ctx, sid, u["sam"])
	v := views[ids[0]]
	if len(views) != 1 || v.Count != 3 || !v.FirstViewedAt.Equal(now) || !v.LastViewedAt.Equal(now.Add(2*time.Minute)) {
		t.Errorf("views: %+v", views)
	}
	viewers, _ := db.MaterialViewers(ctx, sid)
	if viewers[ids[0]] != 1 || len(viewers) != 1 {
		t.Errorf("viewers: %v", viewers)
	}
	files, _ := db.MaterialFilesOfSubject(ctx, sid)
	if len(files) != 1 || files[0] != "materials/a.pdf" {
		t.Errorf("files: %v", files)
	}
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.DeleteSubject(ctx, sid) }); err != nil {
		t.Fatal(err)
	}
	if left, _ := db.MaterialsOfSubject(ctx, sid, true); len(left) != 0 {
		t.Errorf("materials outlived their subject: %v", left)
	}
}
