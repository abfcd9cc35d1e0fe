package verify

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// catalog is what PostgreSQL's catalog says about one target table.
type catalog struct {
	name    string // schema.table, quoted
	exists  bool
	cols    []catColumn
	uniques [][]string // the columns of each valid, plain unique index (the primary key's too)
}

// catColumn is a target column as the catalog describes it.
type catColumn struct {
	Name    string
	Type    string // format_type, e.g. "character varying(50)"; an enum type "schema"."name" (TypeText)
	NotNull bool
}

func readCatalog(ctx context.Context, db *pgxpool.Pool, schema, table string) (*catalog, error) {
	c := &catalog{name: plan.QuoteIdent(schema) + "." + plan.QuoteIdent(table)}
	if err := db.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, c.name).Scan(&c.exists); err != nil {
		return nil, fmt.Errorf("look up target table %s: %w", c.name, err)
	}
	if !c.exists {
		return c, nil
	}
	if err := c.readColumns(ctx, db); err != nil {
		return nil, err
	}
	return c, c.readUniques(ctx, db)
}

func (c *catalog) readColumns(ctx context.Context, db *pgxpool.Pool) error {
	rows, err := db.Query(ctx, `SELECT a.attname, `+target.TypeText+`, a.attnotnull
		FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, c.name)
	if err != nil {
		return fmt.Errorf("read the columns of %s: %w", c.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var col catColumn
		if err := rows.Scan(&col.Name, &col.Type, &col.NotNull); err != nil {
			return fmt.Errorf("read the columns of %s: %w", c.name, err)
		}
		c.cols = append(c.cols, col)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the columns of %s: %w", c.name, err)
	}
	return nil
}

func (c *catalog) readUniques(ctx context.Context, db *pgxpool.Pool) error {
	rows, err := db.Query(ctx, `SELECT array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(n, o)
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)
		FROM pg_index i
		WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indisvalid
			AND i.indpred IS NULL AND i.indexprs IS NULL`, c.name)
	if err != nil {
		return fmt.Errorf("read the unique indexes of %s: %w", c.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var cols []string
		if err := rows.Scan(&cols); err != nil {
			return fmt.Errorf("read the unique indexes of %s: %w", c.name, err)
		}
		c.uniques = append(c.uniques, cols)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the unique indexes of %s: %w", c.name, err)
	}
	return nil
}

// column returns the column with this name, or nil.
func (c *catalog) column(name string) *catColumn {
	for i := range c.cols {
		if c.cols[i].Name == name {
			return &c.cols[i]
		}
	}
	return nil
}

// uniqueOn reports whether a valid unique index covers exactly cols, in any
// order: PostgreSQL itself then guarantees no two rows share them.
func (c *catalog) uniqueOn(cols []string) bool {
	for _, u := range c.uniques {
		if len(u) == len(cols) && !slices.ContainsFunc(cols, func(s string) bool { return !slices.Contains(u, s) }) {
			return true
		}
	}
	return false
}

// notNull reports whether every one of cols is declared NOT NULL.
func (c *catalog) notNull(cols []string) bool {
	for _, name := range cols {
		if col := c.column(name); col == nil || !col.NotNull {
			return false
		}
	}
	return true
}

// missing lists the planned columns the target table lacks: levels 5 and 6
// cannot read its rows without them.
func (c *catalog) missing(t *plan.Table) []string {
	var names []string
	for _, pc := range t.Columns {
		if c.column(pc.Name) == nil {
			names = append(names, pc.Name)
		}
	}
	return names
}
