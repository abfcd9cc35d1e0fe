package postgres

import (
	"context"
	"strconv"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// BenchmarkSinkApply applies batches of 100 updates by key, each batch one
// transaction with its position, to the shared PostgreSQL.
//
//	go test -run XXX -bench SinkApply -benchtime 20000x ./postgres
func BenchmarkSinkApply(b *testing.B) {
	ctx := context.Background()
	url := sluicetest.NewPostgresDB(b)
	sluicetest.ExecPostgres(b, url, "CREATE TABLE t (id int PRIMARY KEY, name varchar(40), amount numeric(12,2)); INSERT INTO t SELECT g, 'x', 0 FROM generate_series(1, 1000) g")
	src := openURL(b, url)
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

// BenchmarkFreezeCycle freezes a database of the private server (the
// database setting, then the WAL position) and unfreezes it.
//
//	go test -run XXX -bench FreezeCycle -benchtime 200x ./postgres
func BenchmarkFreezeCycle(b *testing.B) {
	ctx := context.Background()
	_, src := captureDB(b, privateServer(b), "CREATE TABLE t (id int PRIMARY KEY)")
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
