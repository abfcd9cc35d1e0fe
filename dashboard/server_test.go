package dashboard

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
)

// newStateTarget opens a fresh target database with its state schema.
func newStateTarget(t *testing.T) (*target.Target, string) {
	t.Helper()
	url := sluicetest.NewPostgresDB(t)
	tg, err := target.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tg.Close)
	if err := tg.EnsureState(context.Background()); err != nil {
		t.Fatal(err)
	}
	return tg, url
}

// newServer serves the dashboard of a fresh target with one table that has
// one reject.
func newServer(t *testing.T, token string) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	tg, url := newStateTarget(t)
	err := tg.BeginTable(ctx, target.TableState{ID: "a.T", Source: "a", SourceTable: "T", TargetSchema: "public",
		TargetTable: "t", Generation: 1, State: target.StateLoading, RowsEstimated: 40})
	if err != nil {
		t.Fatal(err)
	}
	sluicetest.ExecPostgres(t, url, `UPDATE sluice.tables SET rows_read = 10, rows_inserted = 9, rows_rejected = 1;
		INSERT INTO sluice.rejects (table_id, generation, chunk_no, row_key, column_name, raw_text, raw_bytes, reason)
		VALUES ('a.T', 1, 1, '7', 'c', 'caf\xc3(', '\x636166c328', 'invalid UTF-8')`)
	srv := httptest.NewServer(New(Options{Databases: []Database{{Name: "db", URL: "postgres://u:xxxxx@h/db", Target: tg}}, Token: token}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, c *http.Client, url string, header ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	r, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Body.Close() })
	return r
}

// The estate gives each table's counts in the documented words, the
// progress against the estimate, and the rejects page their rows.
func TestEstateAndRejectsAnswerFromTheStateSchema(t *testing.T) {
	t.Parallel()
	srv := newServer(t, "")
	var e estateView
	r := get(t, srv.Client(), srv.URL+"/api/estate")
	if err := json.NewDecoder(r.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	tb := e.Databases[0].Tables[0]
	if tb.Read != 10 || tb.Written != 9 || tb.Rejected != 1 || tb.SourceRows != 40 || tb.Progress != 0.25 {
		t.Errorf("table = %+v", tb)
	}
	if tot := e.Databases[0].Total; tot.Rows != 40 || tot.Read != 10 {
		t.Errorf("total = %+v", tot)
	}
	var page struct{ Rows []rejectRow }
	r = get(t, srv.Client(), srv.URL+"/api/rejects/rows?db=db&table=a.T")
	if err := json.NewDecoder(r.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	if len(page.Rows) != 1 || page.Rows[0].Key != "7" || page.Rows[0].RawHex != "636166c328" {
		t.Errorf("rejects = %+v", page.Rows)
	}
	if r := get(t, srv.Client(), srv.URL+"/api/rejects/rows?db=nope"); r.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown database answers %d", r.StatusCode)
	}
}

// Every answer forbids inline script and sniffing; the page has no inline
// script and loads nothing from another origin.
func TestPageHeadersAndNoInlineScript(t *testing.T) {
	t.Parallel()
	srv := newServer(t, "")
	r := get(t, srv.Client(), srv.URL+"/")
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers: %v", r.Header)
	}
	page, _ := assets.ReadFile("assets/index.html")
	if strings.Contains(string(page), "<script>") || strings.Contains(string(page), "http") {
		t.Errorf("index.html has an inline script or an outside URL")
	}
	js, _ := assets.ReadFile("assets/app.js")
	if strings.Contains(string(js), "innerHTML") {
		t.Errorf("app.js writes markup with innerHTML")
	}
}

// With a token, nothing answers without it; /login sets it as an HttpOnly
// cookie; a bearer token works for API clients.
func TestTokenIsRequiredWhenSet(t *testing.T) {
	t.Parallel()
	srv := newServer(t, "s3cret")
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, path := range []string{"/", "/api/estate", "/app.js", "/login?token=wrong"} {
		if r := get(t, c, srv.URL+path); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without the token: %d", path, r.StatusCode)
		}
	}
	if r := get(t, c, srv.URL+"/api/estate", "Authorization", "Bearer s3cret"); r.StatusCode != http.StatusOK {
		t.Errorf("a bearer token: %d", r.StatusCode)
	}
	r := get(t, c, srv.URL+"/login?token=s3cret")
	cookies := r.Cookies()
	if r.StatusCode != http.StatusSeeOther || len(cookies) != 1 || !cookies[0].HttpOnly {
		t.Fatalf("login: %d %v", r.StatusCode, cookies)
	}
	if r := get(t, c, srv.URL+"/api/estate", "Cookie", cookies[0].Name+"="+cookies[0].Value); r.StatusCode != http.StatusOK {
		t.Errorf("the login cookie: %d", r.StatusCode)
	}
}

// The total is the latest run's: a table an earlier run finished is not in
// it; a finished table's denominator is what it read, so its rows read and
// its share never shrink when the table is counted.
func TestTotalIsTheRunsAndOnlyGrows(t *testing.T) {
	t.Parallel()
	tables := []tableView{
		{ID: "a.Old", State: "done", RunID: 1, Read: 500, Progress: 1},
		{ID: "a.Log", State: "loaded", RunID: 2, SourceRows: 3000, Read: 2414, Progress: 1},
		{ID: "a.Big", State: "loading", RunID: 2, SourceRows: 1000, Read: 100, Progress: 0.1},
	}
	tot := total(tables, 2, 100)
	if tot.Rows != 3414 || tot.Read != 2514 || tot.ETASeconds != 9 || tot.Tables["done"] != 1 {
		t.Errorf("total = %+v, want 2514 of 3414 rows read, ETA 9 s", tot)
	}
}
