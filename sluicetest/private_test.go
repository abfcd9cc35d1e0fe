package sluicetest

import "testing"

func TestPrivateServersStart(t *testing.T) {
	pg, err := StartPrivatePostgres()
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop()
	if err := pg.ExecPrivate("postgres", "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	pg.Kill()
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	my, err := StartPrivateMariaDB()
	if err != nil {
		t.Fatal(err)
	}
	defer my.Stop()
	if err := my.ExecPrivate("mysql", "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	my.Kill()
	if err := my.Start(); err != nil {
		t.Fatal(err)
	}
}
