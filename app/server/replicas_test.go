package server_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/internal/pgtest"
	"eplatform/app/testutil"
)

// With a read replica whose replay is paused, someone who signs up, posts and loads the
// next page sees their account and their post (read-your-writes: those reads go to the
// primary), while reads of others are still served by the replica; /metrics shows it.
func TestReplicaReadYourWritesOverHTTP(t *testing.T) {
	p := pgtest.Start(t, "wal_level=replica", "max_wal_senders=5")
	r := p.StartReplica(t)
	primaryURL := p.CreateDB(t)
	u, err := url.Parse(primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	replicaURL := r.URL(u.Path[1:])
	app := apptest.Start(t, apptest.Options{Args: apptest.RelaxedLimits, RealClock: true,
		Env: map[string]string{"EPLATFORM_DB": primaryURL, "EPLATFORM_DB_REPLICAS": replicaURL,
			"EPLATFORM_DB_REPLICA_MAX_LAG": "1m"}})
	db := app.State.DB
	bob := app.User("bob", "student") // someone who has not written lately
	replica, err := sql.Open("pgx", replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	// Wait until the replica has replayed everything so far (the schema, bob).
	primary, err := sql.Open("pgx", primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	var written string
	if err := primary.QueryRow("SELECT pg_current_wal_insert_lsn()::text").Scan(&written); err != nil {
		t.Fatal(err)
	}
	if !testutil.Poll(30*time.Second, func() bool {
		var done bool
		err := replica.QueryRow("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", written).Scan(&done)
		return err == nil && done
	}) {
		t.Fatal("the replica did not catch up")
	}
	db.PollReplicas(context.Background())
	if st := db.Replicas(); len(st) != 1 || !st[0].Healthy {
		t.Fatalf("replicas %+v", st)
	}
	if _, err := replica.Exec("SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	defer replica.Exec("SELECT pg_wal_replay_resume()") //nolint:errcheck // the servers go when the test ends

	m := db.Metrics()
	replicaReads := m.ReplicaReads.Load()
	if resp := bob.Get("/home/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("bob's feed: %d", resp.StatusCode)
	}
	if m.ReplicaReads.Load() == replicaReads {
		t.Error("bob's feed page read nothing from the replica")
	}

	// Ada signs up and in (her account exists only on the primary: the replica is
	// paused), posts, and loads her next pages.
	ada := app.Client()
	ada.SignUp("ada")
	ada.LogIn("ada", apptest.Password)
	fallbacks := m.ReadYourWritesFallbacks.Load()
	if resp := ada.Get("/home/profile/ada/"); resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "ada") {
		t.Fatalf("ada's profile right after signing up: %d", resp.StatusCode)
	}
	resp := ada.PostForm("/home/", url.Values{"content": {"fresh from the primary"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d %s", resp.StatusCode, resp.Body)
	}
	id := regexp.MustCompile(`post-(\d+)`).FindStringSubmatch(resp.Header.Get("Location"))
	if id == nil {
		t.Fatalf("post redirected to %q", resp.Header.Get("Location"))
	}
	// Others loading the pages first (filling the caches) must not keep the replica's
	// older view there for Ada.
	for _, path := range []string{"/home/", "/home/post/" + id[1] + "/", "/home/profile/ada/"} {
		bob.Get(path)
	}
	for _, path := range []string{"/home/", "/home/post/" + id[1] + "/", "/home/profile/ada/"} {
		if resp := ada.Get(path); resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "fresh from the primary") {
			t.Errorf("%s right after posting: %d, post shown: %v", path, resp.StatusCode, strings.Contains(resp.Body, "fresh from the primary"))
		}
	}
	if m.ReadYourWritesFallbacks.Load() == fallbacks {
		t.Error("no read was sent to the primary for read-your-writes")
	}
	// The replica really is behind: it has no Ada.
	var n int
	if err := replica.QueryRow("SELECT count(*) FROM users WHERE username = 'ada'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("the paused replica has %d users named ada (%v)", n, err)
	}

	metrics := getMetrics(t, app, "Bearer "+app.Config.MetricsToken)
	for _, want := range []string{"eplatform_db_replica_reads_total{", "eplatform_db_read_your_writes_fallbacks_total ", "eplatform_db_replica_healthy{"} {
		if !strings.Contains(metrics.Body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
