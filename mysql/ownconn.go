package mysql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"sync"
)

// connIDs are the server's ids of the connections this Source opened, so
// that a freeze that ends the sessions read_only does not stop never ends
// Sluice's own: they are of the same user as the application's when the
// source URL's user is the application's.
type connIDs struct {
	mu  sync.Mutex
	ids map[int64]bool
}

func (c *connIDs) add(id int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[int64]bool{}
	}
	c.ids[id] = true
}

func (c *connIDs) has(id int64) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ids[id]
}

// ownConnector records the id of every connection it opens.
type ownConnector struct {
	driver.Connector
	ids *connIDs
}

func (c ownConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	id, err := connectionID(ctx, conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	c.ids.add(id)
	return conn, nil
}

func connectionID(ctx context.Context, conn driver.Conn) (int64, error) {
	q, ok := conn.(driver.QueryerContext)
	if !ok {
		return 0, fmt.Errorf("read the connection id: the driver connection cannot query")
	}
	rows, err := q.QueryContext(ctx, "SELECT CONNECTION_ID()", nil)
	if err != nil {
		return 0, fmt.Errorf("read the connection id: %w", err)
	}
	defer rows.Close()
	dest := make([]driver.Value, 1)
	if err := rows.Next(dest); err != nil && err != io.EOF {
		return 0, fmt.Errorf("read the connection id: %w", err)
	}
	switch v := dest[0].(type) {
	case int64:
		return v, nil
	case uint64:
		return int64(v), nil
	case []byte:
		var id int64
		_, err := fmt.Sscan(string(v), &id)
		return id, err
	}
	return 0, fmt.Errorf("read the connection id: %T", dest[0])
}
