// Command chatload is the chat load test: it registers N users on a running
// E-Platform (loopback only), pairs them into conversations, opens one socket per
// user and sends messages at a fixed total rate over the sockets for a while, then
// reports the delivery latency (send → the recipient's chat_message frame) and the
// server's memory per open socket. It stops by itself. Run it with bench/chatload.sh.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:18484", "server URL (must be loopback)")
	users := flag.Int("sockets", 500, "users, one socket each")
	rate := flag.Int("rate", 200, "messages per second, in total")
	dur := flag.Duration("duration", 15*time.Second, "how long to send")
	metricsURL := flag.String("metrics", "", "where /metrics is served, e.g. the server's -metrics-addr (default: -url, which needs the token)")
	metricsToken := flag.String("metrics-token", os.Getenv("EPLATFORM_METRICS_TOKEN"), "bearer token of /metrics on the site ($EPLATFORM_METRICS_TOKEN; see also -secrets)")
	secretsFile := flag.String("secrets", "", "the server's DATA/secrets.json, to read metrics_token from")
	flag.Parse()
	if *metricsURL == "" {
		metricsURL = base
	}
	if *metricsToken == "" && *secretsFile != "" {
		*metricsToken = readMetricsToken(*secretsFile)
	}
	u, err := url.Parse(*base)
	if err != nil || !(strings.HasPrefix(u.Hostname(), "127.") || u.Hostname() == "localhost" || u.Hostname() == "::1") {
		log.Fatal("chatload only targets loopback addresses")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *dur+5*time.Minute)
	defer cancel()

	// 1. Users, registered in parallel (each registration hashes a password).
	tokens := make([]string, *users)
	ids := make([]int64, *users)
	run := fmt.Sprint(time.Now().Unix())
	parallel(*users, 4, func(i int) {
		body := map[string]string{"username": fmt.Sprintf("load%s_%d", run, i), "email": fmt.Sprintf("load%s_%d@example.com", run, i),
			"password": "Quiet-River-482", "password2": "Quiet-River-482", "first_name": "Load", "last_name": "Tester",
			"birthdate": "2004-01-01"}
		var out struct {
			Access string
			User   struct{ ID int64 }
		}
		if code := call(*base, "POST", "/api/auth/register/", "", body, &out); code != 201 {
			log.Fatalf("register %d: status %d", i, code)
		}
		tokens[i], ids[i] = out.Access, out.User.ID
	})
	log.Printf("%d users registered", *users)

	// 2. Pairs share a conversation.
	convs := make([]int64, *users)
	parallel(*users/2, 4, func(p int) {
		a, b := 2*p, 2*p+1
		var out struct{ ID int64 }
		code := call(*base, "POST", "/api/chat/conversations/start/", tokens[a], map[string]any{"user_id": ids[b]}, &out)
		if code != 201 && code != 200 {
			log.Fatalf("start conversation %d: status %d", p, code)
		}
		convs[a], convs[b] = out.ID, out.ID
	})

	before := metrics(*metricsURL, *metricsToken)
	// 3. One socket per user; every chat_message from someone else is timed.
	var mu sync.Mutex
	var latencies []time.Duration
	var received atomic.Int64
	conns := make([]*websocket.Conn, *users)
	wsURL := "ws" + strings.TrimPrefix(*base, "http") + "/ws/?access_token="
	parallel(*users, 16, func(i int) {
		c, _, err := websocket.Dial(ctx, wsURL+tokens[i], &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {*base}}})
		if err != nil {
			log.Fatalf("socket %d: %v", i, err)
		}
		c.SetReadLimit(1 << 20)
		conns[i] = c
		go func(me int64) {
			for {
				var f struct {
					Type    string
					Message struct {
						Content string
						Sender  int64 `json:"sender"`
					}
				}
				if err := wsjson.Read(ctx, c, &f); err != nil {
					return
				}
				if f.Type != "chat_message" || f.Message.Sender == me {
					continue
				}
				sent, err := strconv.ParseInt(strings.TrimPrefix(f.Message.Content, "t="), 10, 64)
				if err != nil {
					continue
				}
				d := time.Since(time.Unix(0, sent))
				received.Add(1)
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
			}
		}(ids[i])
	})
	time.Sleep(2 * time.Second) // let the connect-time frames settle
	after := metrics(*metricsURL, *metricsToken)
	log.Printf("%d sockets open", *users)

	// 4. Send at the fixed rate, round-robin over users, for the duration.
	interval := time.Second / time.Duration(*rate)
	tick := time.NewTicker(interval)
	deadline := time.Now().Add(*dur)
	sent := 0
	for time.Now().Before(deadline) {
		<-tick.C
		i := sent % *users
		frame := map[string]any{"type": "chat_message", "conversation_id": convs[i], "content": fmt.Sprintf("t=%d", time.Now().UnixNano())}
		wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
		if err := wsjson.Write(wctx, conns[i], frame); err != nil {
			log.Fatalf("send: %v", err)
		}
		wcancel()
		sent++
	}
	tick.Stop()
	time.Sleep(3 * time.Second) // stragglers
	for _, c := range conns {
		c.Close(websocket.StatusNormalClosure, "done")
	}

	mu.Lock()
	defer mu.Unlock()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]
	}
	perSocket := (after["process_resident_memory_bytes"] - before["process_resident_memory_bytes"]) / float64(*users)
	heapPerSocket := (after["go_memstats_heap_inuse_bytes"] - before["go_memstats_heap_inuse_bytes"]) / float64(*users)
	fmt.Printf("sockets %d, sent %d messages at %d/s for %s, delivered %d (%.1f%%)\n",
		*users, sent, *rate, *dur, received.Load(), 100*float64(received.Load())/float64(max(sent, 1)))
	fmt.Printf("delivery latency p50 %s, p90 %s, p99 %s, max %s\n", pct(.5).Round(10*time.Microsecond),
		pct(.9).Round(10*time.Microsecond), pct(.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond))
	fmt.Printf("server memory per open socket: %.1f KiB resident, %.1f KiB Go heap in use\n", perSocket/1024, heapPerSocket/1024)
}

func parallel(n, workers int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func call(base, method, path, token string, body, out any) int {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		_ = json.Unmarshal(data, out)
	}
	if resp.StatusCode >= 300 {
		fmt.Fprintf(os.Stderr, "%s %s: %d %s\n", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode
}

var metricLine = regexp.MustCompile(`^([a-z_]+) ([0-9.e+]+)$`)

// metrics reads the server's unlabelled gauges from /metrics, with the bearer token
// when there is one (the site's /metrics needs it; a -metrics-addr listener does
// not). Anything but a 200 stops the run: silently empty gauges would report
// nonsense per socket.
func metrics(base, token string) map[string]float64 {
	req, err := http.NewRequest("GET", base+"/metrics", nil)
	if err != nil {
		log.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("GET %s/metrics: %d %s(give -metrics-token, -secrets DATA/secrets.json or -metrics with the server's -metrics-addr)",
			base, resp.StatusCode, data)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(data), "\n") {
		if m := metricLine.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			out[m[1]] = v
		}
	}
	return out
}

// readMetricsToken reads metrics_token from the server's secrets.json.
func readMetricsToken(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	var s struct {
		MetricsToken string `json:"metrics_token"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	if s.MetricsToken == "" {
		log.Fatalf("%s has no metrics_token (start the server once to add it)", path)
	}
	return s.MetricsToken
}
