package mysql

import (
	"database/sql"
	"testing"

	"github.com/sluicedb/sluice"
)

// MySQL (not MariaDB) reports a literal default without quotes; only
// expressions (DEFAULT_GENERATED), CURRENT_TIMESTAMP and bit literals are
// expressions as reported. MariaDB is tested against the real server.
func TestColumnDefault(t *testing.T) {
	cases := []struct {
		mariadb bool
		raw     *string
		extra   string
		kind    sluice.Kind
		want    string
	}{
		{false, nil, "", sluice.KindInt, "<nil>"},
		{false, strp("0"), "", sluice.KindInt, "'0'"},
		{false, strp("it's a\\b"), "", sluice.KindString, `'it''s a\\b'`},
		{false, strp("NULL"), "", sluice.KindString, "'NULL'"},
		{false, strp(""), "", sluice.KindString, "''"},
		{false, strp("CURRENT_TIMESTAMP"), "DEFAULT_GENERATED on update CURRENT_TIMESTAMP", sluice.KindTimestampTZ, "CURRENT_TIMESTAMP"},
		{false, strp("CURRENT_TIMESTAMP(3)"), "", sluice.KindTimestamp, "CURRENT_TIMESTAMP(3)"},
		{false, strp("uuid()"), "DEFAULT_GENERATED", sluice.KindString, "uuid()"},
		{false, strp("b'101'"), "", sluice.KindBit, "b'101'"},
		{true, strp("NULL"), "", sluice.KindString, "<nil>"},
		{true, strp("'NULL'"), "", sluice.KindString, "'NULL'"},
		{true, strp("current_timestamp()"), "on update current_timestamp()", sluice.KindTimestamp, "current_timestamp()"},
	}
	for _, c := range cases {
		raw := sql.NullString{}
		if c.raw != nil {
			raw = sql.NullString{String: *c.raw, Valid: true}
		}
		got := "<nil>"
		if d := columnDefault(c.mariadb, raw, c.extra, c.kind); d != nil {
			got = *d
		}
		if got != c.want {
			t.Errorf("mariadb=%v %v extra %q: %s, want %s", c.mariadb, c.raw, c.extra, got, c.want)
		}
	}
	for extra, want := range map[string]string{
		"on update current_timestamp(3)":                "current_timestamp(3)",
		"DEFAULT_GENERATED on update CURRENT_TIMESTAMP": "CURRENT_TIMESTAMP",
		"auto_increment":                                "", "": "",
	} {
		if got := onUpdate(extra); got != want {
			t.Errorf("onUpdate(%q) = %q, want %q", extra, got, want)
		}
	}
}

func strp(s string) *string { return &s }
