package sluice

import (
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	cases := map[string]string{
		"mysql://app:s3cret@db1:3306/clinical":             "mysql://app:xxxxx@db1:3306/clinical",
		"postgres://u:p%40ss@pg/x?sslmode=disable":         "postgres://u:xxxxx@pg/x?sslmode=disable",
		"postgres://postgres@127.0.0.1/x":                  "postgres://postgres@127.0.0.1/x",
		"sqlite:///data/pharmacy.db":                       "sqlite:///data/pharmacy.db",
		"connect to app:hunter2@tcp(db:3306)/x failed":     "connect to app:xxxxx@tcp(db:3306)/x failed",
		"parse \"mysql://a:pa ss@h/x\": invalid character": "parse \"mysql://a:xxxxx@h/x\": invalid character",
		"sqlserver://sa:s3cret@db:1433?database=Clinical":  "sqlserver://sa:xxxxx@db:1433?database=Clinical",
		"sqlserver://db:1433?database=C&password=hunter2":  "sqlserver://db:1433?database=C&password=xxxxx",
		"sqlserver://db?user+id=sa&PWD=s3cret":             "sqlserver://db?PWD=xxxxx&user+id=sa",
	}
	for in, want := range cases {
		got := RedactURL(in)
		if got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
		for _, secret := range []string{"s3cret", "p%40ss", "hunter2", "pa ss"} {
			if strings.Contains(got, secret) {
				t.Errorf("RedactURL(%q) leaks %q", in, secret)
			}
		}
	}
}
