package web

import (
	"bytes"
	"context"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"eplatform/app/auth"
	"eplatform/app/feed"
	"eplatform/app/frag"
	"eplatform/app/store"
	"eplatform/views"
)

// Cached views of the feed. A feed page is assembled from pieces kept as bytes (and as
// deflate streams, so a gzip answer is concatenated, not compressed):
//
//   - a shell per viewer — the layout, the navigation with their counters, the
//     composer — with a slot where each card goes;
//   - a card per post version and viewer variant: liked or not, what the viewer may do
//     (author, admin, other) and which of its comments are theirs.
//
// A piece's key names every version it shows — the post's version (moved by any change
// its card shows), the people version (names and pictures, auth.PeopleNamespace) — so
// a kept piece is never stale, only unused, and each process may keep its own. A
// card's times are absolute ("7 Dec 2026, 14:05 CET"; live.js shows them relative) in
// the viewer's zone, so the zone is part of every key (zoneKey): viewers in one zone
// share a card, nobody sees another's zone. The viewer's avatar is a hole filled per
// response.

// cardRole is what the viewer may do to a post: 'a' an admin, 'o' its author, 'x'
// anyone else.
func cardRole(viewer store.User, authorID int64) byte {
	switch {
	case auth.IsAdmin(viewer):
		return 'a'
	case viewer.ID == authorID:
		return 'o'
	}
	return 'x'
}

// cardKey names a card fragment.
// hidden is feed.HiddenKey of the authors the viewer blocked: their comments are left
// out of the card.
func cardKey(h store.PostHead, people uint64, liked bool, role byte, own []int64, hidden string) string {
	b := make([]byte, 0, 64)
	b = append(b, "card:"...)
	b = strconv.AppendInt(b, h.ID, 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, h.Version, 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, people, 10)
	b = append(b, '.', role)
	if liked {
		b = append(b, 'L')
	}
	for _, c := range own {
		b = append(b, ',')
		b = strconv.AppendInt(b, c, 10)
	}
	if hidden != "" {
		b = append(b, '.')
		b = append(b, hidden...)
	}
	return string(b)
}

// feedCards returns the card fragments of heads as viewer sees them, rendering (in one
// batch of queries) the ones no process-local fragment holds yet. A post deleted since
// the heads were read is left out.
func (h *Web) feedCards(ctx context.Context, viewer store.User, heads []store.PostHead, keys *[]string) ([]*frag.Fragment, error) {
	ids := make([]int64, len(heads))
	for i, hd := range heads {
		ids[i] = hd.ID
	}
	liked, own, err := h.st.Feed.ViewerMarks(ctx, viewer.ID, ids)
	if err != nil {
		return nil, err
	}
	hidden, err := h.st.Feed.Hidden(ctx, viewer.ID)
	if err != nil {
		return nil, err
	}
	hiddenKey := feed.HiddenKey(hidden)
	people, err := h.st.Cache.Version(ctx, auth.PeopleNamespace)
	if err != nil {
		return nil, err
	}
	out := make([]*frag.Fragment, len(heads))
	cardKeys := make([]string, len(heads))
	var missing []int64
	for i, hd := range heads {
		cardKeys[i] = cardKey(hd, people, liked[hd.ID], cardRole(viewer, hd.AuthorID), own[hd.ID], hiddenKey) + zoneKey(ctx)
		if f, ok := h.st.Fragments.Peek(cardKeys[i]); ok {
			out[i] = f
		} else {
			missing = append(missing, hd.ID)
		}
	}
	if len(missing) > 0 {
		items, known, err := h.st.Feed.Cards(ctx, missing)
		if err != nil {
			return nil, err
		}
		p := views.Page{Viewer: viewerOf(viewer), Asset: h.assets.URL, Cached: true}
		for i, hd := range heads {
			if out[i] != nil {
				continue
			}
			it, ok := items[hd.ID]
			if !ok {
				continue // deleted meanwhile
			}
			it.Liked = liked[hd.ID]
			it = it.WithoutHidden(hidden)
			out[i], err = h.st.Fragments.Render(cardKeys[i], func() ([]byte, error) {
				return renderBytes(ctx, views.PostCard(p, h.cachedPostView(ctx, it, viewer, known)))
			})
			if err != nil {
				return nil, err
			}
		}
	}
	kept := out[:0]
	for i, f := range out {
		if f != nil {
			kept = append(kept, f)
			*keys = append(*keys, cardKeys[i])
		}
	}
	return kept, nil
}

