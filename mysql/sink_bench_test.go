package mysql_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// BenchmarkSinkApply applies batches of 100 updates by key, each batch one
// transaction with its position, to the shared MariaDB.
//
//	go test -run XXX -bench SinkApply -benchtime 20000x ./mysql
func BenchmarkSinkApply(b *testing.B) {
	ctx := context.Background()
	url := sluicetest.NewMySQLDB(b)
	sluicetest.ExecMySQL(b, url, "CREATE TABLE t (id int PRIMARY KEY, name varchar(40), amount decimal(12,2)); INSERT INTO t SELECT seq, 'x', 0 FROM seq_1_to_1000")
	src := openSource(b, url)
	defer src.Close()
	if err := src.PrepareSink(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i += 100 {
		batch := sluicetest.BatchAt(i + 1)
		for j := i; j < min(i+100, b.N); j++ {
			batch.Changes = append(batch.Changes, sluice.RowChange{Kind: sluice.ChangeUpdate, Table: "t", Key: []string{"id"},
				KeyValues: []any{int64(j%1000 + 1)}, Columns: []string{"name", "amount"}, Values: []any{"n" + strconv.Itoa(j), "12.34"}})
		}
		if _, err := src.Apply(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkFreezeCycle freezes the private MariaDB (read_only, then the
// binlog position) and unfreezes it.
//
//	go test -run XXX -bench FreezeCycle -benchtime 200x ./mysql
func BenchmarkFreezeCycle(b *testing.B) {
	ctx := context.Background()
	srv := privateServer(b)
	_, src := captureDB(b, srv, "CREATE TABLE t (id int PRIMARY KEY)")
	prior, err := src.FrozenState(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := src.Freeze(ctx, sluice.FreezeOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := src.Unfreeze(ctx, prior); err != nil {
			b.Fatal(err)
		}
	}
}
