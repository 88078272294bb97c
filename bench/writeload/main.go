// Command writeload is the write side of bench/run.sh's mixed mode: while wrk reads,
// it writes over the JSON API at fixed rates — new posts, comments, likes (toggles)
// and chat messages — as the writers bench/signin signed in, until it is stopped
// (SIGINT/SIGTERM or -duration). Loopback only.
//
// Arrivals are open-loop, as people's are: a write starts every 1/rate seconds
// whether or not the previous one has finished (at most -inflight at once per kind;
// beyond that a tick is counted as dropped). The writes land where the readers look:
// comments and likes on the first feed page's posts, a third of them on the measured
// post page; some posts and comments @mention a viewer (their notifications page
// changes); chat messages go to viewers (their unread counters change).
//
// With -check (the default) every write is followed at once by a read that must show
// it: the feed for a new post and the post page for a comment, both as a random
// viewer; the post as its liker for a like (is_liked is per viewer); the recipient's
// message list for a chat message. A read that does not show the write is counted
// stale: caches must never hide a write.
//
// SIGUSR1 pauses the writes and SIGUSR2 resumes them, so bench/run.sh can measure a
// page read-only and under writes back to back; the rates are reported over the
// time the writes ran.
//
// The per-user write limits stay on: keep each writer under them (posts 10/min,
// comments 30/min, likes 120/min, chat one per 3 s), i.e. enough writers for the rates.
//
//	go run ./bench/writeload -url http://127.0.0.1:18181 -run DIR/run.json -posts 1 -comments 2 -likes 5 -chat 5
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Run is bench/signin's run.json (the fields used here).
type Run struct {
	Viewers []struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
		Cookie   string `json:"cookie"`
	} `json:"viewers"`
	Writers []struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
		Token    string `json:"token"`
	} `json:"writers"`
	FeedPosts []int64 `json:"feed_posts"`
	PostPath  string  `json:"post_path"`
}

// kind is one sort of write with its rate and its statistics.
type kind struct {
	name string
	rate float64 // per second, in total
	// write performs the n-th write and returns the read that must show it.
	write func(n int) (check func() error, err error)

	mu                     sync.Mutex
	latencies              []time.Duration
	errors                 map[string]int
	dropped, fresh, stales int
	staleExample           string
}

var (
	base   string
	client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
)

