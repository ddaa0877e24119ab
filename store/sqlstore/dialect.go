package sqlstore

import (
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is everything the two engines do differently. The SQL of the
// store is written once, with $n placeholders, TRUE/FALSE and ON CONFLICT,
// which both engines read alike; what remains differs here.
type dialect struct {
	// name is "sqlite" or "postgres": the migrations folder and the
	// prefix of error messages.
	name string
	// pg is true on PostgreSQL, for the few statements written per engine
	// (claims with SKIP LOCKED, the dashboard's month buckets).
	pg bool
	// forUpdate follows a SELECT that locks the rows it reads. SQLite has
	// no row locks: its write transaction already excludes every other
	// writer, so the clause is empty there.
	forUpdate string
	// greatest is the scalar maximum of its arguments (GREATEST on
	// PostgreSQL, the two-argument MAX on SQLite); callers COALESCE it,
	// since SQLite's MAX is NULL when an argument is.
	greatest string
	// time encodes a time parameter (never the zero time, which is NULL).
	time func(t time.Time) any
	// isUnique reports whether err is a unique or primary key violation.
	isUnique func(err error) bool
}

// sqliteTimeFormat keeps times in UTC with microseconds, the precision of
// PostgreSQL, at a fixed width so that comparing the text compares times.
const sqliteTimeFormat = "2006-01-02T15:04:05.000000Z07:00"

var sqliteDialect = &dialect{
	name:     "sqlite",
	greatest: "MAX",
	time:     func(t time.Time) any { return t.UTC().Format(sqliteTimeFormat) },
	isUnique: func(err error) bool {
		var e *msqlite.Error
		return errors.As(err, &e) &&
			(e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
}

var postgresDialect = &dialect{
	name:      "postgres",
	pg:        true,
	forUpdate: " FOR UPDATE",
	greatest:  "GREATEST",
	time:      func(t time.Time) any { return t.UTC() },
	isUnique: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505"
	},
}

// args encodes the parameters of one statement: a time.Time as the
// engine stores it and the zero time as NULL; the rest pass unchanged.
func (d *dialect) args(args []any) []any {
	for i, a := range args {
		if t, ok := a.(time.Time); ok {
			if t.IsZero() {
				args[i] = nil
			} else {
				args[i] = d.time(t)
			}
		}
	}
	return args
}

// contains is the condition that the text column col holds the text of
// the parameter param (strpos on PostgreSQL, instr on SQLite; unlike LIKE,
// neither reads % or _ in the parameter as wildcards).
func (d *dialect) contains(col, param string) string {
	if d.pg {
		return "strpos(" + col + ", " + param + ") > 0"
	}
	return "instr(" + col + ", " + param + ") > 0"
}

// jsonText is a JSON column (jsonb on PostgreSQL, text on SQLite) as text.
func (d *dialect) jsonText(col string) string {
	if d.pg {
		return "CAST(" + col + " AS text)"
	}
	return col
}

// replaceJSON is the JSON column col with every occurrence of the text
// param from replaced by param to, as a value of the column's type.
func (d *dialect) replaceJSON(col, from, to string) string {
	if d.pg {
		return "CAST(REPLACE(CAST(" + col + " AS text), " + from + ", " + to + ") AS jsonb)"
	}
	return "REPLACE(" + col + ", " + from + ", " + to + ")"
}
