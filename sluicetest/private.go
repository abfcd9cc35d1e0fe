package sluicetest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// PrivateServer is a throwaway database server that a test package starts
// in a temporary folder on a free port, with the configuration its tests
// need (logical decoding, a row-based binlog): the shared servers on 5432
// and 3306 are never reconfigured or restarted by tests. Start one per
// package (TestMain or sync.Once) and Stop it at the end; Kill and Start
// simulate a crash and the restart after it.
type PrivateServer struct {
	Engine string // "postgres" or "mariadb"
	Port   int
	dir    string
	args   []string
	owner  string // the OS user the server runs as when the tests run as root
	uid    uint32
	gid    uint32
	cmd    *exec.Cmd
	done   chan error
}

// URL is the server's URL for database db ("postgres" / "mysql" are there).
func (s *PrivateServer) URL(db string) string {
	if s.Engine == "postgres" {
		return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, db)
	}
	return fmt.Sprintf("mysql://root@127.0.0.1:%d/%s", s.Port, db)
}

// Dir is the server's temporary folder (its data directory is Dir/data).
func (s *PrivateServer) Dir() string { return s.dir }

// StartPrivatePostgres initialises a PostgreSQL cluster (initdb) in a
// temporary folder and starts it on a free port with wal_level=logical and
// trust authentication; settings adds "name=value" server settings.
func StartPrivatePostgres(settings ...string) (*PrivateServer, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	s, err := newPrivate("postgres", "postgres")
	if err != nil {
		return nil, err
	}
	data := filepath.Join(s.dir, "data")
	if out, err := s.run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"); err != nil {
		s.Stop()
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	s.args = []string{filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(s.Port), "-k", s.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "wal_level=logical", "-c", "max_replication_slots=40",
		"-c", "max_wal_senders=40", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"}
	for _, kv := range settings {
		s.args = append(s.args, "-c", kv)
	}
	if err := s.Start(); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// StartPrivateMariaDB initialises a MariaDB data directory
// (mariadb-install-db) in a temporary folder and starts mariadbd on a free
// port with a row-based binlog (ROW, FULL image) and server id 1; args adds
// or overrides mariadbd options ("--log-bin-compress=ON").
func StartPrivateMariaDB(args ...string) (*PrivateServer, error) {
	s, err := newPrivate("mariadb", "mysql")
	if err != nil {
		return nil, err
	}
	data := filepath.Join(s.dir, "data")
	install := []string{"mariadb-install-db", "--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"}
	if s.owner != "" {
		install = append(install, "--user="+s.owner)
	}
	if out, err := s.run(install[0], install[1:]...); err != nil {
		s.Stop()
		return nil, fmt.Errorf("mariadb-install-db: %w: %s", err, out)
	}
	s.args = []string{mariadbd(), "--no-defaults", "--datadir=" + data, "--port=" + strconv.Itoa(s.Port),
		"--bind-address=127.0.0.1", "--socket=" + filepath.Join(s.dir, "mysqld.sock"),
		"--pid-file=" + filepath.Join(s.dir, "mysqld.pid"), "--log-bin=" + filepath.Join(data, "binlog"),
		"--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1", "--skip-name-resolve",
		"--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M", "--innodb-flush-log-at-trx-commit=2",
		"--log-error=" + filepath.Join(s.dir, "error.log")}
	if s.owner != "" {
		s.args = append(s.args, "--user="+s.owner)
	}
	s.args = append(s.args, args...)
	if err := s.Start(); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func newPrivate(engine, owner string) (*PrivateServer, error) {
	dir, err := os.MkdirTemp("", "sluice-"+engine+"-")
	if err != nil {
		return nil, err
	}
	s := &PrivateServer{Engine: engine, dir: dir}
	if os.Geteuid() == 0 { // neither server runs as root
		if err := s.chownTo(owner); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if s.Port, err = freePort(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *PrivateServer) chownTo(owner string) error {
	u, err := user.Lookup(owner)
	if err != nil {
		return fmt.Errorf("the tests run as root and the server needs the OS user %s: %w", owner, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	s.owner, s.uid, s.gid = owner, uint32(uid), uint32(gid)
	return os.Chown(s.dir, uid, gid)
}

// command runs name as the server's owner when the tests run as root
// (PostgreSQL refuses to run as root; mariadbd switches user itself).
func (s *PrivateServer) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if s.owner != "" && s.Engine == "postgres" {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: s.uid, Gid: s.gid}
		cmd.Env = append(os.Environ(), "HOME="+s.dir)
	}
	return cmd
}

func (s *PrivateServer) run(name string, args ...string) ([]byte, error) {
	return s.command(name, args...).CombinedOutput()
}

// Start starts the server (again, after Kill) and waits until it accepts
// connections.
func (s *PrivateServer) Start() error {
	var log bytes.Buffer
	s.cmd = s.command(s.args[0], s.args[1:]...)
	s.cmd.Stdout, s.cmd.Stderr = &log, &log
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.Engine, err)
	}
	s.done = make(chan error, 1)
	go func(c *exec.Cmd, done chan error) { done <- c.Wait() }(s.cmd, s.done)
	if err := s.waitReady(60 * time.Second); err != nil {
		s.Kill()
		return fmt.Errorf("start %s on port %d: %w: %s%s", s.Engine, s.Port, err, log.String(), s.errorLog())
	}
	return nil
}

func (s *PrivateServer) errorLog() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "error.log"))
	return string(b)
}