func main() {
	flag.StringVar(&base, "url", "http://127.0.0.1:18181", "server URL (must be loopback)")
	runFile := flag.String("run", "run.json", "bench/signin's run.json")
	posts := flag.Float64("posts", 1, "new posts per second, in total")
	comments := flag.Float64("comments", 2, "comments per second")
	likes := flag.Float64("likes", 5, "likes (toggles) per second")
	chat := flag.Float64("chat", 5, "chat messages per second")
	check := flag.Bool("check", true, "read every write back at once as another user")
	inflight := flag.Int("inflight", 32, "at most this many writes of one kind at once")
	duration := flag.Duration("duration", 0, "stop after this long (0: at SIGINT/SIGTERM)")
	flag.Parse()
	if u, err := url.Parse(base); err != nil || net.ParseIP(u.Hostname()) == nil || !net.ParseIP(u.Hostname()).IsLoopback() {
		log.Fatal("writeload only targets loopback addresses")
	}
	var run Run
	data, err := os.ReadFile(*runFile)
	if err == nil {
		err = json.Unmarshal(data, &run)
	}
	if err != nil || len(run.Writers) == 0 || len(run.Viewers) == 0 || len(run.FeedPosts) == 0 {
		log.Fatalf("%s: %v (need writers, viewers and feed posts)", *runFile, err)
	}
	measured, _ := strconv.ParseInt(strings.Trim(strings.TrimPrefix(run.PostPath, "/home/post/"), "/"), 10, 64)
	// target picks the post a comment or like goes to: the measured post a third of
	// the time, else one of the first feed page.
	target := func() int64 {
		if measured != 0 && rand.IntN(3) == 0 {
			return measured
		}
		return run.FeedPosts[rand.IntN(len(run.FeedPosts))]
	}
	viewer := func() int { return rand.IntN(len(run.Viewers)) }
	bearer := func(w int) string { return "Bearer " + run.Writers[w%len(run.Writers)].Token }
	mention := func(n int) string {
		if n%4 != 0 {
			return ""
		}
		return " @" + run.Viewers[n/4%len(run.Viewers)].Username
	}

	// Each writer talks with one viewer, so messages reach the viewers' unread counts.
	convs := make([]int64, len(run.Writers))
	for w := range run.Writers {
		var out struct{ ID int64 }
		v := run.Viewers[w%len(run.Viewers)]
		if code, err := call("POST", "/api/chat/conversations/start/", bearer(w), map[string]any{"user_id": v.ID}, &out); err != nil || code/100 != 2 {
			log.Fatalf("start a conversation with %s: status %d %v", v.Username, code, err)
		}
		convs[w] = out.ID
	}

	kinds := []*kind{
		{name: "posts", rate: *posts, write: func(n int) (func() error, error) {
			var p struct{ ID int64 }
			content := fmt.Sprintf("Load test post %d: who is revising chapter %d tonight?%s", n, n%12+1, mention(n))
			if err := expect(201)(call("POST", "/api/posts/", bearer(n), map[string]string{"content": content}, &p)); err != nil {
				return nil, err
			}
			return func() error {
				return pageShows(run.Viewers[viewer()].Cookie, "/home/", fmt.Sprintf(`id="post-%d"`, p.ID))
			}, nil
		}},
		{name: "comments", rate: *comments, write: func(n int) (func() error, error) {
			var c struct{ ID, Post int64 }
			post := target()
			content := fmt.Sprintf("Load test comment %d, agreed.%s", n, mention(n))
			if err := expect(201)(call("POST", fmt.Sprintf("/api/posts/%d/comments/", post), bearer(n), map[string]string{"content": content}, &c)); err != nil {
				return nil, err
			}
			return func() error {
				return pageShows(run.Viewers[viewer()].Cookie, fmt.Sprintf("/home/post/%d/", post), fmt.Sprintf(`id="comment-%d"`, c.ID))
			}, nil
		}},
		{name: "likes", rate: *likes, write: func(n int) (func() error, error) {
			var l struct{ Liked bool }
			post := target()
			if err := expect(200)(call("POST", fmt.Sprintf("/api/posts/%d/like/", post), bearer(n), nil, &l)); err != nil {
				return nil, err
			}
			return func() error {
				var p struct {
					IsLiked bool `json:"is_liked"`
				}
				if err := expect(200)(call("GET", fmt.Sprintf("/api/posts/%d/", post), bearer(n), nil, &p)); err != nil {
					return err
				}
				if p.IsLiked != l.Liked {
					return fmt.Errorf("post %d: is_liked %v after the toggle answered liked=%v", post, p.IsLiked, l.Liked)
				}
				return nil
			}, nil
		}},
		{name: "chat", rate: *chat, write: func(n int) (func() error, error) {
			w := n % len(run.Writers)
			var m struct{ ID int64 }
			path := fmt.Sprintf("/api/chat/conversations/%d/", convs[w])
			if err := expect(201)(call("POST", path+"add_message/", bearer(w), map[string]string{"content": fmt.Sprintf("load test message %d", n)}, &m)); err != nil {
				return nil, err
			}
			return func() error {
				var page struct{ Results []struct{ ID int64 } }
				cookie := run.Viewers[w%len(run.Viewers)].Cookie
				if err := expect(200)(call("GET", path+"messages/?page_size=20", cookie, nil, &page)); err != nil {
					return err
				}
				if !slices.ContainsFunc(page.Results, func(r struct{ ID int64 }) bool { return r.ID == m.ID }) {
					return fmt.Errorf("conversation %d: message %d missing for the recipient", convs[w], m.ID)
				}
				return nil
			}, nil
		}},
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	clock := &activeClock{since: time.Now()}
	go clock.follow(ctx)
	var wg sync.WaitGroup
	for _, k := range kinds {
		if k.rate <= 0 {
			continue
		}
		k.errors = map[string]int{}
		wg.Go(func() { k.loop(ctx, clock, *inflight, *check) })
	}
	log.Printf("writing: %.1f posts, %.1f comments, %.1f likes, %.1f chat messages per second by %d writers",
		*posts, *comments, *likes, *chat, len(run.Writers))
	wg.Wait()
	elapsed := clock.active()

	fmt.Printf("writes over %.1f s (paused in between) by %d writers, open-loop arrivals:\n", elapsed.Seconds(), len(run.Writers))
	fmt.Println("| write | done | per s | p50 | p99 | errors | read back at once | stale |")
	fmt.Println("|---|---:|---:|---:|---:|---|---:|---:|")
	stale := 0
	for _, k := range kinds {
		if k.rate <= 0 {
			continue
		}
		slices.Sort(k.latencies)
		errs := "none"
		if len(k.errors) > 0 || k.dropped > 0 {
			var parts []string
			for e, c := range k.errors {
				parts = append(parts, fmt.Sprintf("%d× %s", c, e))
			}
			if k.dropped > 0 {
				parts = append(parts, fmt.Sprintf("%d dropped (over -inflight)", k.dropped))
			}
			slices.Sort(parts)
			errs = strings.Join(parts, ", ")
		}
		fmt.Printf("| %s | %d | %.2f | %s | %s | %s | %d | %d |\n", k.name, len(k.latencies),
			float64(len(k.latencies))/elapsed.Seconds(), pct(k.latencies, .5), pct(k.latencies, .99), errs, k.fresh+k.stales, k.stales)
		if k.staleExample != "" {
			fmt.Printf("  first stale read (%s): %s\n", k.name, k.staleExample)
		}
		stale += k.stales
	}
	if stale > 0 {
		fmt.Printf("STALE: %d reads right after a write did not show it\n", stale)
	}
}

// activeClock counts the time the writes were not paused.
type activeClock struct {
	mu     sync.Mutex
	paused bool
	since  time.Time     // start of the current running stretch
	total  time.Duration // earlier running stretches
}

// follow pauses at SIGUSR1 and resumes at SIGUSR2 until ctx ends.
func (c *activeClock) follow(ctx context.Context) {
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2)
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-sig:
			c.mu.Lock()
			if pause := s == syscall.SIGUSR1; pause != c.paused {
				if pause {
					c.total += time.Since(c.since)
				} else {
					c.since = time.Now()
				}
				c.paused = pause
			}
			c.mu.Unlock()
		}
	}
}

