package plan

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// The plan estimates each chunk's rows and memory from the source's average
// row size, and warns when chunk_bytes, not chunk_rows, will end the chunks
// or when one row alone passes the budget.
func TestMemoryEstimate(t *testing.T) {
	cases := []struct {
		name     string
		rowBytes int64
		chunks   int    // of 100,000 rows
		warning  string // a part of the warning; "" for none
		line     string // a part of the rendered table; "" for no memory line
	}{
		{"no estimate", 0, 5, "", ""},
		{"narrow", 200, 5, "", "rows ~200 B each: ~20,000 rows and ~3.8 MiB a chunk (chunk_bytes 16MiB)"},
		{"wide", 4096, 25, "rows average 4.0 KiB: chunks end at chunk_bytes (16MiB) after about 4,097 rows, before chunk_rows (20,000)", "~4,097 rows and ~16.0 MiB a chunk"},
		{"larger than the budget", 32 << 20, 100000, "rows average 32.0 MiB, at least chunk_bytes (16MiB): each chunk holds one row", "~1 rows and ~32.0 MiB a chunk"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sch := &sluice.Schema{Source: "clinic", Engine: "mysql", Tables: []sluice.Table{{
				Name:       "Notes",
				Columns:    []sluice.Column{col("NoteID", intT("int(11)", 32, false), false), col("Body", sluice.Type{Kind: sluice.KindText, Raw: "longtext"}, true)},
				PrimaryKey: []string{"NoteID"}, Rows: 100_000, RowBytes: c.rowBytes,
			}}}
			d := uuidDefaults()
			d.ChunkRows, d.ChunkBytes = config.DefaultChunkRows, 16<<20
			cfg := &config.Config{File: "sluice.yaml", Version: 1, Sources: []config.Source{{Name: "clinic", URL: "mysql://h/clinic"}},
				Target: config.Target{URL: "postgres://pg/x", Schema: "public"}, Defaults: d}
			p, err := Build(cfg, []*sluice.Schema{sch})
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Table("clinic.Notes").Chunks; got != c.chunks {
				t.Errorf("chunks = %d, want %d", got, c.chunks)
			}
			var warned []string
			for _, w := range p.Warnings {
				if strings.Contains(w.Message, "chunk_bytes") {
					warned = append(warned, w.Message)
				}
			}
			if c.warning == "" && len(warned) > 0 || c.warning != "" && (len(warned) != 1 || !strings.Contains(warned[0], c.warning)) {
				t.Errorf("memory warnings %q, want one holding %q", warned, c.warning)
			}
			var out bytes.Buffer
			if err := p.Render(&out); err != nil {
				t.Fatal(err)
			}
			has := strings.Contains(out.String(), "a chunk (chunk_bytes")
			if c.line == "" && has || c.line != "" && !strings.Contains(out.String(), c.line) {
				t.Errorf("plan output does not show %q:\n%s", c.line, out.String())
			}
		})
	}
}
