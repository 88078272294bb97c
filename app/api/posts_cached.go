package api

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"strconv"

	"eplatform/app/auth"
	"eplatform/app/frag"
	"eplatform/app/store"
)

// The API's list of the newest posts, the way most clients ask for it (no filter, no
// ordering), is assembled from each post's JSON encoded once per post version and
// people version and kept as a fragment (bytes and deflate); only "is_liked" and the
// page's envelope are written per request. Filtered or reordered lists are queried and
// encoded as they come (writePosts).

// isNewestPage reports whether pq asks for the plain newest-first list.
func isNewestPage(pq store.PostQuery) bool {
	return pq.Unfiltered() && pq.OrderBy == "" && !pq.Ascending
}

// postJSONPrefix is a post's JSON up to and without its last field, is_liked, which
// PostJSON declares last for this reason: `{"id":…,"likes_count":3,`.
func (a *API) postJSONPrefix(p store.Post, known map[string]store.UserMini) ([]byte, error) {
	b, err := json.Marshal(a.postJSON(p, false, known))
	if err != nil {
		return nil, err
	}
	const tail = `"is_liked":false}`
	return b[:len(b)-len(tail)], nil
}

func (a *API) cachedPosts(w http.ResponseWriter, r *http.Request, pg paging) {
	ctx := r.Context()
	me := viewer(r)
	count, err := a.st.Feed.PostCount(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	heads, err := a.st.Feed.HeadsAt(ctx, pg.offset(), pg.Size)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// As on the feed page, the posts of people the caller blocked are left out of the
	// newest posts (count stays the site's, so the pages do not shift).
	if hidden, err := a.st.Feed.Hidden(ctx, me.ID); err != nil {
		a.fail(w, r, err)
		return
	} else if len(hidden) > 0 {
		kept := heads[:0:0]
		for _, h := range heads {
			if !hidden[h.AuthorID] {
				kept = append(kept, h)
			}
		}
		heads = kept
	}
	ids := make([]int64, len(heads))
	for i, h := range heads {
		ids[i] = h.ID
	}
	liked, _, err := a.st.Feed.ViewerMarks(ctx, me.ID, ids)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	posts, keys, err := a.postFragments(ctx, heads)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := a.newListPage(r, pg, count, nil)
	head, _ := json.Marshal(struct { // an int and two strings: cannot fail
		Count    int     `json:"count"`
		Next     *string `json:"next"`
		Previous *string `json:"previous"`
	}{page.Count, page.Next, page.Previous}) // cannot fail: an int and two strings
	head = append(head[:len(head)-1], `,"results":[`...)

	etag := fnv.New64a()
	etag.Write(head)
	var resp frag.Response
	resp.AddPiece(frag.Stored(head))
	for i, f := range posts {
		l := likedTail(liked[heads[i].ID], i == len(posts)-1)
		resp.Add(f, nil)
		resp.AddPiece(l)
		etag.Write([]byte(keys[i]))
		etag.Write(l.Raw)
	}
	if len(posts) == 0 {
		resp.AddPiece(frag.Stored([]byte("]}")))
	}
	frag.Serve(w, r, http.StatusOK, "application/json", "no-store", resp.Pieces(),
		`"`+strconv.FormatUint(etag.Sum64(), 36)+`"`)
}

// The closing bytes after each post: its is_liked and what follows it in the list.
var likedTails = func() (t [2][2]*frag.Piece) {
	for i, liked := range []string{"false", "true"} {
		t[i][0] = frag.Stored([]byte(`"is_liked":` + liked + `},`))
		t[i][1] = frag.Stored([]byte(`"is_liked":` + liked + `}]}`))
	}
	return t
}()

func likedTail(liked, last bool) *frag.Piece {
	i, j := 0, 0
	if liked {
		i = 1
	}
	if last {
		j = 1
	}
	return likedTails[i][j]
}

// postFragments returns each head's JSON fragment (without is_liked), encoding in one
// batch the ones this process does not keep yet. A post deleted meanwhile is dropped.
func (a *API) postFragments(ctx context.Context, heads []store.PostHead) ([]*frag.Fragment, []string, error) {
	people, err := a.st.Cache.Version(ctx, auth.PeopleNamespace)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*frag.Fragment, len(heads))
	keys := make([]string, len(heads))
	var missing []int64
	for i, h := range heads {
		keys[i] = "postjson:" + strconv.FormatInt(h.ID, 10) + "." + strconv.FormatInt(h.Version, 10) + "." + strconv.FormatUint(people, 10)
		if f, ok := a.st.Fragments.Peek(keys[i]); ok {
			out[i] = f
		} else {
			missing = append(missing, h.ID)
		}
	}
	if len(missing) > 0 {
		items, known, err := a.st.Feed.Cards(ctx, missing)
		if err != nil {
			return nil, nil, err
		}
		for i, h := range heads {
			it, ok := items[h.ID]
			if out[i] != nil || !ok {
				continue
			}
			if out[i], err = a.st.Fragments.Render(keys[i], func() ([]byte, error) { return a.postJSONPrefix(it.Post, known) }); err != nil {
				return nil, nil, err
			}
		}
	}
	var kept []*frag.Fragment
	var keptKeys []string
	for i, f := range out {
		if f != nil {
			kept, keptKeys = append(kept, f), append(keptKeys, keys[i])
		}
	}
	return kept, keptKeys, nil
}
