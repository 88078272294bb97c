package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestPostTextSearchRoutesAgree: the posts API's text search gives the same count and
// the same pages whether it takes the single statement or the walk of posts_text.go
// (forced here by a threshold of one match), for content and content-or-author
// searches, common and rare words, and pages deep into the list — including posts
// created in the same millisecond.
func TestPostTextSearchRoutesAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	words := []string{"algebra", "biology", "chemistry", "history", "music"}
	var authors []int64
	for _, name := range []string{"theo", "maria", "algebrafan", "sam"} {
		authors = append(authors, mustCreateUser(t, db, name))
	}
	base := time.Unix(1_700_000_000, 0)
	err := db.WithTx(ctx, func(tx *Queries) error {
		for i := range 700 {
			text := fmt.Sprintf("Post %d about %s and %s", i, words[i%len(words)], words[(i/7)%len(words)])
			if i%50 == 0 {
				text = "A rare word: photosynthesis"
			}
			at := base.Add(time.Duration(i/3) * time.Second) // three posts per instant
			if _, err := tx.InsertPost(ctx, NewPost{UserID: authors[i%len(authors)], Content: text, Now: at}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	statement, walk := *db.Queries, *db.Queries
	statement.textRoutes, walk.textRoutes = textRoutesStatement, textRoutesAlways
	for _, text := range []string{`"algebra"*`, `"music"*`, `"photosynthesis"*`, `"theo"*`, `"maria"* "music"*`, `"nothing"*`} {
		for _, anywhere := range []bool{false, true} {
			for _, page := range []struct{ limit, offset int }{{10, 0}, {10, 10}, {25, 130}, {20, 600}} {
				q := PostQuery{Search: text, Limit: page.limit, Offset: page.offset}
				if anywhere {
					q = PostQuery{Anywhere: text, Limit: page.limit, Offset: page.offset}
				}
				want, err := statement.ListPosts(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				got, err := walk.ListPosts(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(postIDs(got), postIDs(want)) {
					t.Errorf("%+v: the walk lists %v, the statement %v", q, postIDs(got), postIDs(want))
				}
				wantN, err := statement.CountPosts(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				gotN, err := walk.CountPosts(ctx, q)
				if err != nil || gotN != wantN {
					t.Errorf("%+v: the walk counts %d (%v), the statement %d", q, gotN, err, wantN)
				}
			}
		}
	}
	// Another filter or order keeps the statement (the walk knows only newest first).
	for _, q := range []PostQuery{{Search: `"music"*`, MinLikes: 1}, {Search: `"music"*`, OrderBy: "likes_count"},
		{Anywhere: `"music"*`, AuthorID: authors[0]}, {Search: `"music"*`, Ascending: true}} {
		if _, _, ok := walk.textScan(q); ok {
			t.Errorf("%+v: the text routes taken", q)
		}
	}
	if _, _, ok := walk.textScan(PostQuery{Search: `"music"*`, OrderBy: "created_at"}); !ok {
		t.Error("the text routes not taken for the default order spelled out")
	}
	// Left to choose, a common word on a small site is walked, a rare one deep down is not.
	if ok, err := db.walkPays(ctx, `"music"*`, 20); !ok || err != nil {
		t.Errorf("a common word not walked (%v)", err)
	}
	if ok, err := db.walkPays(ctx, `"photosynthesis"*`, 600); ok || err != nil {
		t.Errorf("a rare word walked 600 deep (%v)", err)
	}
}

func postIDs(posts []Post) []int64 {
	out := make([]int64, len(posts))
	for i, p := range posts {
		out[i] = p.ID
	}
	return out
}
