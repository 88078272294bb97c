package store

// CopyTo moves a SQLite site into PostgreSQL (`eplatform migrate-to`). The target is
// an empty database that Open has just given schema_postgres.sql; both are at the
// same schema version, so their tables and columns are the same by name
// (TestPostgresSchemaMatches keeps them so). Rows are copied table by table in
// foreign-key order, with COPY, one transaction per table; then every identity
// sequence is moved past the highest id, and each table is verified: the same number
// of rows and the same checksum — a sum of a hash of each row's canonical text,
// computed here on what each engine returns, so a value changed on the way (a
// truncated text, a byte, a number) shows.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// TableCopy is one table's result of CopyTo.
type TableCopy struct {
	Table                    string
	Rows, TargetRows         int64
	Checksum, TargetChecksum uint64
}

// OK reports whether the copy has the source's rows and checksum.
func (c TableCopy) OK() bool { return c.Rows == c.TargetRows && c.Checksum == c.TargetChecksum }

// copyBatch is how many rows one COPY carries.
const copyBatch = 5000

// CopyTo copies every row of db (SQLite) into dst (PostgreSQL, empty), then verifies
// each table. progress, if set, is called after each table. The tables come back in
// the order copied; an error stops the copy (tables already copied stay committed:
// drop and recreate the target before trying again).
func (db *DB) CopyTo(ctx context.Context, dst *DB, progress func(TableCopy)) ([]TableCopy, error) {
	if db.pg || !dst.pg {
		return nil, errors.New("store: copy: the source must be SQLite and the target PostgreSQL")
	}
	sv, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if dv, err := dst.SchemaVersion(ctx); err != nil || dv != sv {
		return nil, fmt.Errorf("store: copy: the source is at schema version %d, the target at %d (%v)", sv, dv, err)
	}
	for _, t := range pgSeedIDTables { // any table the application fills will do
		var n int64
		if err := dst.writer.QueryRowContext(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: copy: %w", err)
		}
		if n > 0 {
			return nil, fmt.Errorf("store: copy: the target already has rows in %s; copy into an empty database", t)
		}
	}
	tables, err := db.copyOrder(ctx)
	if err != nil {
		return nil, err
	}
	targets, err := dst.Tables(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if !slices.Contains(targets, t.name) {
			return nil, fmt.Errorf("store: copy: the target has no table %s", t.name)
		}
	}
	// One read transaction: every table is read in the same snapshot.
	src, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: copy: %w", err)
	}
	defer src.Rollback() //nolint:errcheck // read-only: nothing to undo
	conn, err := dst.writer.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: copy: %w", err)
	}
	defer conn.Close()
	var out []TableCopy
	for _, t := range tables {
		cols, err := dst.copyColumns(ctx, t)
		if err != nil {
			return out, err
		}
		c := TableCopy{Table: t.name}
		if c.Rows, c.Checksum, err = copyTable(ctx, src, conn, t, cols); err != nil {
			return out, fmt.Errorf("store: copy %s: %w", t.name, err)
		}
		if err := resetIdentity(ctx, conn, t.name); err != nil {
			return out, fmt.Errorf("store: copy %s: %w", t.name, err)
		}
		if c.TargetRows, c.TargetChecksum, err = checksum(ctx, dst.writer, "SELECT "+quoteCols(cols)+" FROM "+pgx.Identifier{t.name}.Sanitize()); err != nil {
			return out, fmt.Errorf("store: verify %s: %w", t.name, err)
		}
		out = append(out, c)
		if progress != nil {
			progress(c)
		}
	}
	return out, nil
}

// copySpec is one SQLite table to copy: its columns, in the order they are copied.
type copySpec struct {
	name   string
	cols   []string
	rowid  bool // has a rowid: rows are read in its order (parents before children)
	selfFK bool
}

