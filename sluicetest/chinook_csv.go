package sluicetest

import (
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // reads the SQLite edition to export it
)

// ChinookCSVTables lists Chinook's tables with their primary keys and the
// columns that reference another table, as a config declares them for the
// CSV edition (a file has neither).
var ChinookCSVTables = []struct {
	Name       string
	PrimaryKey []string
	References map[string]string // column -> referenced table
}{
	{"Artist", []string{"ArtistId"}, nil},
	{"Album", []string{"AlbumId"}, map[string]string{"ArtistId": "Artist"}},
	{"Employee", []string{"EmployeeId"}, map[string]string{"ReportsTo": "Employee"}},
	{"Customer", []string{"CustomerId"}, map[string]string{"SupportRepId": "Employee"}},
	{"Genre", []string{"GenreId"}, nil},
	{"MediaType", []string{"MediaTypeId"}, nil},
	{"Track", []string{"TrackId"}, map[string]string{"AlbumId": "Album", "MediaTypeId": "MediaType", "GenreId": "Genre"}},
	{"Invoice", []string{"InvoiceId"}, map[string]string{"CustomerId": "Customer"}},
	{"InvoiceLine", []string{"InvoiceLineId"}, map[string]string{"InvoiceId": "Invoice", "TrackId": "Track"}},
	{"Playlist", []string{"PlaylistId"}, nil},
	{"PlaylistTrack", []string{"PlaylistId", "TrackId"}, map[string]string{"PlaylistId": "Playlist", "TrackId": "Track"}},
}

// ChinookCSV exports the SQLite edition of Chinook into a fresh directory,
// one <Table>.csv per table with a header row, and returns the directory.
// NULL is an unquoted empty field and every text is quoted (so an empty
// text stays apart from NULL); numbers are written in their shortest exact
// form, dates as SQLite holds them.
func ChinookCSV(t testing.TB) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+TestData(t, "chinook/Chinook_Sqlite.sqlite")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	for _, tb := range ChinookCSVTables {
		if err := exportTable(db, tb.Name, filepath.Join(dir, tb.Name+".csv")); err != nil {
			t.Fatalf("export %s: %v", tb.Name, err)
		}
	}
	return dir
}

func exportTable(db *sql.DB, table, path string) error {
	rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY rowid`)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(CSVHeader(cols) + "\n")
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		fields := make([]string, len(vals))
		for i, v := range vals {
			fields[i] = CSVField(v)
		}
		b.WriteString(strings.Join(fields, ",") + "\n")
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// CSVHeader is a header line of names, each quoted, without its line end.
func CSVHeader(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = CSVQuote(n)
	}
	return strings.Join(quoted, ",")
}

// CSVQuote quotes a CSV field, doubling the quotes inside.
func CSVQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// CSVField writes a value as a CSV field: NULL as nothing, text quoted,
// numbers exactly, bytes as \x hex.
func CSVField(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return CSVQuote(x)
	case []byte:
		return `\x` + hex.EncodeToString(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.999999999") // as SQLite's DATETIME text, which the driver parsed
	}
	return CSVQuote(fmt.Sprint(v))
}
