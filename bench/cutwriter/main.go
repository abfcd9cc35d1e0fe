// Command cutwriter is the application of bench/cutover.sh: it writes to the
// benchmark source at a steady rate (-rate statements per second, spread over
// -conns sessions kept open, as a connection pool keeps them) until it gets
// SIGINT/SIGTERM, alternating an insert into visits and an update of a
// patient. A refused write (the freeze) is counted and retried on a new
// session after 50 ms, as an application retries. It prints, as key=value
// lines: accepted, refused, the time of the last accepted and of the first
// refused write (RFC 3339 with nanoseconds, empty when none), and the rate
// it reached.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
)

func main() {
	engine := flag.String("engine", "postgres", "postgres or mariadb")
	dsn := flag.String("dsn", "", "the source's DSN (pgx URL, or go-sql-driver DSN)")
	rate := flag.Int("rate", 1000, "statements per second, in all")
	conns := flag.Int("conns", 8, "sessions writing at once")
	firstVisit := flag.Int64("first-visit", 10_000_001, "the VisitID of the first insert")
	patients := flag.Int64("patients", 2_000_000, "updates touch PatientID 1..patients")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	w := &writer{engine: *engine, dsn: *dsn, patients: *patients}
	w.next.Store(*firstVisit - 1)
	start := time.Now()
	w.run(ctx, *rate, *conns)
	elapsed := time.Since(start).Seconds()
	fmt.Printf("accepted=%d\nrefused=%d\nlast_accepted=%s\nfirst_refused=%s\nrate=%.0f\n",
		w.accepted.Load(), w.refused.Load(), w.stamp(&w.lastOK), w.stamp(&w.firstNo), float64(w.accepted.Load())/elapsed)
}

type writer struct {
	engine, dsn       string
	patients          int64
	next              atomic.Int64 // the last VisitID handed out
	accepted, refused atomic.Int64
	mu                sync.Mutex
	lastOK, firstNo   time.Time
}

// run starts conns sessions, each taking a tick from a shared ticker of rate
// per second, until ctx ends.
func (w *writer) run(ctx context.Context, rate, conns int) {
	ticks := make(chan struct{}, conns)
	go func() {
		t := time.NewTicker(time.Second / time.Duration(rate))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				close(ticks)
				return
			case <-t.C:
				select {
				case ticks <- struct{}{}:
				default: // every session busy: the tick is lost, the rate printed says so
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); w.session(ctx, ticks) }()
	}
	wg.Wait()
}

// session writes one statement per tick on one connection, opening a new
// one after an error.
func (w *writer) session(ctx context.Context, ticks <-chan struct{}) {
	db := w.open()
	defer func() { db.Close() }()
	for range ticks {
		if err := w.write(ctx, db); err != nil {
			if ctx.Err() != nil {
				return
			}
			w.note(&w.firstNo, false)
			w.refused.Add(1)
			db.Close()
			time.Sleep(50 * time.Millisecond)
			db = w.open()
			continue
		}
		w.note(&w.lastOK, true)
		w.accepted.Add(1)
	}
}

func (w *writer) open() *sql.DB {
	driver := "pgx"
	if w.engine == "mariadb" {
		driver = "mysql"
	}
	db, err := sql.Open(driver, w.dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cutwriter:", err)
		os.Exit(2)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	return db
}

// write inserts a visit (even ids) or updates a patient (odd ones), the
// patients spread over the whole table as an application's are.
func (w *writer) write(ctx context.Context, db *sql.DB) error {
	id := w.next.Add(1)
	patient := 1 + id*7919%w.patients
	stmt := "INSERT INTO visits (visitid, patientid, visitdate, reason) VALUES (%d, %d, now(), 'bench write')"
	if id%2 == 1 {
		stmt = "UPDATE patients SET updatedat = now(), notes = 'bench write %d' WHERE patientid = %d"
	}
	return exec(ctx, db, fmt.Sprintf(stmt, id, patient))
}

func exec(ctx context.Context, db *sql.DB, stmt string) error {
	_, err := db.ExecContext(ctx, stmt)
	return err
}

func (w *writer) note(at *time.Time, last bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if last || at.IsZero() {
		*at = now
	}
}

func (w *writer) stamp(at *time.Time) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if at.IsZero() {
		return ""
	}
	return at.UTC().Format(time.RFC3339Nano)
}
