package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"envoybot/store"
)

// BackupTo writes a consistent copy of the embedded database to path, a
// file that must not exist yet, while the store stays in use: SQLite's
// VACUUM INTO reads one snapshot (a read transaction under WAL, so writers
// go on) and writes it compacted, a database file ready to be opened as
// is. PostgreSQL is backed up with pg_dump instead (EINVALID).
func (db *DB) BackupTo(ctx context.Context, path string) error {
	if db.d.pg {
		return fmt.Errorf("postgres: backup: %w", store.Errorf(store.EINVALID, "back PostgreSQL up with pg_dump"))
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("sqlite: backup: %w", store.Errorf(store.ECONFLICT, "%s exists: a backup never overwrites a file", path))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	// On a connection of its own, neither the one writer (writes go on
	// meanwhile) nor a query-only reader (VACUUM INTO is refused there).
	src, err := sql.Open("sqlite", db.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer src.Close()
	conn, err := src.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("sqlite: backup to %s: %w", path, err)
	}
	return nil
}

// CheckSQLiteFile runs SQLite's integrity check on the database file at
// path, opened read-only, and returns its tables' row counts.
func CheckSQLiteFile(ctx context.Context, path string) (map[string]int64, error) {
	f, err := sql.Open("sqlite", path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	defer f.Close()
	var result string
	if err := f.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return nil, fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	if result != "ok" {
		return nil, fmt.Errorf("sqlite: check %s: integrity check says %q", path, result)
	}
	rows, err := f.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	counts := make(map[string]int64, len(tables))
	for _, t := range tables {
		var n int64
		if err := f.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+t+`"`).Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlite: check %s: count %s: %w", path, t, err)
		}
		counts[t] = n
	}
	return counts, nil
}
