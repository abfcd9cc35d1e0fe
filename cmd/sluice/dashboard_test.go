package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
)

// chromium finds the headless browser the dashboard tests drive. Under
// CI=true its absence fails the test (scripts/services.sh installs it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on this machine: scripts/services.sh installs it (apt-get install chromium)")
	}
	t.Skip("no chromium on this machine (apt-get install chromium)")
	return ""
}

// browser starts a headless Chromium for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, chromedp.WindowSize(1400, 1000))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	ctx, cancelTime := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancelTime)
	return ctx
}

// freeAddr is a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs sluice serve on the target and waits until it answers.
func startServe(t *testing.T, in invocation, args ...string) string {
	t.Helper()
	addr := freeAddr(t)
	p := in.start(t, append([]string{"serve", "--addr", addr}, args...)...)
	for range 300 {
		if p.exited() {
			t.Fatalf("sluice serve ended: %s", p.wait())
		}
		if r, err := http.Get("http://" + addr + "/api/estate"); err == nil {
			r.Body.Close()
			return "http://" + addr
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("sluice serve did not answer within 15 s")
	return ""
}

// artifactDir is where the browser tests save screenshots:
// $SLUICE_TEST_ARTIFACTS, else the test's temporary directory.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("SLUICE_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// The dashboard in a real browser, during a demo migration into a fresh
// target: the tables appear, the total progress moves (and never goes
// back), the planted rejects of clinical.Patients open with their rows, and
// a screenshot is saved.
func TestDashboardInABrowserDuringADemo(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	tgt := sluicetest.NewPostgresDB(t)
	url := startServe(t, invocation{dir: t.TempDir()}, "--target", tgt)
	demo := invocation{dir: t.TempDir()}.start(t, "demo", "--rows", "6000", "--dir", "estate", "--target", tgt, "--progress", "none")
	if err := chromedp.Run(ctx, chromedp.Navigate(url+"/")); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	seen := watchProgress(t, ctx, demo)
	if len(seen) < 2 {
		t.Errorf("the total progress did not move during the demo: saw %v", seen)
	}
	if r := demo.wait(); r.code != 0 {
		t.Fatalf("the demo failed: %s", r)
	}
	var rejectRows int
	err := chromedp.Run(ctx,
		chromedp.WaitVisible(`tr[data-table="clinical.Patients"] button`, chromedp.ByQuery),
		chromedp.Click(`tr[data-table="clinical.Patients"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#reject-rows tr.reject`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#reject-rows tr.reject").length`, &rejectRows))
	if err != nil || rejectRows == 0 {
		t.Fatalf("the rejects of clinical.Patients did not open (%d rows): %v", rejectRows, err)
	}
	shot(t, ctx, "dashboard-rejects.png")
	if err := chromedp.Run(ctx, chromedp.Navigate(url+"/#estate"), chromedp.WaitVisible(`tr[data-table="clinical.Visits"]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the throughput chart arrives with the second request
	shot(t, ctx, "dashboard.png")
}

// watchProgress reads the total line while the demo runs (it migrates
// twice) and returns the distinct rows-read counts it showed, failing if
// one went down within a run.
func watchProgress(t *testing.T, ctx context.Context, demo *process) []int64 {
	t.Helper()
	var seen []int64
	lastRun := ""
	for !demo.exited() {
		var text, run string
		_ = chromedp.Run(ctx,
			chromedp.Evaluate(`(document.getElementById("total") || {}).textContent || ""`, &text),
			chromedp.Evaluate(`(document.querySelector("#summary div") || {}).textContent || ""`, &run))
		run, _, _ = strings.Cut(run, "(")
		if n, ok := rowsRead(text); ok && (len(seen) == 0 || n != seen[len(seen)-1]) {
			if len(seen) > 0 && n < seen[len(seen)-1] && run == lastRun {
				t.Errorf("the total progress of %s went back from %d to %d rows read", run, seen[len(seen)-1], n)
			}
			seen = append(seen, n)
		}
		lastRun = run
		time.Sleep(250 * time.Millisecond)
	}
	return seen
}

// rowsRead reads "... 12,345 of 60,000 rows read ..." from the total line.
func rowsRead(text string) (int64, bool) {
	before, _, ok := strings.Cut(text, " of ")
	if !ok {
		return 0, false
	}
	f := strings.Fields(before)
	if len(f) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(f[len(f)-1], ",", ""), 10, 64)
	return n, err == nil
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(artifactDir(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// A table name and a rejected value shaped like markup reach the page as
// text: no element is created from them and no script of theirs runs.
func TestDashboardShowsHostileNamesAsText(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	tgt := sluicetest.NewPostgresDB(t)
	const name = `x.<img src=x onerror="window.__xss=1">`
	const value = `<script>window.__xss=2</script><b>bold</b>`
	hostileState(t, tgt, name, value)
	url := startServe(t, invocation{dir: t.TempDir()}, "--target", tgt)
	var xss bool
	var cell, raw string
	var imgs, bolds int
	sel := fmt.Sprintf(`tr[data-table=%q] button`, name)
	err := chromedp.Run(ctx, chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(sel, chromedp.ByQuery),
		chromedp.Text(`#tables tbody td`, &cell, chromedp.ByQuery),
		chromedp.Click(sel, chromedp.ByQuery),
		chromedp.WaitVisible(`#reject-rows tr.reject`, chromedp.ByQuery),
		chromedp.Text(`#reject-rows tr.reject td.raw`, &raw, chromedp.ByQuery),
		chromedp.Evaluate(`window.__xss !== undefined`, &xss),
		chromedp.Evaluate(`document.querySelectorAll("main img").length`, &imgs),
		chromedp.Evaluate(`document.querySelectorAll("main b").length`, &bolds))
	if err != nil {
		t.Fatal(err)
	}
	if xss || imgs != 0 || bolds != 0 {
		t.Errorf("markup from the data became elements or ran (script ran: %v, img: %d, b: %d)", xss, imgs, bolds)
	}
	if cell != name || raw != value {
		t.Errorf("the page shows %q and %q, want the literal %q and %q", cell, raw, name, value)
	}
}

// hostileState writes a state schema with one table of the given name and
// one reject of the given raw value.
func hostileState(t *testing.T, url, name, value string) {
	t.Helper()
	ctx := context.Background()
	tg, err := target.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if err := tg.EnsureState(ctx); err != nil {
		t.Fatal(err)
	}
	err = tg.BeginTable(ctx, target.TableState{ID: name, Source: "x", SourceTable: name[2:], TargetSchema: "public",
		TargetTable: "t", Generation: 1, State: target.StateLoading, RowsEstimated: 10})
	if err != nil {
		t.Fatal(err)
	}
	conn := pgConn(t, url)
	if _, err := conn.Exec(ctx, `UPDATE sluice.tables SET rows_rejected = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO sluice.rejects (table_id, generation, chunk_no, row_key, column_name, raw_text, reason)
		VALUES ($1, 1, 1, '1', 'c', $2, 'a reason')`, name, value); err != nil {
		t.Fatal(err)
	}
}

// sluice serve listens beyond loopback only with a token.
func TestServeBeyondLoopbackNeedsAToken(t *testing.T) {
	t.Parallel()
	r := runSluice(t, "serve", "--addr", "0.0.0.0:0", "--target", "postgres://nobody@127.0.0.1:1/none")
	wantCode(t, r, 2)
	if !strings.Contains(r.stderr, "give a token with --token or $SLUICE_SERVE_TOKEN") {
		t.Errorf("serve on 0.0.0.0 without a token:\n%s", r)
	}
}

// sluice serve answers /metrics beside the dashboard and, with
// --metrics-addr, on a listener of its own.
func TestServeMetrics(t *testing.T) {
	t.Parallel()
	tgt := sluicetest.NewPostgresDB(t)
	hostileState(t, tgt, "x.T", "v")
	maddr := freeAddr(t)
	url := startServe(t, invocation{dir: t.TempDir()}, "--target", tgt, "--metrics-addr", maddr)
	for _, u := range []string{url + "/metrics", "http://" + maddr + "/metrics"} {
		m, ok := scrape(u)
		l := `{database="` + dbName(tgt) + `",table="x.T"}`
		if !ok || m[`sluice_state_up{database="`+dbName(tgt)+`"}`] != 1 || m["sluice_rows_rejected_total"+l] != 1 {
			t.Errorf("%s: up %v, rejected %v", u, m[`sluice_state_up{database="`+dbName(tgt)+`"}`], m["sluice_rows_rejected_total"+l])
		}
	}
}

// The live sync section shows a streaming source (its hostile name as
// text), which side is authoritative after a switched cutover, and the
// readiness list.
func TestDashboardShowsLiveSync(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	tgt := sluicetest.NewPostgresDB(t)
	const source = `<img src=x onerror="window.__xss=3">`
	streamingState(t, tgt, source)
	url := startServe(t, invocation{dir: t.TempDir()}, "--target", tgt)
	var xss bool
	var cell, side, phase string
	var imgs, checks int
	sel := fmt.Sprintf(`#streams tr[data-source=%q] td`, source)
	err := chromedp.Run(ctx, chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(sel, chromedp.ByQuery),
		chromedp.Text(sel, &cell, chromedp.ByQuery),
		chromedp.Text(`#authoritative`, &side, chromedp.ByQuery),
		chromedp.Text(`#cutover-phase`, &phase, chromedp.ByQuery),
		chromedp.WaitVisible(`#lag svg circle`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#readiness > li").length`, &checks),
		chromedp.Evaluate(`window.__xss !== undefined`, &xss),
		chromedp.Evaluate(`document.querySelectorAll("main img").length`, &imgs))
	if err != nil {
		t.Fatal(err)
	}
	if cell != source || xss || imgs != 0 {
		t.Errorf("the source shows as %q (script ran: %v, img: %d), want the literal %q", cell, xss, imgs, source)
	}
	if !strings.EqualFold(side, target.SideTarget) || phase != target.PhaseSwitched || checks != 6 {
		t.Errorf("authoritative %q, phase %q, %d readiness checks; want target, switched, 6", side, phase, checks)
	}
	shot(t, ctx, "dashboard-sync.png")
}

// streamingState writes a state schema whose source streams one applied
// batch and whose cutover switched to the target.
func streamingState(t *testing.T, url, source string) {
	t.Helper()
	ctx := context.Background()
	tg, err := target.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if err := tg.EnsureState(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := pgConn(t, url).Exec(ctx, "CREATE TABLE t (id bigint PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	err = tg.BeginTable(ctx, target.TableState{ID: source + ".T", Source: source, SourceTable: "T", TargetSchema: "public",
		TargetTable: "t", Generation: 1, State: target.StateDone})
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.StartStream(ctx, 0, source, "cap", "0/0", nil); err != nil {
		t.Fatal(err)
	}
	_, err = tg.ApplyBatch(ctx, target.StreamBatch{Source: source, From: "0/0", To: "0/10", Transactions: 1,
		SourceTime: time.Now().Add(-time.Second), Changes: []target.RowChange{{TableID: source + ".T", Schema: "public",
			Table: "t", Op: target.OpInsert, Key: []string{"id"}, Columns: []string{"id"}, Values: []any{int64(1)}, Position: "0/10"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.SetStreamState(ctx, 0, source, target.StreamStreaming, ""); err != nil {
		t.Fatal(err)
	}
	c, err := tg.BeginCutover(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tg.CutoverStep(ctx, c.ID, 0, target.CutoverStep{Phase: target.PhaseSwitched, Authoritative: target.SideTarget}); err != nil {
		t.Fatal(err)
	}
}
