package verify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/verify"
)

// has fails the test unless r holds a finding equal to want in every field
// but Detail.
func has(t *testing.T, r *verify.Report, want verify.Finding) {
	t.Helper()
	for _, tr := range r.Tables {
		for _, f := range tr.Findings {
			f.Detail = ""
			if f == want {
				return
			}
		}
	}
	t.Errorf("no finding %+v in:\n%s", want, text(t, r))
}

// onlyLevels fails the test if a level outside levels found anything, or
// one of levels found nothing: the tampering breaks exactly those properties.
func onlyLevels(t *testing.T, r *verify.Report, levels ...int) {
	t.Helper()
	found := map[int]bool{}
	for _, tr := range r.Tables {
		for l, res := range tr.Levels {
			if res.Findings > 0 {
				found[l] = true
			}
		}
	}
	for _, l := range verify.Levels {
		want := false
		for _, w := range levels {
			want = want || w == l
		}
		if found[l] != want {
			t.Errorf("level %d found something: %v, want %v\n%s", l, found[l], want, text(t, r))
		}
	}
}

// constraintOf names the constraint of a target table of kind (p, u, f).
func (e *env) constraintOf(t *testing.T, table, kind string) string {
	t.Helper()
	var name string
	err := e.db.QueryRow(context.Background(), `SELECT conname FROM pg_constraint
		WHERE conrelid = ('public.' || quote_ident($1))::regclass AND contype = $2 LIMIT 1`, table, kind).Scan(&name)
	if err != nil {
		t.Fatalf("find the %s constraint of %s: %v", kind, table, err)
	}
	return name
}

// dropConstraints drops every constraint of kind on table, and what
// depends on it.
func (e *env) dropConstraints(t *testing.T, table, kind string) {
	t.Helper()
	for {
		var n int
		err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM pg_constraint
			WHERE conrelid = ('public.' || quote_ident($1))::regclass AND contype = $2`, table, kind).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		e.exec(t, fmt.Sprintf("ALTER TABLE public.%s DROP CONSTRAINT %s CASCADE", table, quoteIdent(e.constraintOf(t, table, kind))))
	}
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// itemUUID is the UUID of a legacy.items row.
func itemUUID(id int64) string {
	u, _ := sluice.KeyUUID(sluice.DefaultNamespace, "legacy", "items", []any{id})
	return u.String()
}
