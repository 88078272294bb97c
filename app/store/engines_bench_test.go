package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"eplatform/app/internal/pgtest"
)

// BenchmarkEngines runs the same store work on SQLite and on PostgreSQL in one run,
// so BENCHMARKS.md can give their ratio on the same machine: the newest feed page of
// posts with authors (a read), creating a post (a write transaction) and toggling a
// like (a write that contends on the post's counter), each from parallel goroutines.
//
//	go test ./app/store/ -run '^$' -bench Engines -benchtime 3s
//
// PostgreSQL runs on the test server pgtest starts (durability off, like a tuned test
// server; see BENCHMARKS.md for what that means for the figures).
func BenchmarkEngines(b *testing.B) {
	ctx := context.Background()
	open := map[string]func(b *testing.B) *DB{
		"sqlite": func(b *testing.B) *DB {
			db, err := Open(ctx, Options{Path: filepath.Join(b.TempDir(), "b.db"), Schema: readSchema(b)})
			if err != nil {
				b.Fatal(err)
			}
			return db
		},
		"postgres": func(b *testing.B) *DB {
			if pgtest.Available() != nil && os.Getenv("CI") == "" {
				b.Skip("no PostgreSQL")
			}
			db, err := Open(ctx, Options{URL: pgtest.URL(b), PostgresSchema: readPostgresSchema(b)})
			if err != nil {
				b.Fatal(err)
			}
			return db
		},
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		db := open[engine](b)
		b.Cleanup(func() { db.Close() })
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		var users []int64
		if err := db.WithTx(ctx, func(tx *Queries) error {
			for i := range 50 {
				id, err := tx.CreateUser(ctx, NewUser{Username: fmt.Sprintf("u%d", i), Email: fmt.Sprintf("u%d@example.org", i),
					PasswordHash: "x", FirstName: "User", LastName: fmt.Sprint(i), UserType: "student", Now: now})
				if err != nil {
					return err
				}
				users = append(users, id)
			}
			for i := range 1000 {
				if _, err := tx.InsertPost(ctx, NewPost{UserID: users[i%len(users)], Content: fmt.Sprintf("post %d about fractions and decimals", i),
					Now: now.Add(time.Duration(i) * time.Second)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		b.Run(engine+"/feed-page", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if posts, err := db.ListPosts(ctx, PostQuery{Limit: 20}); err != nil || len(posts) != 20 {
						b.Fatal(len(posts), err)
					}
				}
			})
		})
		var n atomic.Int64
		b.Run(engine+"/insert-post", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					if err := db.WithTx(ctx, func(tx *Queries) error {
						_, err := tx.InsertPost(ctx, NewPost{UserID: users[i%int64(len(users))], Content: "a new post", Now: now})
						return err
					}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
		b.Run(engine+"/toggle-like", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					if err := db.WithTx(ctx, func(tx *Queries) error {
						_, _, err := tx.ToggleLike(ctx, 1+i%10, users[i%int64(len(users))], now)
						return err
					}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
