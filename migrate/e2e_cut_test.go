package migrate_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/fault"
)

// bigRows is the size of the table the connection cut tests read.
const bigRows = 50000

// bigTableScript makes bigRows rows of about 120 bytes, from a cross join
// of digits so that it needs no extra table or recursion setting.
func bigTableScript() string {
	digits := "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 " +
		"UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)"
	var from []string
	for _, a := range []string{"a", "b", "c", "d", "e"} {
		from = append(from, digits+" "+a)
	}
	return fmt.Sprintf(`CREATE TABLE big (id int PRIMARY KEY, pad varchar(200) NOT NULL, amount decimal(12,2));
INSERT INTO big
SELECT a.d + 10*b.d + 100*c.d + 1000*d.d + 10000*e.d + 1, REPEAT(CHAR(97 + a.d), 100 + b.d), (c.d * 100 + a.d) / 100
FROM %s WHERE e.d < %d;`, strings.Join(from, " CROSS JOIN "), bigRows/10000)
}

var quickRetry = migrate.Retry{Attempts: 5, Wait: 10 * time.Millisecond, MaxWait: 100 * time.Millisecond}

// TestConnectionCut cuts every source connection while the run reads from
// MySQL through a proxy: while a chunk streams in, and while the run counts
// the source rows to reconcile them. The run must ride out the cut and
// finish with every row exactly once.
func TestConnectionCut(t *testing.T) {
	t.Parallel()
	direct := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, direct, bigTableScript())
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	newCutEnv := func(t *testing.T) (*env, *fault.Proxy) {
		proxy := fault.New(t, u.Host)
		return newEnv(t, fmt.Sprintf(`version: 1
sources:
  legacy: {url: %q}
target: {url: %q}
defaults: {chunk_rows: 2000}
`, proxy.Via(t, direct), sluicetest.NewPostgresDB(t))), proxy
	}
	t.Run("mid_chunk", func(t *testing.T) {
		t.Parallel()
		e, proxy := newCutEnv(t)
		p := &probe{onChunk: func(_ string, n int64) {
			if n == 1 {
				proxy.CutAfter(64 << 10) // well inside the next chunk's ~240 KB
			}
		}}
		checkRodeOut(t, e, proxy, p)
	})
	t.Run("count", func(t *testing.T) {
		t.Parallel()
		e, proxy := newCutEnv(t)
		var once sync.Once
		e.srcs["legacy"] = countHook{Source: e.srcs["legacy"], before: func(string) {
			once.Do(func() { proxy.CutAfter(0) }) // the count's reply never arrives
		}}
		checkRodeOut(t, e, proxy, &probe{})
	})
}

// checkRodeOut runs the migration, which must see one cut, retry, and load
// every row once.
func checkRodeOut(t *testing.T, e *env, proxy *fault.Proxy, p *probe) {
	t.Helper()
	sum, err := e.run(context.Background(), migrate.Options{Observer: p, Retry: quickRetry})
	if err != nil {
		st, _ := e.tgt.TableState(context.Background(), "legacy.big")
		t.Fatalf("run the migration: %v (%d cuts; table state afterwards: %s)", err, proxy.Cuts(), st.State)
	}
	if proxy.Cuts() != 1 || p.retries.Load() < 1 {
		t.Fatalf("%d cuts, %d retries; want one cut and a retry", proxy.Cuts(), p.retries.Load())
	}
	t.Logf("retried after: %v", p.errs[0])
	r := sum.Tables[0]
	if r.SourceRows != bigRows || r.Read != bigRows || r.Loaded != bigRows || r.Rejected != 0 {
		t.Errorf("result %+v, want %d rows read and loaded", r, bigRows)
	}
	if n := e.int64(t, "SELECT count(DISTINCT id) FROM big"); n != bigRows {
		t.Errorf("big holds %d distinct ids, want %d", n, bigRows)
	}
	checkLedger(t, e, "legacy.big", bigRows)
	compareTable(t, e, e.table(t, "big"))
}
