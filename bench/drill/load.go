package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// client speaks the JSON API of one server.
type client struct {
	base string
	http *http.Client
}

func newClient(base string) *client {
	return &client{base: base, http: &http.Client{Timeout: 30 * time.Second}}
}

// do sends a request; a non-nil error means no answer arrived (the write, if any, is
// unacknowledged).
func (c *client) do(ctx context.Context, method, path, token, ctype string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

// json sends in as JSON (nil: no body) and decodes a 2xx answer into out.
func (c *client) json(ctx context.Context, method, path, token string, in, out any) (int, []byte, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return 0, nil, err
		}
	}
	code, b, err := c.do(ctx, method, path, token, "application/json", body)
	if err == nil && code/100 == 2 && out != nil {
		if jerr := json.Unmarshal(b, out); jerr != nil {
			return code, b, fmt.Errorf("decode %s %s: %v: %s", method, path, jerr, b)
		}
	}
	return code, b, err
}

// user is a drill account.
type user struct {
	name, token string
	id          int64
}

const drillPassword = "Quiet-River-482"

// register creates n accounts with names starting with prefix.
func register(ctx context.Context, c *client, prefix string, n int) ([]*user, error) {
	users := make([]*user, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range users {
		g.Go(func() error {
			name := fmt.Sprintf("%s%d", prefix, i)
			var out struct {
				Access string `json:"access"`
				User   struct {
					ID int64 `json:"id"`
				} `json:"user"`
			}
			code, body, err := c.json(gctx, "POST", "/api/auth/register/", "", map[string]string{
				"username": name, "email": name + "@example.com", "password": drillPassword, "password2": drillPassword,
				"first_name": "Pat", "last_name": "Lee", "birthdate": "2004-01-01",
			}, &out)
			if err != nil || code != http.StatusCreated {
				return fmt.Errorf("register %s: %d %v %s", name, code, err, body)
			}
			users[i] = &user{name: name, token: out.Access, id: out.User.ID}
			return nil
		})
	}
	return users, g.Wait()
}

// post is an acknowledged post.
type post struct {
	id      int64
	content string
	image   []byte // nil for text only
	imgPath string // the image URL's path
}

// comment is an acknowledged comment.
type comment struct {
	id, post int64
	content  string
}

// likeKey is (writer index, post id).
type likeKey struct {
	user int
	post int64
}

// like is what a writer last knows of its like of a post. Unsure: a toggle was sent
// and no answer came back, so either state is right.
type like struct {
	liked, unsure bool
}

// ledger records every write the server acknowledged. It is the drill's truth.
type ledger struct {
	mu       sync.Mutex
	posts    []post
	comments []comment
	likes    map[likeKey]like
	touched  map[likeKey]bool // likes changed since the last verification
	sent     int              // writes sent
	acked    int              // writes answered 2xx
	lost     int              // writes with no answer: in flight at the kill
	refused  []string         // writes answered with anything else (a drill failure)
}

func newLedger() *ledger {
	return &ledger{likes: map[likeKey]like{}, touched: map[likeKey]bool{}}
}

// counts is a snapshot of how much the ledger holds, for "acknowledged before X".
type counts struct{ posts, comments, acked int }

func (l *ledger) counts() counts {
	l.mu.Lock()
	defer l.mu.Unlock()
	return counts{len(l.posts), len(l.comments), l.acked}
}

// lose records a write that got no answer: the server is gone (killed), so the
// writer stops until the next cycle.
func (l *ledger) lose() {
	l.mu.Lock()
	l.lost++
	l.mu.Unlock()
}

func (l *ledger) refuse(what string, code int, body []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.refused) < 20 {
		l.refused = append(l.refused, fmt.Sprintf("%s: %d %.200s", what, code, body))
	}
}

