package postgres

import (
	"context"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// A view reads the tables as of the moment it opened: rows written after
// are not in its counts, though the source's own reads see them; it holds
// no replication slot.
func TestViewReadsOneMoment(t *testing.T) {
	ctx := context.Background()
	url := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, url, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)")
	src := openURL(t, url)
	defer src.Close()
	v, err := src.View(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sluicetest.ExecPostgres(t, url, "INSERT INTO t VALUES (3)")
	for _, c := range []struct {
		what string
		n    func() (int64, error)
		want int64
	}{
		{"view", func() (int64, error) { return v.Count(ctx, "t", "") }, 2},
		{"view, again", func() (int64, error) { return v.Count(ctx, "t", "id > 0") }, 2},
		{"source", func() (int64, error) { return src.Count(ctx, "t", "") }, 3},
	} {
		if n, err := c.n(); err != nil || n != c.want {
			t.Errorf("%s counts %d, %v; want %d", c.what, n, err, c.want)
		}
	}
	var slots int
	if err := src.pool.QueryRow(ctx, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()").Scan(&slots); err != nil || slots != 0 {
		t.Errorf("%d slots, %v: a view takes none", slots, err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
}