func (c *activeClock) isPaused() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paused
}

func (c *activeClock) active() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused {
		return c.total
	}
	return c.total + time.Since(c.since)
}

// loop starts a write every 1/rate seconds until ctx ends, except while paused, then
// waits for those in flight.
func (k *kind) loop(ctx context.Context, clock *activeClock, inflight int, check bool) {
	sem := make(chan struct{}, inflight)
	tick := time.NewTicker(time.Duration(float64(time.Second) / k.rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if clock.isPaused() {
			continue
		}
		select {
		case sem <- struct{}{}:
		default:
			k.mu.Lock()
			k.dropped++
			k.mu.Unlock()
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			t := time.Now()
			read, err := k.write(n)
			d := time.Since(t)
			var readErr error
			if err == nil && check {
				readErr = read()
			}
			k.mu.Lock()
			defer k.mu.Unlock()
			switch {
			case err != nil:
				k.errors[err.Error()]++
			case !check:
				k.latencies = append(k.latencies, d)
			case readErr != nil:
				k.latencies = append(k.latencies, d)
				k.stales++
				if k.staleExample == "" {
					k.staleExample = readErr.Error()
				}
			default:
				k.latencies = append(k.latencies, d)
				k.fresh++
			}
		})
	}
}

// call sends a JSON request; auth is "Bearer …" or a "name=value" session cookie.
func call(method, path, auth string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, r)
	req.Header.Set("Content-Type", "application/json")
	if strings.HasPrefix(auth, "Bearer ") {
		req.Header.Set("Authorization", auth)
	} else {
		req.Header.Set("Cookie", auth)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// expect turns a call's status into an error unless it is want; the error text is
// the status alone, so errors of one kind add up in the report.
func expect(want int) func(int, error) error {
	return func(code int, err error) error {
		if err != nil {
			return err
		}
		if code != want {
			return fmt.Errorf("status %d", code)
		}
		return nil
	}
}

// pageShows fetches a page as a viewer and checks that it contains s.
func pageShows(cookie, path, s string) error {
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Cookie", cookie)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
	}
	if !bytes.Contains(body, []byte(s)) {
		return fmt.Errorf("GET %s lacks %s", path, s)
	}
	return nil
}

func pct(sorted []time.Duration, p float64) string {
	if len(sorted) == 0 {
		return "–"
	}
	d := sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