// pngFor makes a small PNG unique to (writer, n).
func pngFor(writer, n int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 24, 24))
	for i := range 24 {
		img.Set(i, writer%24, color.NRGBA{uint8(n), uint8(n >> 8), uint8(writer), 255})
		img.Set(n%24, i, color.NRGBA{uint8(i * 10), 90, uint8(n >> 16), 255})
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// write runs one writer until ctx ends or the server stops answering: it creates posts (every imageEvery-th with an
// image), comments on acknowledged posts and toggles likes, one request at a time, and
// records every answer in the ledger.
func write(ctx context.Context, c *client, l *ledger, users []*user, w int, imageEvery int, seq *int) {
	u := users[w]
	rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
	for ctx.Err() == nil {
		*seq++
		n := *seq
		l.mu.Lock()
		var target int64
		if len(l.posts) > 0 {
			target = l.posts[rng.IntN(len(l.posts))].id
		}
		l.sent++
		l.mu.Unlock()
		op := rng.IntN(10)
		switch {
		case target == 0 || op < 5:
			content := fmt.Sprintf("drill post %s #%d %x", u.name, n, rng.Uint32())
			var img []byte
			var out struct {
				ID    int64   `json:"id"`
				Image *string `json:"image"`
			}
			var code int
			var body []byte
			var err error
			if imageEvery > 0 && n%imageEvery == 0 {
				img = pngFor(w, n)
				var buf bytes.Buffer
				mw := multipart.NewWriter(&buf)
				_ = mw.WriteField("content", content)
				fw, _ := mw.CreateFormFile("image", "drill.png")
				_, _ = fw.Write(img)
				_ = mw.Close()
				code, body, err = c.do(ctx, "POST", "/api/posts/", u.token, mw.FormDataContentType(), buf.Bytes())
				if err == nil && code == http.StatusCreated {
					err = json.Unmarshal(body, &out)
				}
			} else {
				code, body, err = c.json(ctx, "POST", "/api/posts/", u.token, map[string]string{"content": content}, &out)
			}
			switch {
			case err != nil:
				l.lose()
				return
			case code != http.StatusCreated:
				l.refuse("create post", code, body)
			default:
				p := post{id: out.ID, content: content}
				if img != nil {
					if out.Image == nil {
						l.refuse("create post: no image URL", code, body)
						continue
					}
					loc, perr := url.Parse(*out.Image)
					if perr != nil {
						l.refuse("create post: image URL", code, body)
						continue
					}
					p.image, p.imgPath = img, loc.Path
				}
				l.mu.Lock()
				l.acked++
				l.posts = append(l.posts, p)
				l.mu.Unlock()
			}
		case op < 8:
			content := fmt.Sprintf("drill comment %s #%d", u.name, n)
			var out struct {
				ID int64 `json:"id"`
			}
			code, body, err := c.json(ctx, "POST", "/api/posts/"+strconv.FormatInt(target, 10)+"/comments/", u.token, map[string]string{"content": content}, &out)
			switch {
			case err != nil:
				l.lose()
				return
			case code != http.StatusCreated:
				l.refuse("comment", code, body)
			default:
				l.mu.Lock()
				l.acked++
				l.comments = append(l.comments, comment{id: out.ID, post: target, content: content})
				l.mu.Unlock()
			}
		default:
			var out struct {
				Liked bool `json:"liked"`
			}
			k := likeKey{w, target}
			code, body, err := c.json(ctx, "POST", "/api/posts/"+strconv.FormatInt(target, 10)+"/like/", u.token, nil, &out)
			l.mu.Lock()
			switch {
			case err != nil:
				st := l.likes[k]
				st.unsure = true
				l.likes[k], l.touched[k] = st, true
				l.mu.Unlock()
				l.lose()
				return
			case code != http.StatusOK:
				l.mu.Unlock()
				l.refuse("like", code, body)
				continue
			default:
				l.acked++
				l.likes[k], l.touched[k] = like{liked: out.Liked}, true
			}
			l.mu.Unlock()
		}
	}
}

// writers runs len(users) writers until stop is called; stop waits for them.
func writers(c *client, l *ledger, users []*user, imageEvery int, seqs []int) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			write(ctx, c, l, users, w, imageEvery, &seqs[w])
		}()
	}
	return func() { cancel(); wg.Wait() }
}

