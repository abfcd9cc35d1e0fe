package mysql

import (
	"context"
	"database/sql"
	"strings"

	"github.com/sluicedb/sluice"
)

// indexPart is one row of information_schema.STATISTICS: one key part of
// an index.
type indexPart struct {
	table, index string
	unique       bool
	column       sql.NullString // NULL for a functional key part (MySQL 8)
	subPart      sql.NullInt64  // the prefix length of a prefix index
	indexType    string         // BTREE, HASH, FULLTEXT, SPATIAL, RTREE
	expression   sql.NullString // a functional key part's expression (MySQL 8)
}

// queryIndexes lists the primary key (as "PRIMARY"), unique constraints and
// indexes with their key parts in order: columns, the prefix length of a
// prefix index, the expression of a functional key part (MySQL 8.0.13 and
// later; MariaDB has none) and the index type.
func (s *Source) queryIndexes(ctx context.Context) (map[string][]sluice.Index, error) {
	expr, err := s.hasStatisticsExpression(ctx)
	if err != nil {
		return nil, err
	}
	exprCol := "NULL"
	if expr {
		exprCol = "EXPRESSION"
	}
	q := `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE, ` + exprCol + `
		FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`
	rows, err := s.db.QueryContext(ctx, q, s.database)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var g indexGrouper
	for rows.Next() {
		var p indexPart
		var nonUnique int64
		if err := rows.Scan(&p.table, &p.index, &nonUnique, &p.column, &p.subPart, &p.indexType, &p.expression); err != nil {
			return nil, err
		}
		p.unique = nonUnique == 0
		g.add(p)
	}
	return g.done(), rows.Err()
}

// hasStatisticsExpression reports whether STATISTICS has the EXPRESSION
// column of functional key parts (MySQL 8.0.13 and later).
func (s *Source) hasStatisticsExpression(ctx context.Context) (bool, error) {
	const q = `SELECT COUNT(*) FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'STATISTICS' AND COLUMN_NAME = 'EXPRESSION'`
	var n int
	err := s.db.QueryRowContext(ctx, q).Scan(&n)
	return n > 0, err
}

// indexGrouper gathers the one-row-per-key-part answer of STATISTICS into
// indexes; rows of one index arrive together, in SEQ_IN_INDEX order.
type indexGrouper struct {
	byTable map[string][]sluice.Index
	table   string
	cur     *sluice.Index
	parts   []string // every key part as SQL: a quoted column or an expression
	exprs   bool     // some key part is an expression
}

func (g *indexGrouper) add(p indexPart) {
	if g.cur == nil || g.table != p.table || g.cur.Name != p.index {
		g.flush()
		g.table, g.parts, g.exprs = p.table, nil, false
		g.cur = &sluice.Index{Name: p.index, Unique: p.unique, Method: indexMethod(p.indexType)}
	}
	if !p.column.Valid {
		g.exprs = true
		g.parts = append(g.parts, "("+p.expression.String+")")
		return
	}
	g.cur.Columns = append(g.cur.Columns, p.column.String)
	g.cur.Prefixes = append(g.cur.Prefixes, int(p.subPart.Int64))
	g.parts = append(g.parts, quoteIdent(p.column.String))
}

// indexMethod names the index types that are not a B-tree.
func indexMethod(indexType string) string {
	switch strings.ToUpper(indexType) {
	case "FULLTEXT":
		return sluice.IndexFullText
	case "SPATIAL", "RTREE":
		return sluice.IndexSpatial
	case "HASH":
		return "hash"
	}
	return ""
}

func (g *indexGrouper) flush() {
	if g.cur == nil {
		return
	}
	ix := *g.cur
	if g.exprs {
		ix.Columns, ix.Prefixes, ix.Expression = nil, nil, strings.Join(g.parts, ", ")
	} else if !anyPrefix(ix.Prefixes) || ix.Method == sluice.IndexSpatial {
		ix.Prefixes = nil // MariaDB reports a 32-byte part of a spatial index's column: not a prefix
	}
	if g.byTable == nil {
		g.byTable = map[string][]sluice.Index{}
	}
	g.byTable[g.table] = append(g.byTable[g.table], ix)
}

func anyPrefix(ps []int) bool {
	for _, p := range ps {
		if p > 0 {
			return true
		}
	}
	return false
}

func (g *indexGrouper) done() map[string][]sluice.Index {
	g.flush()
	g.cur = nil
	return g.byTable
}
