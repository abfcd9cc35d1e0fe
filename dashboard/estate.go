package dashboard

import (
	"context"
	"net/http"
	"time"

	"github.com/sluicedb/sluice/target"
)

// estateView is the whole estate: every target database with its latest
// run and its tables.
type estateView struct {
	GeneratedAt time.Time `json:"generated_at"`
	Sources     []Source  `json:"sources"`
	Databases   []dbView  `json:"databases"`
}

type dbView struct {
	Name       string      `json:"name"`
	URL        string      `json:"url"`
	Error      string      `json:"error,omitempty"`
	Run        *runView    `json:"run"`
	Tables     []tableView `json:"tables"`
	Retired    []string    `json:"retired"`
	Total      totalView   `json:"total"`
	ReadPerSec float64     `json:"read_per_second"` // over the last minute, from the ledger
}

type runView struct {
	ID         int64      `json:"id"`
	Command    string     `json:"command"`
	Status     string     `json:"status"`
	ConfigHash string     `json:"config_hash"`
	User       string     `json:"user"`
	Host       string     `json:"host"`
	PID        int        `json:"pid"`
	Version    string     `json:"version"`
	Message    string     `json:"message"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
}

// tableView uses the words of docs/METRICS.md: written is what Sluice
// calls loaded (inserted + updated).
type tableView struct {
	ID          string  `json:"id"`
	Source      string  `json:"source"`
	Target      string  `json:"target"`
	State       string  `json:"state"`
	Message     string  `json:"message"`
	SourceRows  int64   `json:"source_rows"`
	Counted     bool    `json:"counted"` // source_rows is the source's count, not the estimate
	Read        int64   `json:"read"`
	Written     int64   `json:"written"`
	Inserted    int64   `json:"inserted"`
	Updated     int64   `json:"updated"`
	Unchanged   int64   `json:"unchanged"`
	Rejected    int64   `json:"rejected"`
	Filtered    int64   `json:"filtered"`
	Deleted     int64   `json:"deleted"`
	ChunksDone  int     `json:"chunks_done"`
	ChunksTotal int     `json:"chunks_estimated"`
	Progress    float64 `json:"progress"` // 0..1
	UpdatedAt   string  `json:"updated_at"`
	RunID       int64   `json:"run_id"` // the run that last began or wrote it
}

type totalView struct {
	Rows       int64          `json:"rows"` // the denominator: every table's source rows, or estimate
	Read       int64          `json:"read"`
	Written    int64          `json:"written"`
	Rejected   int64          `json:"rejected"`
	Progress   float64        `json:"progress"`
	ETASeconds float64        `json:"eta_seconds"` // -1: unknown
	Tables     map[string]int `json:"tables"`      // by state
}

func (s *server) estate(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	v := estateView{GeneratedAt: time.Now().UTC(), Sources: s.sourcesOf(ctx), Databases: []dbView{}}
	for _, db := range s.dbs {
		v.Databases = append(v.Databases, readDB(ctx, db))
	}
	writeJSON(w, v)
}

func readDB(ctx context.Context, db Database) dbView {
	v := dbView{Name: db.Name, URL: db.URL, Tables: []tableView{}, Retired: []string{}}
	st, err := db.Target.Status(ctx)
	if err != nil {
		v.Error = err.Error()
		return v
	}
	if st.Run != nil {
		rv := viewRun(*st.Run)
		v.Run = &rv
	}
	for _, t := range st.Tables {
		v.Tables = append(v.Tables, viewTable(t))
	}
	for _, t := range st.Retired {
		v.Retired = append(v.Retired, t.ID)
	}
	if points, err := db.Target.Throughput(ctx, time.Minute, time.Minute); err == nil {
		for _, p := range points {
			v.ReadPerSec += float64(p.Read) / 60
		}
	}
	var runID int64
	if v.Run != nil {
		runID = v.Run.ID
	}
	v.Total = total(v.Tables, runID, v.ReadPerSec)
	return v
}

func viewRun(r target.Run) runView {
	return runView{ID: r.ID, Command: r.Command, Status: r.Status, ConfigHash: r.ConfigHash, User: r.OSUser,
		Host: r.Host, PID: r.PID, Version: r.Version, Message: r.Message, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt}
}

func viewTable(t target.TableState) tableView {
	v := tableView{ID: t.ID, Source: t.Source, Target: t.TargetSchema + "." + t.TargetTable, State: t.State,
		Message: t.Message, SourceRows: t.RowsEstimated, Counted: t.RowsSource != nil, Read: t.RowsRead,
		Written: t.RowsInserted + t.RowsUpdated, Inserted: t.RowsInserted, Updated: t.RowsUpdated,
		Unchanged: t.RowsUnchanged, Rejected: t.RowsRejected, Filtered: t.RowsFiltered, Deleted: t.RowsDeleted,
		ChunksDone: t.ChunksDone, ChunksTotal: t.ChunksEstimated, UpdatedAt: t.UpdatedAt.UTC().Format(time.RFC3339),
		RunID: t.RunID}
	if t.RowsSource != nil {
		v.SourceRows = *t.RowsSource
	}
	v.Progress = progressOf(v)
	return v
}

// progressOf is the share of the table's rows accounted for; a table past
// loading has them all, whatever the estimate said.
func progressOf(v tableView) float64 {
	switch v.State {
	case target.StateLoaded, target.StateIndexed, target.StateDone:
		return 1
	}
	want := v.SourceRows - v.Filtered
	if want <= 0 {
		return 0
	}
	return min(float64(v.Read)/float64(want), 1)
}

// total adds up the tables of the latest run (all tables when there is
// none): a table an earlier run finished is not part of it, nor one whose
// counters this run has not begun again yet. Its denominator is each
// table's source rows (the estimate until counted) and, once a table has
// read everything, the rows it read; its numerator, rows read, only grows
// within a run.
func total(tables []tableView, runID int64, rate float64) totalView {
	t := totalView{ETASeconds: -1, Tables: map[string]int{}}
	var left int64
	for _, x := range tables {
		t.Tables[x.State]++
		if runID != 0 && x.RunID != runID {
			continue
		}
		rows := max(x.SourceRows-x.Filtered, x.Read)
		if x.Progress == 1 {
			rows = x.Read
		}
		t.Rows += rows
		t.Read += x.Read
		t.Written += x.Written
		t.Rejected += x.Rejected
		left += rows - x.Read
	}
	if t.Rows > 0 {
		t.Progress = float64(t.Read) / float64(t.Rows)
	}
	if rate > 0 {
		t.ETASeconds = float64(left) / rate
	} else if left == 0 {
		t.ETASeconds = 0
	}
	return t
}

// sourcesOf lists the sources: the config's, else those the state schema
// names (without URLs).
func (s *server) sourcesOf(ctx context.Context) []Source {
	if len(s.sources) > 0 {
		return s.sources
	}
	seen := map[string]bool{}
	out := []Source{}
	for _, db := range s.dbs {
		st, err := db.Target.Status(ctx)
		if err != nil {
			continue
		}
		for _, t := range st.Tables {
			if !seen[t.Source] {
				seen[t.Source] = true
				out = append(out, Source{Name: t.Source})
			}
		}
	}
	return out
}