// waitForAcks waits until the ledger holds n more acknowledged writes than at from.
func waitForAcks(ctx context.Context, l *ledger, from counts, n int) error {
	deadline := time.Now().Add(60 * time.Second)
	for l.counts().acked < from.acked+n {
		if time.Now().After(deadline) {
			l.mu.Lock()
			defer l.mu.Unlock()
			return fmt.Errorf("only %d writes acknowledged in 60 s (refused: %v)", l.acked-from.acked, l.refused)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// Which likes verify checks.
const (
	likesNone    = iota // none (the backup drill: likes go on changing after the snapshot)
	likesTouched        // those toggled since the last verification
	likesAll
)

// verify checks that the server at c holds every acknowledged post and comment
// between from and to (nil: the end), with their image bytes, and the like states
// chosen by likes, with each such post's like count equal to its likers when all of
// them are known. It returns how many writes it checked.
func (l *ledger) verify(ctx context.Context, c *client, users []*user, from counts, to *counts, likes int) (checked int, err error) {
	l.mu.Lock()
	end := counts{posts: len(l.posts), comments: len(l.comments)}
	if to != nil {
		end = *to
	}
	posts := append([]post(nil), l.posts[from.posts:end.posts]...)
	comments := append([]comment(nil), l.comments[from.comments:end.comments]...)
	states := map[likeKey]like{}
	for k, v := range l.likes {
		if likes == likesAll || (likes == likesTouched && l.touched[k]) {
			states[k] = v
		}
	}
	// The likers of every post, for its counter: every like goes through the ledger.
	likers := map[int64]int{}
	unsure := map[int64]bool{}
	for k, v := range l.likes {
		if v.unsure {
			unsure[k.post] = true
		} else if v.liked {
			likers[k.post]++
		}
	}
	if likes != likesNone {
		l.touched = map[likeKey]bool{}
	}
	l.mu.Unlock()

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	var mu sync.Mutex
	count := func() { mu.Lock(); checked++; mu.Unlock() }
	token := users[0].token
	for _, p := range posts {
		g.Go(func() error {
			var got struct {
				Content string `json:"content"`
			}
			code, body, err := c.json(gctx, "GET", "/api/posts/"+strconv.FormatInt(p.id, 10)+"/", token, nil, &got)
			if err != nil || code != http.StatusOK || got.Content != p.content {
				return fmt.Errorf("acknowledged post %d is lost or changed: %d %v %.200s", p.id, code, err, body)
			}
			if p.image != nil {
				code, body, err := c.do(gctx, "GET", p.imgPath, token, "", nil)
				if err != nil || code != http.StatusOK || !bytes.Equal(body, p.image) {
					return fmt.Errorf("the image of acknowledged post %d is lost or changed: %d %v (%d bytes, want %d, sha %x)", p.id, code, err, len(body), len(p.image), sha256.Sum256(body))
				}
			}
			count()
			return nil
		})
	}
	for _, cm := range comments {
		g.Go(func() error {
			var got struct {
				Content string `json:"content"`
				Post    int64  `json:"post"`
			}
			code, body, err := c.json(gctx, "GET", "/api/comments/"+strconv.FormatInt(cm.id, 10)+"/", token, nil, &got)
			if err != nil || code != http.StatusOK || got.Content != cm.content || got.Post != cm.post {
				return fmt.Errorf("acknowledged comment %d is lost or changed: %d %v %.200s", cm.id, code, err, body)
			}
			count()
			return nil
		})
	}
	counted := map[int64]bool{}
	for k, v := range states {
		checkCount := !unsure[k.post] && !counted[k.post]
		counted[k.post] = true
		if v.unsure && !checkCount {
			continue
		}
		g.Go(func() error {
			var got struct {
				IsLiked    bool `json:"is_liked"`
				LikesCount int  `json:"likes_count"`
			}
			code, body, err := c.json(gctx, "GET", "/api/posts/"+strconv.FormatInt(k.post, 10)+"/", users[k.user].token, nil, &got)
			if err != nil || code != http.StatusOK {
				return fmt.Errorf("post %d: %d %v %.200s", k.post, code, err, body)
			}
			if !v.unsure && got.IsLiked != v.liked {
				return fmt.Errorf("acknowledged like state of %s on post %d is lost: liked=%v, want %v", users[k.user].name, k.post, got.IsLiked, v.liked)
			}
			if checkCount && got.LikesCount != likers[k.post] {
				return fmt.Errorf("post %d counts %d likes but %d writers like it", k.post, got.LikesCount, likers[k.post])
			}
			count()
			return nil
		})
	}
	return checked, g.Wait()
}
