package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/demo"
	"github.com/sluicedb/sluice/mysql"
)

// demoLiveSource is the MariaDB database the live phase creates by default.
const demoLiveSource = "mysql://root@127.0.0.1:3306/sluice_demo_live"

// liveHeading opens the live phase's part of the output.
const liveHeading = `Live sync
---------
The clinical system is still in use while it is migrated. SQLite keeps no change
log, so its patients and visits also run here in MariaDB, whose binlog sluice sync
follows into PostgreSQL while the demo changes rows in it.`

// liveWait bounds the wait for sync to start streaming and for a change to
// arrive: on an idle machine each takes well under a second.
const liveWait = 60 * time.Second

// liveDemo is the live phase: the MariaDB system, its target and the sync
// that follows one into the other.
type liveDemo struct {
	g              *globals
	source, target string // URLs
	config         string // the live phase's sluice.yaml
	srv            *sql.DB
	conn           *sql.Conn // on the source database: the demo's changes
	tgt            *pgx.Conn
	sync           *liveSync
}

// runLive runs the live phase. A MariaDB that cannot be reached or has no
// row-based binlog skips it, saying what to run: the rest of the demo does
// not need it.
func runLive(ctx context.Context, g *globals, f *demoFlags, dir string) error {
	fmt.Fprintf(g.stdout, "\n%s\n\n", liveHeading)
	l := &liveDemo{g: g, source: f.liveSource, config: filepath.Join(dir, "sluice-live.yaml")}
	defer l.close()
	skip, err := l.prepare(ctx, demoTarget(f.target))
	if err != nil || skip != "" {
		if skip != "" {
			fmt.Fprintf(g.stdout, "Skipped: %s\nRun ./scripts/services.sh (it starts MariaDB with a row-based binlog), then the demo again.\n", skip)
		}
		return err
	}
	return l.run(ctx)
}

func (l *liveDemo) close() {
	if l.sync != nil {
		l.sync.stop()
	}
	if l.tgt != nil {
		l.tgt.Close(context.Background())
	}
	if l.conn != nil {
		l.conn.Close()
	}
	if l.srv != nil {
		l.srv.Close()
	}
}

// prepare creates the source and target databases afresh and writes the
// config; skip says why the phase cannot run here.
func (l *liveDemo) prepare(ctx context.Context, mainTarget string) (skip string, err error) {
	fmt.Fprintf(l.g.stderr, "live sync: creating the clinical system in %s\n", sluice.RedactURL(l.source))
	if skip, err = l.createSource(ctx); skip != "" || err != nil {
		return skip, err
	}
	if skip, err = l.checkCapture(ctx); skip != "" || err != nil {
		return skip, err
	}
	if l.target, err = liveTargetURL(mainTarget); err != nil {
		return "", err
	}
	if err := recreateDemoDatabase(ctx, l.target); err != nil {
		return "", err
	}
	if err := os.WriteFile(l.config, []byte(demo.LiveConfig(l.source, l.target)), 0o644); err != nil {
		return "", fmt.Errorf("write the live phase's config: %w", err)
	}
	return "", nil
}

// createSource makes the MariaDB database anew, with the live tables and rows.
func (l *liveDemo) createSource(ctx context.Context) (string, error) {
	srv, name, err := mysql.OpenServer(l.source)
	if err != nil {
		return "", usageError{fmt.Errorf("--live-source: %w", err)}
	}
	l.srv = srv
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := srv.PingContext(pingCtx); err != nil {
		return fmt.Sprintf("MariaDB at %s cannot be reached (%v).", sluice.RedactURL(l.source), err), nil
	}
	if err := recreateMariaDB(ctx, srv, name); err != nil {
		return "", err
	}
	if l.conn, err = srv.Conn(ctx); err != nil {
		return "", fmt.Errorf("connect to %s: %w", sluice.RedactURL(l.source), err)
	}
	if _, err := l.conn.ExecContext(ctx, "USE "+quoteMariaDB(name)); err != nil {
		return "", fmt.Errorf("use database %s: %w", name, err)
	}
	for _, s := range append(demo.LiveSchema, demo.LiveSeed()...) {
		if _, err := l.conn.ExecContext(ctx, s.SQL, s.Args...); err != nil {
			return "", fmt.Errorf("create the live system in %s: %w", name, err)
		}
	}
	return "", nil
}

// recreateMariaDB drops database name if the demo created it, and creates
// it with the demo's mark. A database without the mark is not the demo's.
func recreateMariaDB(ctx context.Context, srv *sql.DB, name string) error {
	var mark string
	err := srv.QueryRowContext(ctx, "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&mark)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("look up database %s: %w", name, err)
	case mark != demo.LiveMark:
		return usageError{fmt.Errorf("--live-source: database %s exists and the demo did not create it; name another one", name)}
	default:
		if _, err := srv.ExecContext(ctx, "DROP DATABASE "+quoteMariaDB(name)); err != nil {
			return fmt.Errorf("drop the demo's database %s: %w", name, err)
		}
	}
	_, err = srv.ExecContext(ctx, "CREATE DATABASE "+quoteMariaDB(name)+" CHARACTER SET utf8mb4 COMMENT '"+demo.LiveMark+"'")
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func quoteMariaDB(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

// checkCapture asks the source what capture lacks (the binlog off, another
// format): anything that is not a warning skips the phase.
func (l *liveDemo) checkCapture(ctx context.Context) (string, error) {
	src, err := mysql.Open(ctx, demo.LiveSource, l.source)
	if err != nil {
		return "", err
	}
	defer src.Close()
	problems, err := src.CheckCapture(ctx, sluice.CaptureSpec{Name: "sluice demo live", Tables: []string{"Patients", "Visits"}})
	if err != nil {
		return "", err
	}
	var lacks []string
	for _, p := range problems {
		if !p.Warning {
			lacks = append(lacks, fmt.Sprintf("%s is %s", p.Check, p.Found))
		}
	}
	if len(lacks) > 0 {
		return fmt.Sprintf("MariaDB at %s cannot be followed: %s.", sluice.RedactURL(l.source), strings.Join(lacks, "; ")), nil
	}
	return "", nil
}

// liveTargetURL is the main target's URL with the database name + "_live".
func liveTargetURL(mainTarget string) (string, error) {
	u, err := url.Parse(mainTarget)
	if err != nil {
		return "", usageError{fmt.Errorf("target %s: %w", sluice.RedactURL(mainTarget), err)}
	}
	u.Path += "_live"
	return u.String(), nil
}