// cachedPostView is postView for a fragment: times are absolute (the viewer's zone,
// named; the key has it), since a kept "3 h ago" would go stale; live.js shows them
// relative.
func (h *Web) cachedPostView(ctx context.Context, it feed.Item, viewer store.User, known map[string]store.UserMini) views.PostView {
	v := h.postView(ctx, it, viewer, known)
	v.CreatedAgo = absTime(ctx, it.Post.CreatedAt)
	for i, c := range it.Comments {
		v.Comments[i].CreatedAgo = absTime(ctx, c.CreatedAt)
	}
	return v
}

func renderBytes(ctx context.Context, c templ.Component) ([]byte, error) {
	var b bytes.Buffer
	err := c.Render(ctx, &b)
	return b.Bytes(), err
}

// assembly is one response being put together from fragments.
type assembly struct {
	h      *Web
	r      *http.Request
	viewer store.User
	now    time.Time
	cards  []*frag.Fragment
	keys   []string // the cards' keys: a card compressed after the one before is kept by the pair
	resp   frag.Response
	etag   hashWriter
}

func (h *Web) newAssembly(r *http.Request, viewer store.User) *assembly {
	a := &assembly{h: h, r: r, viewer: viewer, now: h.st.Now()}
	a.resp.Chain = h.st.Fragments
	return a
}

// fill fills the holes of the shell and the cards for this response.
func (a *assembly) fill(r *frag.Response, hole frag.Hole) {
	switch hole.Kind {
	case frag.HoleSlot:
		if i, err := strconv.Atoi(hole.Arg); err == nil && i < len(a.cards) {
			r.AddKeyed(a.cards[i], a.keys[i], a.fill)
		}
	}
}

// hashWriter hashes what makes a response what it is, for its ETag.
type hashWriter struct{ parts []string }

func (h *hashWriter) add(s string) { h.parts = append(h.parts, s) }

func (h *hashWriter) etag() string {
	f := fnv.New64a()
	for _, p := range h.parts {
		f.Write([]byte(p))
		f.Write([]byte{0})
	}
	return `"` + strconv.FormatUint(f.Sum64(), 36) + `"`
}

// shellKey names the shell of a page for a viewer: everything it shows of them.
func shellKey(name string, p views.Page, people uint64, extra string) string {
	v := p.Viewer
	return "shell:" + name + ":" + strconv.FormatInt(v.ID, 10) + "." + strconv.FormatUint(people, 10) + "." +
		strconv.Itoa(p.Unread) + "." + strconv.Itoa(p.UnreadMessages) + ":" + extra
}

// cachedFeed serves /home/ (and its fragment, X-Fragment: 1) from fragments.
func (h *Web) cachedFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, _ := identity(ctx)
	heads, next, err := h.st.Feed.Heads(ctx, parseCursor(r.URL.Query().Get("before")), FeedPageSize)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	// The heads are everyone's; the posts of people the viewer blocked leave this
	// viewer's page (which may then be shorter; the next page still starts after it).
	if heads, err = h.withoutHidden(ctx, u, heads); err != nil {
		h.serverError(w, r, err)
		return
	}
	a := h.newAssembly(r, u)
	var keys []string
	if a.cards, err = h.feedCards(ctx, u, heads, &keys); err != nil {
		h.serverError(w, r, err)
		return
	}
	d := views.FeedData{MaxContent: feed.MaxContent, CardSlots: len(a.cards)}
	if !next.IsZero() {
		d.NextURL = "/home/?before=" + cursorParam(next)
	}
	p := h.page(w, r, "Home", "home")
	// The shell shows how many cards there are (or that there are none) and the next page.
	shape := strconv.Itoa(d.CardSlots) + "|" + d.NextURL
	shell, err := h.shell(ctx, p, "feed", wantsFragment(r), shape, func(p views.Page) templ.Component {
		if wantsFragment(r) {
			return views.FeedFragment(p, d)
		}
		return views.FeedPage(p, d)
	})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	a.keys = keys
	a.etag.parts = append(slices.Clip(keys), shell.key)
	a.resp.Add(shell.frag, a.fill)
	if wantsFragment(r) {
		w.Header().Set("Vary", "X-Fragment")
	}
	// A signed-in page is never stored, by the browser either: on a shared school
	// computer, Back after signing out must not show the last person's feed (history
	// navigation shows a stored page without asking). The ETag still lets a client that
	// asks with If-None-Match (a script refreshing a list) get a 304.
	frag.Serve(w, r, http.StatusOK, "text/html; charset=utf-8", "no-store", a.resp.Pieces(), a.etag.etag())
}

