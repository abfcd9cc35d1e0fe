// Command tdsserver runs Sluice's TDS test server: a stand-in for SQL
// Server that serves fixture databases over TDS 7.4, for trying a
// sqlserver:// source and for tools and people. It is a test server, not a
// database: read-only, one login (sa, any password), no TLS, and only the
// SELECT shapes Sluice's source and simple clients send.
//
//	go run ./sluicetest/cmd/tdsserver -addr 127.0.0.1:14330 -fixture chinook
//
// It serves until it is stopped (Ctrl-C or SIGTERM).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tdsserver:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("bad command line")

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("tdsserver", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:14330", "address to listen on")
	fixtures := fs.String("fixture", "chinook", "fixtures to serve, comma-separated: "+strings.Join(fixtureNames(), ", "))
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	dbs, err := load(*fixtures)
	if err != nil {
		return err
	}
	srv := tds.NewServer(dbs...)
	if err := srv.Listen(*addr); err != nil {
		return err
	}
	defer srv.Close()
	for _, db := range dbs {
		fmt.Fprintf(out, "serving %s: %s\n", db.Name, sluicetest.TDSURL(srv.Addr(), db.Name))
	}
	fmt.Fprintln(out, "a test server (not SQL Server): user sa, any password, no TLS; Ctrl-C stops it")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return nil
}

func fixtureNames() []string { return append([]string{"chinook"}, tds.FixtureNames()...) }

// load builds the databases of every named fixture.
func load(names string) ([]*tds.Database, error) {
	var dbs []*tds.Database
	for _, name := range strings.Split(names, ",") {
		var got []*tds.Database
		var err error
		if name = strings.TrimSpace(name); name == "chinook" {
			got, err = tds.LoadScript(sluicetest.ChinookSQLServerScript())
		} else {
			got, err = tds.LoadFixture(name)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errUsage, err)
		}
		dbs = append(dbs, got...)
	}
	return dbs, nil
}
