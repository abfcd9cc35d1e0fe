package target

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/dburl"
	"github.com/sluicedb/sluice/retry"
)

// Target is a connection pool to the target database.
type Target struct {
	pool   *pgxpool.Pool
	where  string // "target <redacted URL>", for messages
	retry  retry.Policy
	notify retry.Notify

	runsMu      sync.Mutex
	runSessions map[int64]*pgx.Conn // the sessions that hold the locks of this process's runs
}

// Open connects to the target database at rawURL and checks that it answers.
// Failures are a *sluice.ConnectError that carries the redacted URL only.
func Open(ctx context.Context, rawURL string) (*Target, error) {
	return open(ctx, rawURL, func(cfg *pgxpool.Config) {
		nameSession(cfg)
		tuneSession(cfg)
	})
}

// OpenReadOnly connects as Open does, with every transaction read-only:
// for readers (trace) that must not write, whatever they run.
func OpenReadOnly(ctx context.Context, rawURL, app string) (*Target, error) {
	return open(ctx, rawURL, func(cfg *pgxpool.Config) {
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
		cfg.ConnConfig.RuntimeParams["application_name"] = app
	})
}

func open(ctx context.Context, rawURL string, configure func(*pgxpool.Config)) (*Target, error) {
	where := "target " + sluice.RedactURL(rawURL)
	if err := dburl.Check(rawURL); err != nil {
		return nil, fmt.Errorf("target: bad URL %s: %w", sluice.RedactURL(rawURL), err)
	}
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, &sluice.ConnectError{Where: where, Err: err}
	}
	configure(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, &sluice.ConnectError{Where: where, Err: err}
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, &sluice.ConnectError{Where: where, Err: explainConnect(cfg.ConnConfig.Database, err)}
	}
	return &Target{pool: pool, where: where, retry: retry.Default}, nil
}

// nameSession sets application_name, unless the URL sets one, so that a
// second sluice finding the migration lock taken can say who holds it.
func nameSession(cfg *pgxpool.Config) {
	if _, set := cfg.ConnConfig.RuntimeParams["application_name"]; set {
		return
	}
	host, _ := os.Hostname()
	cfg.ConnConfig.RuntimeParams["application_name"] = fmt.Sprintf("sluice pid=%d host=%s", os.Getpid(), host)
}

// tuneSession turns off synchronous commit for Sluice's sessions, unless
// the URL sets it. Chunk commits then do not each wait for a WAL flush. This
// is safe for exactly-once: a chunk's rows and its ledger row are one
// transaction, so a server crash loses both or neither, and a rerun reloads
// what was lost. The end of a run (Session.End) commits synchronously, which
// flushes every earlier commit before a run is reported finished (and its
// audit head anchored).
func tuneSession(cfg *pgxpool.Config) {
	setDefault(cfg, "synchronous_commit", "off")
	// Index builds after the data sort millions of keys: in memory rather
	// than in temporary files they are several times faster.
	setDefault(cfg, "maintenance_work_mem", "256MB")
	// A rollback after cutover freezes the target database (ALTER DATABASE
	// ... SET default_transaction_read_only): Sluice's own sessions must
	// still write its state there.
	setDefault(cfg, "default_transaction_read_only", "off")
}

// setDefault sets a session parameter unless the URL sets it.
func setDefault(cfg *pgxpool.Config, name, value string) {
	if _, set := cfg.ConnConfig.RuntimeParams[name]; !set {
		cfg.ConnConfig.RuntimeParams[name] = value
	}
}

// explainConnect names the database when it is the database that is missing,
// the usual mistake with a fresh target.
func explainConnect(database string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "3D000" {
		return fmt.Errorf("database %q does not exist (create it first): %w", database, err)
	}
	return err
}

// Where names the target and its redacted address, for messages.
func (t *Target) Where() string { return t.where }

// SetRetry sets how the target's writes and state reads retry transient
// errors (see package retry; the zero Policy is retry.Default), and who
// hears each retry (nil: nobody). Call it before the target is used.
func (t *Target) SetRetry(p retry.Policy, notify retry.Notify) {
	t.retry, t.notify = p.OrDefault(), notify
}

// Pool is the connection pool, for readers that query the migrated tables
// themselves (verify, lineage).
func (t *Target) Pool() *pgxpool.Pool { return t.pool }

// Close closes every connection of the pool, and the sessions of runs
// never finished (their runs then read as interrupted).
func (t *Target) Close() {
	t.runsMu.Lock()
	ids := make([]int64, 0, len(t.runSessions))
	for id := range t.runSessions {
		ids = append(ids, id)
	}
	t.runsMu.Unlock()
	for _, id := range ids {
		t.releaseRun(id)
	}
	t.pool.Close()
}

// Exec runs each statement in order, outside any transaction, and stops at
// the first that fails. A statement may hold several SQL commands. Each is
// tried again after a transient error, so each must be idempotent (IF NOT
// EXISTS, VALIDATE CONSTRAINT), or a DDL statement whose object exists when
// the try before it committed (ADD CONSTRAINT): on a retry, "already
// exists" counts as done.
func (t *Target) Exec(ctx context.Context, stmts ...string) error {
	for _, stmt := range stmts {
		if err := t.execOnce(ctx, stmt); err != nil {
			if errors.As(err, new(*sluice.UnreachableError)) {
				return fmt.Errorf("execute %q: %w", firstLine(stmt), err) // which names the target
			}
			return fmt.Errorf("execute %q on %s: %w", firstLine(stmt), t.where, err)
		}
	}
	return nil
}

func (t *Target) execOnce(ctx context.Context, stmt string) error {
	tries := 0
	return t.do(ctx, func() error {
		tries++
		_, err := t.pool.Exec(ctx, stmt)
		switch {
		case tries > 1 && existsAlready(err):
			return nil
		case catalogRace(err):
			return &sluice.TransientError{Err: err}
		}
		return err
	})
}

func firstLine(stmt string) string {
	stmt = strings.TrimSpace(stmt)
	if i := strings.IndexByte(stmt, '\n'); i >= 0 {
		return strings.TrimSpace(stmt[:i]) + " ..."
	}
	return stmt
}