// copyOrder lists the source's tables so that every table comes after the tables its
// foreign keys point to.
func (db *DB) copyOrder(ctx context.Context) ([]copySpec, error) {
	names, err := db.Tables(ctx)
	if err != nil {
		return nil, err
	}
	tables := map[string]*copySpec{}
	deps := map[string][]string{}
	for _, name := range names {
		t := &copySpec{name: name}
		rows, err := db.writer.QueryContext(ctx, `SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid`, name)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return nil, err
			}
			t.cols = append(t.cols, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		var def string
		if err := db.writer.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&def); err != nil {
			return nil, err
		}
		t.rowid = !strings.Contains(strings.ToUpper(def), "WITHOUT ROWID")
		frows, err := db.writer.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, name)
		if err != nil {
			return nil, err
		}
		for frows.Next() {
			var p string
			if err := frows.Scan(&p); err != nil {
				frows.Close()
				return nil, err
			}
			if p == name {
				t.selfFK = true
			} else {
				deps[name] = append(deps[name], p)
			}
		}
		frows.Close()
		if err := frows.Err(); err != nil {
			return nil, err
		}
		tables[name] = t
	}
	var order []copySpec
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("store: copy: the foreign keys of %s form a cycle", n)
		case 2:
			return nil
		}
		state[n] = 1
		for _, p := range deps[n] {
			if tables[p] == nil {
				continue // an engine table
			}
			if err := visit(p); err != nil {
				return err
			}
		}
		state[n] = 2
		order = append(order, *tables[n])
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// copyColumns checks that the target table has every column of t and returns them.
func (dst *DB) copyColumns(ctx context.Context, t copySpec) ([]string, error) {
	rows, err := dst.writer.QueryContext(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'`, t.name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		have[c] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, c := range t.cols {
		if !have[c] {
			return nil, fmt.Errorf("store: copy: the target's %s has no column %s", t.name, c)
		}
	}
	return t.cols, nil
}

func quoteCols(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = pgx.Identifier{c}.Sanitize()
	}
	return strings.Join(q, ", ")
}

// copyTable reads t from src in batches and COPYs each into the target, in one
// transaction, hashing the rows read.
func copyTable(ctx context.Context, src *sql.Tx, conn *sql.Conn, t copySpec, cols []string) (int64, uint64, error) {
	query := "SELECT " + quoteCols(cols) + " FROM " + pgx.Identifier{t.name}.Sanitize()
	if t.rowid {
		query += " ORDER BY rowid"
	}
	rows, err := src.QueryContext(ctx, query)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	var n int64
	var sum uint64
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit it does nothing
		batch := make([][]any, 0, copyBatch)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			_, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, cols, pgx.CopyFromRows(batch))
			batch = batch[:0]
			return err
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok && b == nil {
					vals[i] = []byte{} // an empty BLOB, not NULL (which Scan gives as nil)
				}
			}
			sum += rowHash(vals)
			n++
			batch = append(batch, vals)
			if len(batch) == copyBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	return n, sum, err
}

// resetIdentity moves the table's identity sequence, if it has one, past its highest
// value, so the application's next INSERT does not collide with a copied row.
func resetIdentity(ctx context.Context, conn *sql.Conn, table string) error {
	var col sql.NullString
	err := conn.QueryRowContext(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'`, table).Scan(&col)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	c := pgx.Identifier{col.String}.Sanitize()
	_, err = conn.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), max(`+c+`)) FROM `+pgx.Identifier{table}.Sanitize()+
		` HAVING max(`+c+`) IS NOT NULL`, table, col.String)
	return err
}

// checksum counts the rows of query and sums their hashes.
func checksum(ctx context.Context, db *sql.DB, query string) (int64, uint64, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	var sum uint64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, 0, err
		}
		sum += rowHash(vals)
		n++
	}
	return n, sum, rows.Err()
}

// rowHash hashes a row's canonical text: each value tagged with its kind, integers
// and floats in decimal, text and bytes as their bytes (SQLite may hand back either
// for a column, PostgreSQL's text and bytea are each one of them), NULL apart from
// every value. The sum of the hashes does not depend on the order rows come in.
func rowHash(vals []any) uint64 {
	h := sha256.New()
	var buf []byte
	for _, v := range vals {
		buf = buf[:0]
		switch x := v.(type) {
		case nil:
			buf = append(buf, 'N')
		case int64:
			buf = strconv.AppendInt(append(buf, 'i'), x, 10)
		case int32:
			buf = strconv.AppendInt(append(buf, 'i'), int64(x), 10)
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				buf = strconv.AppendInt(append(buf, 'i'), int64(x), 10)
			} else {
				buf = strconv.AppendFloat(append(buf, 'f'), x, 'g', -1, 64)
			}
		case bool:
			buf = append(buf, 'i', '0')
			if x {
				buf[1] = '1'
			}
		case string:
			buf = append(append(buf, 's'), x...)
		case []byte:
			buf = append(append(buf, 's'), x...)
		default:
			buf = fmt.Appendf(append(buf, '?'), "%v", x)
		}
		var l [8]byte
		binary.BigEndian.PutUint64(l[:], uint64(len(buf)))
		h.Write(l[:])
		h.Write(buf)
	}
	return binary.BigEndian.Uint64(h.Sum(nil))
}
