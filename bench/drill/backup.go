package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"eplatform/app/store"
)

// backupOptions configure the backup drill.
type backupOptions struct {
	Bin        string
	Work       string
	Writers    int
	MinAcks    int // acknowledged writes before the backup starts
	ImageEvery int
	Log        io.Writer
}

// backupReport sums a backup drill up.
type backupReport struct {
	AckedBefore  int              // writes acknowledged before the backup began, all found in the restored site
	Tables       map[string]int64 // rows of the restored site
	MediaFiles   int              // files compared byte for byte
	Orphans      int              // files of uploads never committed (see sameMedia)
	RestoredPost int              // posts of the restored site compared with the original
}

func (r backupReport) String() string {
	return fmt.Sprintf("backup under load → restore into a new directory → start: %d users, %d posts, %d comments, %d likes restored; "+
		"all %d writes acknowledged before the backup present; %d posts (with their images) and %d media files identical to the original "+
		"(%d files of uploads cut off by stopping the writers carried along); same access codes and tokens",
		r.Tables["users"], r.Tables["posts"], r.Tables["comments"], r.Tables["post_likes"], r.AckedBefore, r.RestoredPost, r.MediaFiles, r.Orphans)
}

// backupDrill writes to a running site, runs `eplatform backup` while the writes go
// on, restores the archive into a new directory with `eplatform restore`, starts a
// second server on it and compares the two sites: every write acknowledged before the
// backup began is there, no post differs from the original, the media are the same
// bytes, the row counts lie between those before and after the backup, and the
// access codes and sign-in tokens are the same.
func backupDrill(ctx context.Context, o backupOptions) (rep backupReport, err error) {
	data := filepath.Join(o.Work, "site")
	restored := filepath.Join(o.Work, "restored")
	archive := filepath.Join(o.Work, "site.zip")
	src, err := startServer(ctx, o.Bin, data)
	if err != nil {
		return rep, err
	}
	defer src.kill()
	c := newClient(src.base)
	users, err := register(ctx, c, "bk", o.Writers)
	if err != nil {
		return rep, err
	}
	l := newLedger()
	var once sync.Once
	stopWriters := writers(c, l, users, o.ImageEvery, make([]int, o.Writers))
	stop := func() { once.Do(stopWriters) }
	defer stop()
	if err := waitForAcks(ctx, l, counts{}, o.MinAcks); err != nil {
		return rep, err
	}

	before := l.counts()
	// Flags after the file, as people type them.
	out, err := run(ctx, o.Bin, "backup", archive, "-data", data)
	if err != nil {
		return rep, err
	}
	if o.Log != nil {
		fmt.Fprint(o.Log, out)
	}
	stop()
	if err := refused(l); err != nil {
		return rep, err
	}
	if out, err = run(ctx, o.Bin, "restore", "-data", restored, archive); err != nil {
		return rep, err
	}
	if o.Log != nil {
		fmt.Fprint(o.Log, out)
	}
	dst, err := startServer(ctx, o.Bin, restored)
	if err != nil {
		return rep, err
	}
	defer dst.kill()
	rc := newClient(dst.base)

	// 1. Every write acknowledged before the backup began, images byte for byte. The
	//    writers' tokens were issued by the original: they work on the copy.
	if _, err := l.verify(ctx, rc, users, counts{}, &before, likesNone); err != nil {
		return rep, fmt.Errorf("restored site: %w", err)
	}
	rep.AckedBefore = before.acked

	// 2. No post of the copy differs from the original.
	if rep.RestoredPost, err = samePosts(ctx, rc, c, users[0].token); err != nil {
		return rep, err
	}

	// 3. The media files are the same bytes.
	if rep.MediaFiles, rep.Orphans, err = sameMedia(filepath.Join(restored, "media"), filepath.Join(data, "media")); err != nil {
		return rep, err
	}

	// 4. Rows: all users; posts and comments between those acknowledged before the
	//    backup and those in the original after it.
	orig, err := store.Summarize(ctx, filepath.Join(data, "eplatform.db"))
	if err != nil {
		return rep, err
	}
	got, err := store.Summarize(ctx, filepath.Join(restored, "eplatform.db"))
	if err != nil {
		return rep, err
	}
	rep.Tables = got.Tables
	if got.Tables["users"] != orig.Tables["users"] || got.SchemaVersion != orig.SchemaVersion {
		return rep, fmt.Errorf("restored %d users at schema %d, the original has %d at %d", got.Tables["users"], got.SchemaVersion, orig.Tables["users"], orig.SchemaVersion)
	}
	for _, t := range []struct {
		table    string
		min, max int64
	}{{"posts", int64(before.posts), orig.Tables["posts"]}, {"comments", int64(before.comments), orig.Tables["comments"]}} {
		if n := got.Tables[t.table]; n < t.min || n > t.max {
			return rep, fmt.Errorf("restored %d %s; %d were acknowledged before the backup and the original has %d", n, t.table, t.min, t.max)
		}
	}

	// 5. The same access codes: the file is the same, and the original's instructor
	//    code signs an instructor up on the copy.
	a, err := os.ReadFile(filepath.Join(data, "secrets.json"))
	if err != nil {
		return rep, err
	}
	b, err := os.ReadFile(filepath.Join(restored, "secrets.json"))
	if err != nil || !bytes.Equal(a, b) {
		return rep, fmt.Errorf("secrets.json differs after restore (%v)", err)
	}
	var secrets struct {
		Instructor string `json:"instructor_access_code"`
	}
	if err := json.Unmarshal(a, &secrets); err != nil || secrets.Instructor == "" {
		return rep, fmt.Errorf("secrets.json: %v", err)
	}
	code, body, err := rc.json(ctx, "POST", "/api/auth/register/", "", map[string]string{
		"username": "newteacher", "email": "newteacher@example.com", "password": drillPassword, "password2": drillPassword,
		"first_name": "New", "last_name": "Teacher", "birthdate": "1980-01-01", "user_type": "instructor", "access_code": secrets.Instructor,
	}, nil)
	if err != nil || code != http.StatusCreated {
		return rep, fmt.Errorf("the original's instructor code does not work on the copy: %d %v %s", code, err, body)
	}
	if err := src.stop(); err != nil {
		return rep, err
	}
	return rep, dst.stop()
}

