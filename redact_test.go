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