func (s *PrivateServer) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		err := s.ping()
		if err == nil {
			return nil
		}
		select {
		case exitErr := <-s.done:
			s.done <- exitErr
			return fmt.Errorf("the server exited: %v", exitErr)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %s: %w", limit, err)
		}
	}
}

func (s *PrivateServer) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if s.Engine == "postgres" {
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		if err != nil {
			return err
		}
		return conn.Close(ctx)
	}
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/", s.Port))
	if err != nil {
		return err
	}
	defer db.Close()
	return db.PingContext(ctx)
}

// Kill ends the server with SIGKILL, as a crash would, and waits for it.
func (s *PrivateServer) Kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	// The whole process group: PostgreSQL's backends die with the postmaster.
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
	}
	s.cmd = nil
}

// Stop kills the server and removes its folder.
func (s *PrivateServer) Stop() {
	s.Kill()
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// postgresBin finds the folder of initdb and postgres: on PATH, else the
// newest /usr/lib/postgresql/<version>/bin (Debian keeps them there).
func postgresBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestVersion := "", 0
	for _, d := range dirs {
		v, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil && v > bestVersion {
			best, bestVersion = d, v
		}
	}
	if best == "" {
		return "", errors.New("no initdb on PATH or in /usr/lib/postgresql/*/bin")
	}
	return best, nil
}

func mariadbd() string {
	for _, p := range []string{"mariadbd", "/usr/sbin/mariadbd"} {
		if q, err := exec.LookPath(p); err == nil {
			return q
		}
	}
	return "mariadbd"
}

// ExecPrivate runs a script on a private server's database.
func (s *PrivateServer) ExecPrivate(db, script string) error {
	if s.Engine == "postgres" {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, s.URL(db))
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, script)
		return err
	}
	h, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s?multiStatements=true", s.Port, db))
	if err != nil {
		return err
	}
	defer h.Close()
	_, err = h.Exec(script)
	return err
}

// CreateDatabase makes a uniquely named database on the private server
// and returns its name.
func (s *PrivateServer) CreateDatabase(prefix string) (string, error) {
	name := UniqueName(prefix)
	stmt := "CREATE DATABASE " + name
	if s.Engine == "mariadb" {
		stmt += " CHARACTER SET utf8mb4"
		return name, s.ExecPrivate("mysql", stmt)
	}
	return name, s.ExecPrivate("postgres", stmt)
}

// FailIfCI is for a TestMain whose private server could not start: under
// CI=true the package fails, elsewhere its capture tests skip.
func FailIfCI(what string, err error) string {
	msg := fmt.Sprintf("%s could not start: %v", what, err)
	if os.Getenv("CI") == "true" {
		fmt.Fprintln(os.Stderr, msg)
		os.Exit(1)
	}
	return strings.TrimSpace(msg)
}
