// Command signin prepares a load test the way browsers would meet the site: it signs
// in many distinct viewers to a running E-Platform, each from its own loopback address
// (127.10.x.y), so the server sees as many client addresses as people and its login
// limits (per address and per username) are respected rather than switched off. It
// also signs in writers for bench/writeload through the API, each from its own address
// too (127.20.x.y), and picks the pages to measure. Loopback only.
//
// The viewers are seeded accounts (listed through the admin API, so no SQL here):
// their feeds, likes, notifications and enrollments are real. Output, in -out:
//
//	cookies.txt  one "eplatform_session=…" per line, for bench/viewers.lua
//	run.json     viewers (id, username, cookie), writers (id, username, token), picks
//	pages.env    POST_PATH and SUBJECT_PATH for bench/run.sh
//
// Every viewer's cookie is checked before it is written: GET /home/ answers 200.
//
//	go run ./bench/signin -url http://127.0.0.1:18181 -viewers 120 -writers 30 -out DIR
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Viewer is one signed-in browser session.
type Viewer struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Cookie   string `json:"cookie"` // "eplatform_session=…", ready for a Cookie header
}

// Writer is one API client with an access token.
type Writer struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Token    string `json:"token"`
}

// Run is run.json: everything bench/writeload needs to know.
type Run struct {
	Viewers     []Viewer `json:"viewers"`
	Writers     []Writer `json:"writers"`
	FeedPosts   []int64  `json:"feed_posts"` // the first feed page when signin ran
	PostPath    string   `json:"post_path"`
	SubjectPath string   `json:"subject_path"`
}

func main() {
	base := flag.String("url", "http://127.0.0.1:18181", "server URL (must be loopback)")
	nViewers := flag.Int("viewers", 120, "distinct viewers to sign in, each from its own address")
	nWriters := flag.Int("writers", 30, "writers to sign in through the API for bench/writeload")
	admin := flag.String("admin", "admin", "an admin account, to list the seeded users")
	password := flag.String("password", "demo-password-1", "the seeded users' password")
	out := flag.String("out", ".", "directory for cookies.txt, run.json and pages.env")
	flag.Parse()
	if !isLoopback(*base) {
		log.Fatal("signin only targets loopback addresses")
	}

	adminToken := apiLogin(client(net.IPv4(127, 30, 0, 1)), *base, *admin, *password)
	adminGet := func(path string, v any) {
		if code := getJSON(http.DefaultClient, *base+path, "Bearer "+adminToken, v); code != 200 {
			log.Fatalf("GET %s as %s: status %d", path, *admin, code)
		}
	}

	// The admin list gives the 100 newest accounts per query; prefixes reach further.
	need := *nViewers + *nWriters
	var people []Viewer
	seen := map[int64]bool{}
	for _, q := range append([]string{""}, strings.Split("abcdefghijklmnopqrstuvwxyz", "")...) {
		var page struct {
			Results []struct {
				ID       int64  `json:"id"`
				Username string `json:"username"`
				UserType string `json:"user_type"`
				IsActive bool   `json:"is_active"`
			} `json:"results"`
		}
		adminGet("/api/admin/users/?q="+q, &page)
		for _, u := range page.Results {
			if !seen[u.ID] && u.IsActive && u.UserType != "admin" {
				seen[u.ID] = true
				people = append(people, Viewer{ID: u.ID, Username: u.Username})
			}
		}
		if len(people) >= need {
			break
		}
	}
	if len(people) < need {
		log.Fatalf("only %d active non-admin users; seed more (need %d viewers + %d writers)", len(people), *nViewers, *nWriters)
	}

	var run Run
	run.Viewers = people[:*nViewers]
	start := time.Now()
	parallel(len(run.Viewers), 4, func(i int) {
		v := &run.Viewers[i]
		v.Cookie = webLogin(client(loopback(10, i)), *base, v.Username, *password)
		// A session that does not reach the feed would measure the login redirect.
		if code := get(*base+"/home/", v.Cookie); code != 200 {
			log.Fatalf("viewer %s: GET /home/ answers %d", v.Username, code)
		}
	})
	for _, p := range people[*nViewers:need] {
		run.Writers = append(run.Writers, Writer{ID: p.ID, Username: p.Username})
	}
	parallel(len(run.Writers), 4, func(i int) {
		w := &run.Writers[i]
		w.Token = apiLogin(client(loopback(20, i)), *base, w.Username, *password)
	})
	log.Printf("%d viewers signed in from %d addresses, %d writers, in %s", len(run.Viewers), len(run.Viewers),
		len(run.Writers), time.Since(start).Round(time.Millisecond))

	// The post page: the most commented post of the first feed page (comments are
	// most of a post page's cost). The subject page: the subject with most students.
	var feed struct {
		Results []struct {
			ID            int64 `json:"id"`
			CommentsCount int   `json:"comments_count"`
		} `json:"results"`
	}
	adminGet("/api/posts/?page_size=20", &feed)
	if len(feed.Results) == 0 {
		log.Fatal("no posts: seed the database first")
	}
	best := feed.Results[0]
	for _, p := range feed.Results {
		run.FeedPosts = append(run.FeedPosts, p.ID)
		if p.CommentsCount > best.CommentsCount {
			best = p
		}
	}
	run.PostPath = fmt.Sprintf("/home/post/%d/", best.ID)
	var subjects struct {
		Results []struct {
			URL           string `json:"url"`
			StudentsCount int    `json:"students_count"`
		} `json:"results"`
	}
	adminGet("/api/subjects/?page_size=100", &subjects)
	if len(subjects.Results) == 0 {
		log.Fatal("no subjects: seed the database first")
	}
	top := subjects.Results[0]
	for _, s := range subjects.Results {
		if s.StudentsCount > top.StudentsCount {
			top = s
		}
	}
	su, err := url.Parse(top.URL)
	if err != nil {
		log.Fatal(err)
	}
	run.SubjectPath = su.Path

	var cookies strings.Builder
	for _, v := range run.Viewers {
		cookies.WriteString(v.Cookie + "\n")
	}
	js, _ := json.MarshalIndent(run, "", "  ")
	write(filepath.Join(*out, "cookies.txt"), cookies.String())
	write(filepath.Join(*out, "run.json"), string(js))
	write(filepath.Join(*out, "pages.env"), fmt.Sprintf("POST_PATH=%s\nSUBJECT_PATH=%s\n", run.PostPath, run.SubjectPath))
}