// samePosts walks every post of the restored site and compares it with the
// original: content, the image's path and its bytes as both servers send them.
func samePosts(ctx context.Context, restored, original *client, token string) (int, error) {
	type item struct {
		ID      int64   `json:"id"`
		Content string  `json:"content"`
		Image   *string `json:"image"`
	}
	n := 0
	for page := 1; ; page++ {
		var list struct {
			Next    *string `json:"next"`
			Results []item  `json:"results"`
		}
		code, body, err := restored.json(ctx, "GET", "/api/posts/?page_size=100&page="+strconv.Itoa(page), token, nil, &list)
		if err != nil || code != http.StatusOK {
			return n, fmt.Errorf("list restored posts: %d %v %.200s", code, err, body)
		}
		for _, p := range list.Results {
			var o item
			code, body, err := original.json(ctx, "GET", "/api/posts/"+strconv.FormatInt(p.ID, 10)+"/", token, nil, &o)
			if err != nil || code != http.StatusOK {
				return n, fmt.Errorf("restored post %d is not in the original: %d %v %.200s", p.ID, code, err, body)
			}
			if o.Content != p.Content || (o.Image == nil) != (p.Image == nil) || (o.Image != nil && urlPath(*o.Image) != urlPath(*p.Image)) {
				return n, fmt.Errorf("restored post %d differs from the original: %+v vs %+v", p.ID, p, o)
			}
			if p.Image != nil {
				code1, a, err1 := restored.do(ctx, "GET", urlPath(*p.Image), token, "", nil)
				code2, b, err2 := original.do(ctx, "GET", urlPath(*o.Image), token, "", nil)
				if err := errors.Join(err1, err2); err != nil || code1 != http.StatusOK || code2 != http.StatusOK || !bytes.Equal(a, b) {
					return n, fmt.Errorf("the image of restored post %d differs from the original's (%d %d, %v)", p.ID, code1, code2, err)
				}
			}
			n++
		}
		if list.Next == nil {
			return n, nil
		}
	}
}

// urlPath is the path of an absolute media URL (the two servers have different ports).
func urlPath(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Path
}

// sameMedia checks that every file under restored is byte-identical to the file of
// the same name under original. A file the original no longer has is an upload whose
// post was never committed (the writers were stopped mid-request), removed from the
// original after the backup copied it: the archive carries it unreferenced, which
// samePosts has shown (no restored post differs from the original).
func sameMedia(restored, original string) (same, orphans int, err error) {
	err = filepath.WalkDir(restored, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(restored, p)
		a, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(original, rel))
		if errors.Is(err, fs.ErrNotExist) {
			orphans++
			return nil
		}
		if err != nil || !bytes.Equal(a, b) {
			return fmt.Errorf("media %s differs from the original's (%v)", rel, err)
		}
		same++
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, errors.New("the restored site has no media folder")
	}
	return same, orphans, err
}
