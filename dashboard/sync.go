package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

// The lag series: the last hour by default, at most a few hundred batches.
const (
	lagMinutes = 60
	lagPoints  = 300
)

// defaultMaxLag is the readiness list's lag threshold when ?max_lag= does
// not say: sluice cutover's --max-lag default.
const defaultMaxLag = 2 * time.Second

// syncView is the live sync section: who is authoritative, the cutover,
// the frozen sources, each source's stream, its lag over time and what the
// state says of a cutover's readiness.
type syncView struct {
	Authoritative string        `json:"authoritative"` // target.SideSources or target.SideTarget
	Cutover       *cutoverView  `json:"cutover"`       // nil: none open
	Frozen        []freezeView  `json:"frozen"`
	Streams       []streamView  `json:"streams"`
	Lag           lagView       `json:"lag"`
	Readiness     readinessView `json:"readiness"`
}

type cutoverView struct {
	ID            int64     `json:"id"`
	Phase         string    `json:"phase"`
	StartedAt     time.Time `json:"started_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	FreezeSeconds float64   `json:"freeze_seconds"` // writes stopped so far (or in all); 0: not frozen
}

type freezeView struct {
	Source   string     `json:"source"`
	Engine   string     `json:"engine"`
	Status   string     `json:"status"` // freezing or frozen
	Position string     `json:"position"`
	Since    time.Time  `json:"since"`
	FrozenAt *time.Time `json:"frozen_at,omitempty"`
}

type streamView struct {
	Source       string            `json:"source"`
	State        string            `json:"state"`
	Message      string            `json:"message,omitempty"`
	Position     string            `json:"position"`
	AppliedAt    time.Time         `json:"applied_at"`
	LagSeconds   float64           `json:"lag_seconds"`
	BehindBytes  int64             `json:"behind_bytes"` // -1: the source cannot tell
	Changes      int64             `json:"changes"`
	Transactions int64             `json:"transactions"`
	PerSecond    float64           `json:"changes_per_second"`
	Rejects      int64             `json:"rejects"`
	Stopped      map[string]string `json:"stopped_tables"` // source table: why it is no longer streamed
}

type lagView struct {
	Minutes int               `json:"minutes"`
	Points  []target.LagPoint `json:"points"`
}

type readinessView struct {
	MaxLagSeconds float64         `json:"max_lag_seconds"`
	Ready         bool            `json:"ready"`
	Items         []readinessItem `json:"items"`
}

type readinessItem struct {
	Check    string   `json:"check"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
}

func check(name string, problems []string) readinessItem {
	return readinessItem{Check: name, OK: len(problems) == 0, Problems: nonNil(problems)}
}

