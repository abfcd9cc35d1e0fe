package migrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// One table that cannot load does not stop the estate: its error is
// table-local, the table is marked failed with the reason, and the other
// tables go on to the end. What stops the run is what no other table could
// get past either: an interruption, a target that cannot be reached, or a
// source still unreachable after the retries.

// NotStartedError ends a table that waited for another (an earlier part of
// its merged table, a matched table its references look up) which failed:
// it read nothing.
type NotStartedError struct {
	Table, Waits string
}

func (e *NotStartedError) Error() string {
	return fmt.Sprintf("%s not started: it waits for %s, which failed", e.Table, e.Waits)
}

// tableLocal reports whether err, which ended one table, concerns only that
// table.
func (r *runner) tableLocal(ctx context.Context, err error) bool {
	var conn *sluice.ConnectError
	switch {
	case err == nil, ctx.Err() != nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.As(err, new(*NotStartedError)), errors.As(err, new(*sluice.ValidationError)):
		return true
	case sluice.IsTransient(err), errors.As(err, &conn), errors.As(err, new(*sluice.UnreachableError)), lostConnection(err):
		return false
	}
	return r.targetAlive(ctx)
}

// lostConnection recognises a target or source connection that broke: an
// I/O error, or a server that shut down, ran out of resources or failed.
func lostConnection(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code[:2] {
		case "08", "53", "57", "58", "XX": // connection, resources, operator intervention, system, internal
			return true
		}
		return false
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	return errors.As(err, &ne) || errors.As(err, &ce) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.Timeout(err)
}

// unreachable reports a database that stayed out of reach through the
// retries: it is no finding about the data.
func unreachable(err error) bool {
	return errors.As(err, new(*sluice.UnreachableError)) || sluice.IsTransient(err) || lostConnection(err)
}

// targetAlive checks that the target still answers, so that an error the
// driver did not type as a lost connection is not blamed on a table.
func (r *runner) targetAlive(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return r.tgt.Pool().Ping(ctx) == nil
}

// dataError reports an error of the rows themselves: a value or a key the
// target refuses (SQLSTATE classes 22 and 23), as opposed to a statement
// that failed for another reason.
func dataError(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (strings.HasPrefix(pg.Code, "22") || strings.HasPrefix(pg.Code, "23"))
}

// isolate records a table-local failure: the table is failed with its
// reason (a rerun loads it again in a new generation), or, when it never
// started, pending with the reason. It returns the result to report and
// the error the run ends with for it (nil for a table that did not start:
// the table it waited for already accounts for the run's failure).
func (r *runner) isolate(ctx context.Context, j *job, res TableResult, err error) (TableResult, error) {
	ctx = context.WithoutCancel(ctx)
	t := j.table
	var ns *NotStartedError
	if errors.As(err, &ns) {
		res.NotStarted = "waits for " + ns.Waits + ", which failed"
		_ = r.tgt.SetTableState(ctx, t.ID, j.generation, target.StatePending, "not started: "+res.NotStarted)
		return res, nil
	}
	res.Failed = err.Error()
	if tot, terr := r.tgt.Totals(ctx, t.ID, j.generation); terr == nil {
		res = withTotals(res, tot) // what its committed chunks hold
	}
	_ = r.tgt.SetTableState(ctx, t.ID, j.generation, target.StateFailed, err.Error())
	if errors.As(err, new(*sluice.ValidationError)) {
		return res, err
	}
	if dataError(err) {
		return res, &sluice.ValidationError{Table: t.ID, Detail: err.Error()}
	}
	return res, fmt.Errorf("table %s failed: %w", t.ID, err)
}

// holds are the target tables whose foreign keys this run does not
// validate: those of tables that failed or did not start (both ways), and
// those to a table loaded without its primary key.
type holds struct {
	failed, keyless map[string]bool
}

func holdsOf(jobs []*job) holds {
	h := holds{failed: map[string]bool{}, keyless: map[string]bool{}}
	for _, j := range jobs {
		switch {
		case j.err != nil:
			h.failed[j.table.Name] = true
		case j.keyless != "":
			h.keyless[j.table.Name] = true
		}
	}
	return h
}

// why a foreign key is held, or "" when it is validated as usual.
func (h holds) why(t *plan.Table, fk plan.ForeignKey) string {
	switch {
	case h.failed[t.Name] && h.failed[fk.RefTable] && t.Name != fk.RefTable:
		return "tables " + t.Name + " and " + fk.RefTable + " did not load"
	case h.failed[t.Name]:
		return "table " + t.Name + " did not load"
	case h.failed[fk.RefTable]:
		return "referenced table " + fk.RefTable + " did not load"
	case h.keyless[fk.RefTable]:
		return "referenced table " + fk.RefTable + " has no primary key (bad_keys: load)"
	}
	return ""
}

// refusal is the target's reason for refusing a statement, without the
// statement, which the caller names.
func refusal(err error) string {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Message
	}
	return err.Error()
}
