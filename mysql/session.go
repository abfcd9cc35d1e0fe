package mysql

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/go-sql-driver/mysql"
)

// sessionSetup runs on every new connection of the pool: the source is only
// ever read, TIMESTAMP values come out in UTC, and text comes out as utf8mb4
// whatever the column's character set.
var sessionSetup = []string{
	"SET NAMES utf8mb4",
	"SET SESSION time_zone = '+00:00'",
	"SET SESSION TRANSACTION READ ONLY",
}

// statsExpiry makes MySQL 8 answer information_schema.TABLES from the
// tables, not from statistics cached for up to a day: AUTO_INCREMENT must
// be the counter as it is now (Column.IdentityNext). MariaDB, which caches
// nothing, has no such variable, and says so with error 1193.
const statsExpiry = "SET SESSION information_schema_stats_expiry = 0"

// sessionConnector wraps the driver's connector to prepare each connection.
type sessionConnector struct {
	driver.Connector
}

func (c sessionConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	if err := prepareSession(ctx, conn); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func prepareSession(ctx context.Context, conn driver.Conn) error {
	execer, ok := conn.(driver.ExecerContext)
	if !ok {
		return fmt.Errorf("prepare session: the driver connection cannot execute statements")
	}
	for _, stmt := range sessionSetup {
		if _, err := execer.ExecContext(ctx, stmt, nil); err != nil {
			return fmt.Errorf("prepare session (%s): %w", stmt, err)
		}
	}
	_, err := execer.ExecContext(ctx, statsExpiry, nil)
	var me *mysql.MySQLError
	if err != nil && !(errors.As(err, &me) && me.Number == 1193) {
		return fmt.Errorf("prepare session (%s): %w", statsExpiry, err)
	}
	return nil
}