type shellFrag struct {
	frag *frag.Fragment
	key  string
}

// shell returns a page's shell for the viewer: kept when it shows nothing passing
// (flash messages are shown once), rendered for this response otherwise.
func (h *Web) shell(ctx context.Context, p views.Page, name string, fragment bool, extra string, page func(views.Page) templ.Component) (shellFrag, error) {
	people, err := h.st.Cache.Version(ctx, auth.PeopleNamespace)
	if err != nil {
		return shellFrag{}, err
	}
	if fragment {
		name += "/fragment"
	}
	key := shellKey(name, p, people, extra) + zoneKey(ctx) // the layout's data-tz
	render := func() ([]byte, error) { return renderBytes(ctx, page(p)) }
	if len(p.Flashes) > 0 {
		raw, err := render()
		return shellFrag{frag.Cut(raw), key + ":" + strconv.Itoa(len(raw))}, err
	}
	f, err := h.st.Fragments.Get(key, render)
	return shellFrag{f, key}, err
}

// cachedPostPage serves /home/post/{id}/ from fragments: the shell with a slot and the
// full card (every comment) for the viewer's variant.
func (h *Web) cachedPostPage(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	u, _ := identity(ctx)
	hd, err := h.st.Feed.Head(ctx, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	liked, own, err := h.st.Feed.ViewerMarks(ctx, u.ID, []int64{id})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	people, err := h.st.Cache.Version(ctx, auth.PeopleNamespace)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	hidden, err := h.st.Feed.Hidden(ctx, u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	key := "full" + cardKey(hd, people, liked[id], cardRole(u, hd.AuthorID), own[id], feed.HiddenKey(hidden)) + zoneKey(ctx)
	card, err := h.st.Fragments.Get(key, func() ([]byte, error) {
		it, known, err := h.st.Feed.Post(ctx, u, id)
		if err != nil {
			return nil, err
		}
		it = it.WithoutHidden(hidden)
		p := views.Page{Viewer: viewerOf(u), Asset: h.assets.URL, Cached: true}
		return renderBytes(ctx, views.FullPostCard(p, h.cachedPostView(ctx, it, u, known)))
	})
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	by, err := h.st.Auth.UserByID(ctx, hd.AuthorID) // the title names the author (cached)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	author := viewerOf(by).DisplayName()
	a := h.newAssembly(r, u)
	a.cards, a.keys = []*frag.Fragment{card}, []string{key}
	p := h.page(w, r, "Post by "+author, "home")
	d := views.PostPageData{CardSlot: true, Post: views.PostView{Author: views.Person{Name: author}}}
	shell, err := h.shell(ctx, p, "post", false, author, func(p views.Page) templ.Component { return views.PostPage(p, d) })
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	a.etag.parts = []string{key, shell.key}
	a.resp.Add(shell.frag, a.fill)
	frag.Serve(w, r, http.StatusOK, "text/html; charset=utf-8", "no-store", a.resp.Pieces(), a.etag.etag())
}

// withoutHidden leaves out the heads of posts by people the viewer blocked.
func (h *Web) withoutHidden(ctx context.Context, viewer store.User, heads []store.PostHead) ([]store.PostHead, error) {
	hidden, err := h.st.Feed.Hidden(ctx, viewer.ID)
	if err != nil || len(hidden) == 0 {
		return heads, err
	}
	out := make([]store.PostHead, 0, len(heads))
	for _, hd := range heads {
		if !hidden[hd.AuthorID] {
			out = append(out, hd)
		}
	}
	return out, nil
}