// loopback is the i-th address of a block: 127.block.x.y, never .0 or .255.
func loopback(block byte, i int) net.IP {
	return net.IPv4(127, block, byte(i/250), byte(1+i%250))
}

// client is an HTTP client whose connections leave from ip, so the server's idea of
// the client address (RemoteAddr) is ip. It does not follow redirects: a login answers
// 303 with the cookie, and a redirect elsewhere is a failure to see.
func client(ip net.IP) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 10 * time.Second}
	return &http.Client{
		Transport:     &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 1},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// webLogin signs in through the login form, as a browser does, and returns the
// session cookie ("remember me", so it outlives the run).
func webLogin(c *http.Client, base, username, password string) string {
	form := url.Values{"username": {username}, "password": {password}, "remember_me": {"on"}}
	resp, err := c.PostForm(base+"/login/", form)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusSeeOther {
		log.Fatalf("login %s: status %d (rate limited? wrong password?)", username, resp.StatusCode)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "eplatform_session" {
			return ck.Name + "=" + ck.Value
		}
	}
	log.Fatalf("login %s: no session cookie", username)
	return ""
}

// apiLogin signs in through the JSON API and returns the access token.
func apiLogin(c *http.Client, base, username, password string) string {
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	resp, err := c.Post(base+"/api/auth/login/", "application/json", strings.NewReader(string(body)))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Access string `json:"access"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || out.Access == "" {
		log.Fatalf("API login %s: status %d %v", username, resp.StatusCode, err)
	}
	return out.Access
}

// get fetches u with a session cookie and returns the status without following
// redirects.
func get(u, cookie string) int {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Cookie", cookie)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		log.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func getJSON(c *http.Client, u, authorization string, v any) int {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", authorization)
	resp, err := c.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			log.Fatalf("GET %s: %v", u, err)
		}
	}
	return resp.StatusCode
}

func parallel(n, workers int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func isLoopback(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

func write(path, s string) {
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		log.Fatal(err)
	}
}