func (s *server) sync(ctx context.Context, _ http.ResponseWriter, r *http.Request, db Database) (any, error) {
	maxLag := defaultMaxLag
	if ms := intParam(r, "max_lag_ms", -1, 24*3600*1000); ms >= 0 {
		maxLag = time.Duration(ms) * time.Millisecond
	}
	v := syncView{Authoritative: target.SideSources, Frozen: []freezeView{}, Streams: []streamView{}}
	if err := s.readCutover(ctx, db.Target, &v); err != nil {
		return nil, err
	}
	streams, err := db.Target.Streams(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range streams {
		stops, err := db.Target.StreamStops(ctx, st.Source)
		if err != nil {
			return nil, err
		}
		v.Streams = append(v.Streams, newStreamView(st, stops))
	}
	points, err := db.Target.LagSeries(ctx, lagMinutes*time.Minute, lagPoints)
	if err != nil {
		return nil, err
	}
	v.Lag = lagView{Minutes: lagMinutes, Points: nonNil(points)}
	v.Readiness, err = readiness(ctx, db.Target, v.Streams, maxLag)
	return v, err
}

// readCutover fills the authoritative side, the open cutover and the
// frozen sources.
func (s *server) readCutover(ctx context.Context, tg *target.Target, v *syncView) error {
	c, open, err := tg.OpenCutover(ctx)
	if err != nil {
		return err
	}
	if open {
		v.Authoritative = c.Authoritative
		v.Cutover = &cutoverView{ID: c.ID, Phase: c.Phase, StartedAt: c.Started, UpdatedAt: c.Updated,
			FreezeSeconds: c.FreezeDuration().Seconds()}
	}
	freezes, err := tg.OpenFreezes(ctx)
	if err != nil {
		return err
	}
	for _, f := range freezes {
		fv := freezeView{Source: f.Source, Engine: f.Engine, Status: f.Status, Position: f.Position, Since: f.Started}
		if !f.Frozen.IsZero() {
			fv.FrozenAt = &f.Frozen
		}
		v.Frozen = append(v.Frozen, fv)
	}
	return nil
}

func newStreamView(st target.Stream, stops map[string]string) streamView {
	if stops == nil {
		stops = map[string]string{}
	}
	return streamView{Source: st.Source, State: st.State, Message: st.Message, Position: st.Position,
		AppliedAt: st.AppliedAt, LagSeconds: st.Lag(time.Now()).Seconds(), BehindBytes: st.BehindBytes, Changes: st.Changes,
		Transactions: st.Transactions, PerSecond: st.ApplyRate(), Rejects: st.Rejects, Stopped: stops}
}

// readiness is the part of sluice cutover --check that the state alone can
// answer; the rest (the sources' privileges to freeze and to take writes
// back, their capture settings) needs the sources.
func readiness(ctx context.Context, tg *target.Target, streams []streamView, maxLag time.Duration) (readinessView, error) {
	health, err := tg.SyncHealth(ctx)
	if err != nil {
		return readinessView{}, err
	}
	verified, err := tg.LatestVerify(ctx)
	if err != nil {
		return readinessView{}, err
	}
	items := []readinessItem{
		check("every source's stream is streaming or caught up", streamProblems(streams)),
		check("no table stopped streaming", stopProblems(streams)),
		check(fmt.Sprintf("the lag is under %s", maxLag), lagProblems(streams, maxLag)),
		check("no table failed", failedProblems(health.FailedTables)),
		check("no open manual conflict", conflictProblems(health.OpenConflicts)),
		check("the last verification is clean", verifyProblems(verified)),
	}
	ready := true
	for _, it := range items {
		ready = ready && it.OK
	}
	return readinessView{MaxLagSeconds: maxLag.Seconds(), Ready: ready, Items: items}, nil
}

func streamProblems(streams []streamView) []string {
	if len(streams) == 0 {
		return []string{"no source has a stream: run sluice sync"}
	}
	var out []string
	for _, s := range streams {
		switch s.State {
		case target.StreamStreaming, target.StreamCaughtUp:
		case target.StreamFailed:
			out = append(out, fmt.Sprintf("source %s: its stream failed: %s; fix it and run sluice sync", s.Source, s.Message))
		case target.StreamCopying:
			out = append(out, fmt.Sprintf("source %s: its initial copy has not finished; let sluice sync finish it", s.Source))
		default:
			out = append(out, fmt.Sprintf("source %s: its stream is %s; run sluice sync", s.Source, s.State))
		}
	}
	return out
}

func stopProblems(streams []streamView) []string {
	var out []string
	for _, s := range streams {
		tables := make([]string, 0, len(s.Stopped))
		for t := range s.Stopped {
			tables = append(tables, t)
		}
		sort.Strings(tables)
		for _, t := range tables {
			out = append(out, fmt.Sprintf("%s is not streamed (%s); rerun sluice migrate for it, then sync", t, s.Stopped[t]))
		}
	}
	return out
}

func lagProblems(streams []streamView, maxLag time.Duration) []string {
	var out []string
	for _, s := range streams {
		if lag := time.Duration(s.LagSeconds * float64(time.Second)); lag > maxLag {
			out = append(out, fmt.Sprintf("source %s: the stream lags %s behind; let sluice sync catch up", s.Source, lag.Round(time.Millisecond)))
		}
	}
	return out
}

func failedProblems(tables []string) []string {
	var out []string
	for _, t := range tables {
		out = append(out, t+" failed; run sluice migrate again")
	}
	return out
}

func conflictProblems(open int64) []string {
	if open == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%d conflicts wait for a person; settle them with sluice conflicts resolve", open)}
}

// verifyProblems wants a latest result and none that failed or could not
// run, as cutover --check does (which also wants every planned table
// verified: the dashboard has no plan).
func verifyProblems(results []target.VerifyResult) []string {
	if len(results) == 0 {
		return []string{"nothing was verified; run sluice verify"}
	}
	var out []string
	for _, r := range results {
		if r.Status == verify.StatusFailed || r.Status == verify.StatusSkipped {
			out = append(out, fmt.Sprintf("%s level %d: %s (%d findings) at its last verification; run sluice verify after fixing it",
				r.TableID, r.Level, r.Status, r.Findings))
		}
	}
	return out
}
