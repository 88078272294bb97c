package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Uploaded files kept in PostgreSQL (media_blobs, schema_postgres.sql only), for
// sites whose app processes run on several hosts without a shared directory
// (-media db; see media.Store). A file is written once under a random path, read
// whole, and deleted with the row that named it.

// MediaBlob is one stored file.
type MediaBlob struct {
	Content     []byte
	ContentType string
	CreatedAt   time.Time
}

// errMediaSQLite: media_blobs exists on PostgreSQL only.
var errMediaSQLite = errors.New("store: media in the database needs PostgreSQL (-db postgres://…)")

// PutMediaBlob stores a file under path.
func (db *DB) PutMediaBlob(ctx context.Context, path string, content []byte, contentType string, now time.Time) error {
	if !db.pg {
		return errMediaSQLite
	}
	if content == nil {
		content = []byte{} // an empty file, not NULL
	}
	return db.WithTx(ctx, func(tx *Queries) error {
		_, err := tx.exec(ctx, `INSERT INTO media_blobs (path, content, content_type, size, created_at) VALUES (?, ?, ?, ?, ?)`,
			path, content, contentType, len(content), millis(now))
		return wrapf(err, "store: put media %s", path)
	})
}

// MediaBlob reads the file at path (ErrNotFound if there is none). A replica that has
// not replayed a new upload yet does not make it missing: the primary is asked then.
func (db *DB) MediaBlob(ctx context.Context, path string) (MediaBlob, error) {
	if !db.pg {
		return MediaBlob{}, errMediaSQLite
	}
	const query = `SELECT content, content_type, created_at FROM media_blobs WHERE path = ?`
	var b MediaBlob
	var at int64
	err := db.queryRow(ctx, query, path).Scan(&b.Content, &b.ContentType, &at)
	if errors.Is(err, sql.ErrNoRows) {
		primary := &Queries{q: db.writer, m: db.metrics, pg: true}
		err = primary.queryRow(ctx, query, path).Scan(&b.Content, &b.ContentType, &at)
	}
	if err != nil {
		return MediaBlob{}, scanOne(err)
	}
	b.CreatedAt = FromMillis(at)
	return b, nil
}

// DeleteMediaBlob removes the file at path; a missing one is not an error.
func (db *DB) DeleteMediaBlob(ctx context.Context, path string) error {
	if !db.pg {
		return errMediaSQLite
	}
	return db.WithTx(ctx, func(tx *Queries) error {
		_, err := tx.exec(ctx, `DELETE FROM media_blobs WHERE path = ?`, path)
		return wrapf(err, "store: delete media %s", path)
	})
}

// MediaBlobStats counts the stored files and their bytes.
func (db *DB) MediaBlobStats(ctx context.Context) (files, bytes int64, err error) {
	if !db.pg {
		return 0, 0, errMediaSQLite
	}
	err = db.writer.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM media_blobs`).Scan(&files, &bytes)
	if err != nil {
		return 0, 0, fmt.Errorf("store: media stats: %w", err)
	}
	return files, bytes, nil
}
