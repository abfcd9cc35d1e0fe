// Package sqlite reads a SQLite database file as a sluice.Source, through the
// pure-Go driver modernc.org/sqlite (no cgo).
//
// The file is opened read-only (mode=ro and query_only), so the source can
// never be changed by a migration. Values arrive in their storage classes
// (int64, float64, string, []byte, nil), whatever the declared type; the cast
// decides what converts.
package sqlite
