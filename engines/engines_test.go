package engines

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/sluicetest"
)

func TestOpenPicksTheEngineByScheme(t *testing.T) {
	ctx := context.Background()
	missing := "sqlite:" + filepath.Join(t.TempDir(), "absent.db")
	if _, err := Open(ctx, "s", missing); err == nil || errors.Is(err, ErrUnsupported) {
		t.Errorf("a sqlite: URL went to no engine or opened a missing file: %v", err)
	}
	_, err := Open(ctx, "old", "oracle://scott:tiger@db/orcl")
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("oracle:// = %v, want ErrUnsupported", err)
	}
	if strings.Contains(err.Error(), "tiger") {
		t.Errorf("the error shows the password: %v", err)
	}
	for raw, want := range map[string]string{"MySQL://x/y": "mysql", "postgresql://x": "postgresql", "sqlite:a.db": "sqlite", "::": ""} {
		if got := Scheme(raw); got != want {
			t.Errorf("Scheme(%q) = %q, want %q", raw, got, want)
		}
	}
}

// A source's declared encoding reaches it: a SQLite file in UTF-8 takes it
// and reports it as the Charset of its text columns; one in UTF-16 refuses
// it, and OpenAll then fails naming the source.
func TestOpenAllDeclaresEncodings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	utf8File, utf16File := filepath.Join(dir, "utf8.db"), filepath.Join(dir, "utf16.db")
	for path, script := range map[string]string{
		utf8File:  "CREATE TABLE t (s TEXT, b BLOB);",
		utf16File: "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t (s TEXT);",
	} {
		db, err := sql.Open("sqlite", path)
		if err == nil {
			_, err = db.Exec(script)
			db.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cfg := &config.Config{Sources: []config.Source{{Name: "lite", URL: "sqlite:" + utf8File, Encoding: "cp1252"}}}
	srcs, err := OpenAll(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srcs.Close()
	schemas, err := srcs.Introspect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s, b := schemas[0].Tables[0].Columns[0].Charset, schemas[0].Tables[0].Columns[1].Charset; s != "cp1252" || b != "" {
		t.Errorf("Charset of s %q, of b %q; want cp1252 and none", s, b)
	}
	cfg.Sources = append(cfg.Sources, config.Source{Name: "wide", URL: "sqlite:" + utf16File, Encoding: "latin1"})
	if _, err := OpenAll(ctx, cfg); err == nil || !strings.Contains(err.Error(), "source wide: encoding latin1") {
		t.Errorf("OpenAll with an encoding on a UTF-16 file: %v, want an error naming source wide", err)
	}
}

// TestOpenSQLServer opens a sqlserver:// URL through the TDS test server,
// and names an unreachable one without its password.
func TestOpenSQLServer(t *testing.T) {
	src, err := Open(t.Context(), "clinical", sluicetest.ChinookTDS(t))
	if err != nil {
		t.Fatalf("open sqlserver://: %v", err)
	}
	defer src.Close()
	if src.Engine() != "sqlserver" {
		t.Errorf("Engine() = %q, want sqlserver", src.Engine())
	}
	_, err = Open(t.Context(), "gone", "sqlserver://sa:hunter2@127.0.0.1:1?database=x&dial+timeout=2")
	var ce *sluice.ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("unreachable server: %v, want a *sluice.ConnectError", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the error shows the password: %v", err)
	}
}
