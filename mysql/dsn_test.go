package mysql

import (
	"strings"
	"testing"
	"time"
)

func TestDriverConfig(t *testing.T) {
	cfg, err := driverConfig("mysql://app:p%40ss%2Fw:rd@db.example.com/shop%20v1?tls=skip-verify&timeout=3s")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"user", cfg.User, "app"},
		{"password", cfg.Passwd, "p@ss/w:rd"},
		{"address", cfg.Addr, "db.example.com:3306"},
		{"database", cfg.DBName, "shop v1"},
		{"timeout", cfg.Timeout, 3 * time.Second},
		{"interpolateParams", cfg.InterpolateParams, true},
		{"parseTime", cfg.ParseTime, false},
		{"location", cfg.Loc, time.UTC},
		{"tls", cfg.TLS != nil && cfg.TLS.InsecureSkipVerify, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestDriverConfigDefaults(t *testing.T) {
	cfg, err := driverConfig("mysql://root@127.0.0.1:3307/test")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:3307" || cfg.Passwd != "" || cfg.Timeout != defaultDialTimeout {
		t.Errorf("got addr %q password %q timeout %v", cfg.Addr, cfg.Passwd, cfg.Timeout)
	}
}

func TestDriverConfigErrorsHidePassword(t *testing.T) {
	for _, raw := range []string{
		"mysql://u:s3cret@host/",
		"postgres://u:s3cret@host/db",
		"mysql://u:s3cret@host/db?timeout=never",
		"mysql://u:s3cret@host:99999999999/db\x7f",
	} {
		_, err := driverConfig(raw)
		if err == nil {
			t.Errorf("%q: want an error", raw)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: error shows the password: %v", raw, err)
		}
	}
}
