package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sluicedb/sluice/target"
)

// server answers the API: one endpoint per panel, each reading the state
// schema of the database named by ?db= (the first when absent).
type server struct {
	dbs     []Database
	sources []Source
	audits  *auditCache
}

// requestTimeout bounds the reads of one request.
const requestTimeout = 15 * time.Second

func (s *server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/estate", s.estate)
	mux.HandleFunc("GET /api/throughput", s.perDB(s.throughput))
	mux.HandleFunc("GET /api/rejects", s.perDB(s.rejects))
	mux.HandleFunc("GET /api/rejects/rows", s.perDB(s.rejectRows))
	mux.HandleFunc("GET /api/verify", s.perDB(s.verify))
	mux.HandleFunc("GET /api/audit", s.perDB(s.audit))
	mux.HandleFunc("GET /api/audit/export", s.perDB(s.auditExport))
	mux.HandleFunc("GET /api/runs", s.perDB(s.runs))
	mux.HandleFunc("GET /api/sync", s.perDB(s.sync))
}

// dbHandler answers for one database, or returns an error.
type dbHandler func(ctx context.Context, w http.ResponseWriter, r *http.Request, db Database) (any, error)

// perDB finds the database of ?db=, runs h with a bounded context and
// writes its answer as JSON.
func (s *server) perDB(h dbHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		db, ok := s.database(r.URL.Query().Get("db"))
		if !ok {
			http.Error(w, "no such database", http.StatusNotFound)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		v, err := h(ctx, w, r, db)
		if errors.Is(err, target.ErrNoState) {
			v, err = nil, nil
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if v != nil {
			writeJSON(w, v)
		}
	}
}

func (s *server) database(name string) (Database, bool) {
	for _, db := range s.dbs {
		if name == "" || db.Name == name {
			return db, true
		}
	}
	return Database{}, false
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// intParam reads a non-negative integer parameter, def when absent or bad,
// at most most.
func intParam(r *http.Request, name string, def, most int64) int64 {
	n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil || n < 0 {
		return def
	}
	return min(n, most)
}

func (s *server) throughput(ctx context.Context, _ http.ResponseWriter, r *http.Request, db Database) (any, error) {
	minutes := intParam(r, "minutes", 60, 7*24*60)
	step := time.Minute
	if minutes <= 15 {
		step = 10 * time.Second
	}
	points, err := db.Target.Throughput(ctx, time.Duration(minutes)*time.Minute, step)
	return map[string]any{"step_seconds": step.Seconds(), "points": nonNil(points)}, err
}

func (s *server) rejects(ctx context.Context, _ http.ResponseWriter, _ *http.Request, db Database) (any, error) {
	groups, err := db.Target.RejectGroups(ctx, 500)
	return map[string]any{"groups": nonNil(groups)}, err
}

// rejectRow is a reject as the page shows it: the raw value as readable
// text and, when it was bytes, their hex.
type rejectRow struct {
	ID         int64     `json:"id"`
	RunID      int64     `json:"run_id"`
	Key        string    `json:"key"`
	Column     string    `json:"column"`
	RawText    string    `json:"raw_text"`
	RawHex     string    `json:"raw_hex,omitempty"`
	RawNull    bool      `json:"raw_null"`
	Reason     string    `json:"reason"`
	ChunkNo    int       `json:"chunk_no"`
	RejectedAt time.Time `json:"rejected_at"`
}

func (s *server) rejectRows(ctx context.Context, _ http.ResponseWriter, r *http.Request, db Database) (any, error) {
	table := r.URL.Query().Get("table")
	rows, err := db.Target.RejectPage(ctx, table, intParam(r, "after", 0, 1<<62), int(intParam(r, "limit", 50, 500)))
	out := make([]rejectRow, len(rows))
	for i, x := range rows {
		out[i] = rejectRow{ID: x.ID, RunID: x.RunID, Key: x.Key, Column: x.Column, RawText: x.RawText,
			RawNull: x.RawNull, Reason: x.Reason, ChunkNo: x.ChunkNo, RejectedAt: x.RejectedAt}
		if x.RawBytes != nil {
			out[i].RawHex = hexOf(x.RawBytes, 256)
		}
	}
	return map[string]any{"table": table, "rows": out}, err
}

func (s *server) verify(ctx context.Context, _ http.ResponseWriter, _ *http.Request, db Database) (any, error) {
	results, err := db.Target.LatestVerify(ctx)
	return map[string]any{"results": nonNil(results)}, err
}

func (s *server) runs(ctx context.Context, _ http.ResponseWriter, r *http.Request, db Database) (any, error) {
	runs, err := db.Target.Runs(ctx, int(intParam(r, "limit", 50, 1000)), int(intParam(r, "offset", 0, 1<<30)))
	out := make([]runView, len(runs))
	for i, x := range runs {
		out[i] = viewRun(x)
	}
	return map[string]any{"runs": out}, err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func hexOf(b []byte, most int) string {
	const digits = "0123456789abcdef"
	n := min(len(b), most)
	out := make([]byte, 0, 2*n+1)
	for _, c := range b[:n] {
		out = append(out, digits[c>>4], digits[c&15])
	}
	if len(b) > most {
		out = append(out, "..."...)
	}
	return string(out)
}
