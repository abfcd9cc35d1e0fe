package mysql

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/sluicedb/sluice"
)

// defaultDialTimeout bounds a connection attempt when the URL sets no
// timeout, so that an unreachable host fails the run instead of hanging it.
const defaultDialTimeout = 10 * time.Second

// driverConfig turns mysql://user:pass@host:port/database?param=... into the
// driver's configuration. Query parameters are the driver's own DSN
// parameters (tls, timeout, ...). Sluice's reading needs override three of
// them: interpolateParams (one round trip per query), parseTime off (dates are
// converted here, zero dates kept) and the UTC location.
func driverConfig(rawURL string) (*mysql.Config, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, password included
		}
		return nil, fmt.Errorf("parse URL %s: %w", sluice.RedactURL(rawURL), err)
	}
	if u.Scheme != "mysql" && u.Scheme != "mariadb" {
		return nil, fmt.Errorf("parse URL %s: scheme %q, want mysql", sluice.RedactURL(rawURL), u.Scheme)
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") {
		return nil, fmt.Errorf("parse URL %s: want one database name as the path", sluice.RedactURL(rawURL))
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	cfg, err := mysql.ParseDSN("tcp(" + addr + ")/" + url.PathEscape(db) + "?" + u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("parse URL %s parameters: %w", sluice.RedactURL(rawURL), err)
	}
	applySettings(cfg, u)
	return cfg, nil
}

// applySettings sets the credentials and what Sluice's reading relies on.
// The driver logs to stderr by default; library code never logs, and every
// error it would log is also returned.
func applySettings(cfg *mysql.Config, u *url.URL) {
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.InterpolateParams = true
	cfg.ParseTime = false
	cfg.Loc = time.UTC
	cfg.Logger = &mysql.NopLogger{}
	if cfg.Timeout == 0 {
		cfg.Timeout = defaultDialTimeout
	}
}

// OpenServer opens a pool of connections to rawURL's server, with Sluice's
// connection settings and no database selected, and returns the name of the
// database the URL names: for the demo, which creates that database. A
// Source never writes through it.
func OpenServer(rawURL string) (*sql.DB, string, error) {
	cfg, err := driverConfig(rawURL)
	if err != nil {
		return nil, "", err
	}
	name := cfg.DBName
	cfg.DBName = ""
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("open %s: %w", sluice.RedactURL(rawURL), err)
	}
	return sql.OpenDB(connector), name, nil
}
