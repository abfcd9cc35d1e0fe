package lineage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/plan"
)

// Querier runs read-only queries: *pgxpool.Pool, *pgx.Conn and pgx.Tx all
// are one.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Lineage is the history of one row: where it came from, how it was mapped,
// which chunk and run loaded it and which audit entries cover it; for a row
// that was rejected, the rejects instead of the target row.
type Lineage struct {
	Source  Source   `json:"source"`
	Target  Target   `json:"target"`
	Mapping Mapping  `json:"mapping"`
	Chunk   *Chunk   `json:"chunk"` // nil: no ledger range holds the key (unknown chunk)
	Run     *Run     `json:"run"`   // nil when the chunk is unknown
	Audit   []Entry  `json:"audit"`
	Rows    []Row    `json:"rows"`    // the target row(s); empty when rejected
	Rejects []Reject `json:"rejects"` // the row's rejects when it did not load
	// Matched lists, for a table merged on a natural key, every source row
	// the traced row stands for (sluice.legacy_keys).
	Matched []MatchedKey `json:"matched,omitempty"`
	Notes   []string     `json:"notes,omitempty"`
	Traced  time.Time    `json:"traced_at"`
}

// Source is where the row came from.
type Source struct {
	Database string `json:"database"` // the source's name in the config
	Engine   string `json:"engine"`
	// URL is the source's address, redacted. The plan does not hold it: the
	// caller fills it from the config, through sluice.RedactURL.
	URL     string   `json:"url,omitempty"`
	Table   string   `json:"table"`    // the source table
	TableID string   `json:"table_id"` // "<source>.<table>"
	KeyCols []string `json:"key_columns"`
	Key     string   `json:"key"` // the legacy key as sluice.KeyText writes it
	// Page is the row's page key, in PageCols, where the table is not paged
	// by its key: a CSV file's record number. "" otherwise.
	PageCols []string `json:"page_columns,omitempty"`
	Page     string   `json:"page,omitempty"`
}

// Target is the table the row loaded into and the row's identity there.
type Target struct {
	Schema     string `json:"schema"`
	Table      string `json:"table"`
	Keys       string `json:"keys"`           // uuid or keep
	UUID       string `json:"uuid,omitempty"` // the row uuid under keys: uuid
	Generation int    `json:"generation"`
	State      string `json:"state"`
}

// Mapping is how the target row is produced from the source row.
type Mapping struct {
	PlanHash    string   `json:"plan_hash"`    // recorded for the generation in sluice.tables
	CurrentHash string   `json:"current_hash"` // the current config's mapping
	Changed     bool     `json:"changed"`      // the two differ: the columns below are not what loaded the row
	Columns     []Column `json:"columns"`
}

// Column is one target column of the mapping.
type Column struct {
	Name       string  `json:"name"`
	Type       string  `json:"type"`
	Role       string  `json:"role"`
	From       string  `json:"from,omitempty"` // the source column, or the key columns joined by ", "
	References string  `json:"references,omitempty"`
	Default    *string `json:"default,omitempty"`
	// Identity is the table whose row identity a uuid is computed as, when
	// it is another's: the root of a subtype chain ("<source>.<table>").
	Identity string `json:"identity,omitempty"`
}

// Chunk is the ledger row of the chunk that loaded (or rejected) the row.
type Chunk struct {
	No           int       `json:"chunk"`
	Generation   int       `json:"generation"`
	AfterKey     string    `json:"after_key"` // KeyText of the exclusive lower bound; "" for the first chunk
	LastKey      string    `json:"last_key"`  // KeyText of the inclusive upper bound
	RowsRead     int       `json:"rows_read"`
	RowsLoaded   int       `json:"rows_loaded"`
	RowsRejected int       `json:"rows_rejected"`
	RunID        int64     `json:"run_id"`
	CommittedAt  time.Time `json:"committed_at"`
}

// Run is the run that committed the chunk.
type Run struct {
	ID         int64      `json:"run_id"`
	Command    string     `json:"command"`
	Status     string     `json:"status"`
	Message    string     `json:"message,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	OSUser     string     `json:"os_user"`
	Host       string     `json:"host"`
	PID        int        `json:"pid"`
	Version    string     `json:"version"`
}

// Entry is an audit entry that covers the row.
type Entry struct {
	Seq       int64     `json:"seq"`
	Operation string    `json:"operation"`
	RunID     int64     `json:"run_id"`
	At        time.Time `json:"at"`
}

// Row is one target row, its columns in table order.
type Row []Value

// Value is one column of a target row, as PostgreSQL's JSON renders it;
// nil for NULL.
type Value struct {
	Column string  `json:"column"`
	Text   *string `json:"value"`
}

// Reject is a rejected value of the row, from sluice.rejects.
type Reject struct {
	ID         int64     `json:"reject_id"`
	RunID      int64     `json:"run_id"`
	ChunkNo    int       `json:"chunk"`
	Column     string    `json:"column"`
	Raw        *string   `json:"raw"` // nil when the value was NULL
	Reason     string    `json:"reason"`
	RejectedAt time.Time `json:"rejected_at"`
}

// mappingOf lists t's target columns with their source and role.
func mappingOf(t *plan.Table) []Column {
	out := make([]Column, len(t.Columns))
	for i, c := range t.Columns {
		col := Column{Name: c.Name, Type: c.Type, Role: string(c.Role), From: c.Source, Default: c.Default}
		switch c.Role {
		case plan.RoleValue:
		case plan.RoleComputed:
			col.From = c.Expr
		case plan.RoleSource:
			col.From = strconv.Quote(t.Source)
		default:
			col.From = strings.Join(c.KeyColumns, ", ")
		}
		if c.RefTable != "" {
			col.References = c.RefSource + "." + c.RefTable
		}
		if c.IdentityTable != "" {
			col.Identity = c.IdentitySource + "." + c.IdentityTable
		}
		out[i] = col
	}
	return out
}

// note adds a note, unless it is empty.
func (l *Lineage) note(format string, args ...any) {
	if s := fmt.Sprintf(format, args...); s != "" {
		l.Notes = append(l.Notes, s)
	}
}

// short abbreviates a hash for reading.
func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
