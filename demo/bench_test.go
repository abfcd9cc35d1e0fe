package demo_test

import (
	"context"
	"testing"

	"github.com/sluicedb/sluice/demo"
)

// BenchmarkGenerate100k measures the estate `sluice demo --rows 100000`
// writes (about 500,000 rows in all):
//
//	go test ./demo -run '^$' -bench Generate100k -benchtime 3x
func BenchmarkGenerate100k(b *testing.B) {
	for b.Loop() {
		_, err := demo.Generate(context.Background(), demo.Options{Dir: b.TempDir(), Rows: 100_000, Target: testTarget})
		if err != nil {
			b.Fatal(err)
		}
	}
}
