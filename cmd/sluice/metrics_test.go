package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// /metrics scraped during a real run (the demo's first migration) gives
// the running run and, for every table that is done, exactly the counts
// the state schema holds; a table's written rows are its inserted plus
// updated rows.
func TestMetricsDuringARun(t *testing.T) {
	t.Parallel()
	tgt := sluicetest.NewPostgresDB(t)
	addr := freeAddr(t)
	demo := invocation{dir: t.TempDir()}.start(t, "demo", "--rows", "6000", "--dir", "estate", "--target", tgt,
		"--progress", "none", "--metrics-addr", addr)
	conn := pgConn(t, tgt)
	checked := 0
	for !demo.exited() && checked == 0 {
		m, ok := scrape("http://" + addr + "/metrics")
		if ok && m[`sluice_run_running{database="`+dbName(tgt)+`"}`] == 1 {
			checked = checkDoneTables(t, m, conn, dbName(tgt))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r := demo.wait(); r.code != 0 {
		t.Fatalf("the demo failed: %s", r)
	}
	if checked == 0 {
		t.Fatal("no scrape during the run saw a finished table")
	}
}

// checkDoneTables compares the scraped counters of every table the scrape
// shows done with the state schema, and returns how many it compared.
func checkDoneTables(t *testing.T, m map[string]float64, conn *pgx.Conn, db string) int {
	t.Helper()
	n := 0
	for _, row := range pgRows(t, conn, `SELECT id || ' ' || rows_read || ' ' || (rows_inserted + rows_updated) || ' ' ||
			rows_unchanged || ' ' || rows_rejected || ' ' || chunks_done FROM sluice.tables WHERE state = 'done'`) {
		f := strings.Fields(row)
		l := fmt.Sprintf(`{database="%s",table="%s"}`, db, f[0])
		if m[`sluice_table_state{database="`+db+`",state="done",table="`+f[0]+`"}`] != 1 {
			continue // done after the scrape: its counters may have moved since
		}
		n++
		for i, name := range []string{"sluice_rows_read_total", "sluice_rows_written_total", "sluice_rows_unchanged_total",
			"sluice_rows_rejected_total", "sluice_chunks_committed_total"} {
			want, _ := strconv.ParseFloat(f[i+1], 64)
			if got, ok := m[name+l]; !ok || got != want {
				t.Errorf("%s%s = %v (present: %v), the state schema says %v", name, l, got, ok, want)
			}
		}
	}
	return n
}

// scrape reads a text exposition into series -> value, labels sorted as
// Prometheus writes them.
func scrape(url string) (map[string]float64, bool) {
	r, err := http.Get(url)
	if err != nil {
		return nil, false
	}
	defer r.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(r.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			out[line[:i]] = v
		}
	}
	return out, r.StatusCode == http.StatusOK
}

// dbName is the database name of a PostgreSQL URL.
func dbName(url string) string {
	rest := url[strings.LastIndexByte(url, '/')+1:]
	name, _, _ := strings.Cut(rest, "?")
	return name
}
