package sqlite

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/sluicedb/sluice"
)

// SQLite lets a primary key that is not INTEGER PRIMARY KEY hold NULLs, and
// holds 1, '1' and x'31' apart in a column without strict typing, where
// PostgreSQL would see one value. CheckKey finds both; a clean key, or
// mixed storage classes that never collide, are not reported.
func TestCheckKey(t *testing.T) {
	src := openScript(t, `
		CREATE TABLE nulls (id INT PRIMARY KEY, v TEXT);
		INSERT INTO nulls VALUES (1, 'a'), (NULL, 'b'), (2, 'c'), (NULL, 'd');
		CREATE TABLE mixed (id PRIMARY KEY, v TEXT);
		INSERT INTO mixed VALUES ('1', 'a'), (1, 'b'), (x'31', 'c'), (2, 'd'), ('x', 'e'), (NULL, 'f');
		CREATE TABLE apart (id PRIMARY KEY, v TEXT);
		INSERT INTO apart VALUES (1, 'a'), ('b', 'b'), (2.5, 'c');
		CREATE TABLE pair (a TEXT, b, PRIMARY KEY (a, b)) WITHOUT ROWID;
		INSERT INTO pair VALUES ('k', 7), ('k', '7'), ('k', 8);
		CREATE TABLE clean (code TEXT PRIMARY KEY);
		INSERT INTO clean VALUES ('a'), ('b');`)
	defer src.Close()
	cases := []struct {
		table     string
		key, page []string
		where     string
		want      sluice.KeyReport
	}{
		{"nulls", []string{"id"}, []string{"rowid"}, "", sluice.KeyReport{Nulls: 2}},
		{"mixed", []string{"id"}, []string{"rowid"}, "", sluice.KeyReport{Nulls: 1, Duplicates: 3,
			DupRows: [][]any{{int64(1)}, {int64(2)}, {int64(3)}}, DupKeys: []string{"1"}}},
		{"mixed", []string{"id"}, []string{"rowid"}, "v <> 'c'", sluice.KeyReport{Nulls: 1, Duplicates: 2,
			DupRows: [][]any{{int64(1)}, {int64(2)}}, DupKeys: []string{"1"}}},
		{"apart", []string{"id"}, []string{"rowid"}, "", sluice.KeyReport{}},
		{"pair", []string{"a", "b"}, []string{"a", "b"}, "", sluice.KeyReport{Duplicates: 2,
			DupRows: [][]any{{"k", int64(7)}, {"k", "7"}}, DupKeys: []string{"k|7"}}},
		{"clean", []string{"code"}, []string{"rowid"}, "", sluice.KeyReport{}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %s", c.table, c.where), func(t *testing.T) {
			got, err := src.CheckKey(context.Background(), sluice.KeyCheck{Table: c.table, Key: c.key, Page: c.page, Where: c.where, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %#v\nwant %#v", got, c.want)
			}
			if got.Clean() != (c.want.Nulls == 0 && c.want.Duplicates == 0) {
				t.Errorf("Clean() = %v", got.Clean())
			}
		})
	}
}

// Limit bounds the rows listed, not the count.
func TestCheckKeyLimit(t *testing.T) {
	src := openScript(t, `CREATE TABLE m (id PRIMARY KEY);
		INSERT INTO m VALUES (1), ('1'), (2), ('2'), (3), ('3');`)
	defer src.Close()
	got, err := src.CheckKey(context.Background(), sluice.KeyCheck{Table: "m", Key: []string{"id"}, Page: []string{"rowid"}, Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got.Duplicates != 6 || len(got.DupRows) != 4 || len(got.DupKeys) != 3 {
		t.Errorf("got %+v", got)
	}
}
