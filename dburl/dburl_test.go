package dburl

import "testing"

// URLs that are right pass the check (and then fail or not on connecting).
func TestCheckAcceptsGoodURLs(t *testing.T) {
	for _, raw := range []string{
		"mysql://root@127.0.0.1:3306/test", "mysql://root:p%40ss%25@h/db?tls=skip-verify", "mariadb://u@[::1]:3306/d",
		"postgres://u@h1:5432,h2:5433/db?target_session_attrs=read-write", "postgresql:///db?host=/var/run/postgresql",
		"sqlserver://sa:pw@h/SQLEXPRESS?database=x", "sqlserver://h:1", "postgres://u@h:65535/db",
		"sqlite:/tmp/100%.db", "csv:/data/%zz", "oracle://scott:tiger@db/orcl",
	} {
		if err := Check(raw); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
}

// A problem in the password never quotes any of it.
func TestPasswordProblemsHideThePassword(t *testing.T) {
	err := Check("postgres://u:sec%zzret@h/db")
	if err == nil || err.Error() != "invalid percent escape in the password (a % must be followed by two hex digits; write %25 for a % itself)" {
		t.Errorf("got %v", err)
	}
}
