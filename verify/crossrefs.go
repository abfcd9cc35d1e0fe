package verify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice/plan"
)

// refsTable is the temporary table, in the parent's database, that the
// child values of a reference across databases are copied into.
const refsTable = "sluice_verify_refs"

// refsCount is its column holding how many child rows have each value.
const refsCount = "sluice_verify_rows"

// CrossReferences checks the references between target databases, which no
// constraint can hold (level 3 of each table leaves them out): for every
// foreign key whose parent table is in another database, the distinct
// non-NULL child values (of the rows the child table answers for) are
// streamed from the child's database into a temporary table in the
// parent's, with how many rows hold each, and anti-joined with the parent
// table there. Each orphan child row is a finding of level 3 with Check
// "orphan", reported under the child table's ID as level 3 reports it:
// MaxFindings of them named, all counted. dbs holds a pool per database
// name (plan.Database.Name). Only tables with such a reference are in the
// report.
func CrossReferences(ctx context.Context, p *plan.Plan, dbs map[string]*pgxpool.Pool, o Options) (*Report, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &Report{Started: time.Now()}
	defer func() { r.Finished = time.Now() }()
	if !o.wants(LevelOrphans) {
		return r, nil
	}
	for _, t := range p.Tables {
		if len(crossKeys(t)) == 0 {
			continue
		}
		tr, err := crossTable(ctx, p, t, dbs, o)
		r.Tables = append(r.Tables, tr)
		r.Findings += tr.FindingCount()
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

// crossKeys are the table's foreign keys into another database.
func crossKeys(t *plan.Table) []plan.ForeignKey {
	var fks []plan.ForeignKey
	for _, fk := range t.ForeignKeys {
		if fk.RefDatabase != "" {
			fks = append(fks, fk)
		}
	}
	return fks
}

// crossTable checks the references of one child table.
func crossTable(ctx context.Context, p *plan.Plan, t *plan.Table, dbs map[string]*pgxpool.Pool, o Options) (TableReport, error) {
	start := time.Now()
	tr := TableReport{ID: t.ID, Target: t.Name, Levels: map[int]LevelResult{}}
	child, ok := dbs[t.Database]
	if !ok {
		return tr, fmt.Errorf("check the references of %s: target database %q is not open", t.ID, t.Database)
	}
	v := &tableCheck{p: p, t: t, db: child, o: o, found: newCollector(t.ID, o)}
	res, err := v.crossReferences(ctx, dbs)
	if err != nil {
		return tr, fmt.Errorf("check the references of %s: %w", t.ID, err)
	}
	res.Elapsed = time.Since(start)
	tr.Levels[LevelOrphans] = v.settle(LevelOrphans, res)
	tr.Findings, tr.Elapsed = v.found.findings(), time.Since(start)
	return tr, nil
}

func (v *tableCheck) crossReferences(ctx context.Context, dbs map[string]*pgxpool.Pool) (LevelResult, error) {
	var err error
	if v.cat, err = readCatalog(ctx, v.db, schemaOf(v.p, v.t), v.t.Name); err != nil {
		return LevelResult{}, err
	}
	if !v.cat.exists {
		return LevelResult{Status: StatusSkipped, Detail: fmt.Sprintf("target table %s does not exist", v.cat.name)}, nil
	}
	fks := crossKeys(v.t)
	for _, fk := range fks {
		parent, ok := dbs[fk.RefDatabase]
		if !ok {
			return LevelResult{}, fmt.Errorf("target database %q of %s is not open", fk.RefDatabase, fk.RefTable)
		}
		if err := v.crossOrphans(ctx, fk, parent); err != nil {
			return LevelResult{}, err
		}
	}
	return LevelResult{Checked: int64(len(fks)), Detail: plural(len(fks), "reference") + " into another target database"}, nil
}

// crossOrphans checks one reference: the child values go to the parent's
// database, where the orphans among them are found; their rows are then
// named from the child's.
func (v *tableCheck) crossOrphans(ctx context.Context, fk plan.ForeignKey, parentDB *pgxpool.Pool) error {
	parent, err := readCatalog(ctx, parentDB, refSchema(v.p, fk), fk.RefTable)
	if err != nil {
		return err
	}
	cols := strings.Join(fk.Columns, ", ")
	where := fk.RefDatabase + "." + fk.RefTable
	if !parent.exists {
		v.add(Finding{Level: LevelOrphans, Check: "missing parent table", Column: cols,
			Detail: fmt.Sprintf("the referenced table %s does not exist in target database %s", parent.name, fk.RefDatabase)})
		return nil
	}
	orphans, total, err := v.orphanValues(ctx, fk, parentDB, parent)
	if err != nil {
		return fmt.Errorf("look for orphans of %s (%s) in %s: %w", v.t.Name, cols, where, err)
	}
	if total == 0 {
		return nil
	}
	kept, err := v.nameOrphans(ctx, fk, orphans, where)
	if err != nil {
		return fmt.Errorf("name the orphans of %s (%s): %w", v.t.Name, cols, err)
	}
	v.found.uncounted(LevelOrphans, int(total-kept))
	return nil
}

// refSchema is the schema of a referenced table in its database.
func refSchema(p *plan.Plan, fk plan.ForeignKey) string {
	for _, t := range p.Tables {
		if t.Name == fk.RefTable && t.Database == fk.RefDatabase && t.Schema != "" {
			return t.Schema
		}
	}
	for _, d := range p.Databases {
		if d.Name == fk.RefDatabase {
			return d.Schema
		}
	}
	return p.Schema
}

// orphanValues copies the child values into the parent's database and
// returns the text of the first MaxFindings orphan values, and how many
// child rows hold an orphan value.
func (v *tableCheck) orphanValues(ctx context.Context, fk plan.ForeignKey, parentDB *pgxpool.Pool, parent *catalog) ([]string, int64, error) {
	conn, err := parentDB.Acquire(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer conn.Release()
	if err := v.copyRefs(ctx, fk, conn, parent); err != nil {
		return nil, 0, err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+refsTable)
	q := fmt.Sprintf(`SELECT %s, sum(k.%s) OVER () FROM %s k
		WHERE NOT EXISTS (SELECT 1 FROM %s p WHERE %s) ORDER BY 1 LIMIT %d`,
		textOf("k", fk.RefColumns), refsCount, refsTable, parent.name, joinOn("p", fk.RefColumns, "k", fk.RefColumns), v.o.MaxFindings)
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	var vals []string
	var total int64
	for rows.Next() {
		var s string
		if err := rows.Scan(&s, &total); err != nil {
			rows.Close()
			return nil, 0, err
		}
		vals = append(vals, s)
	}
	return vals, total, rows.Err()
}

// copyRefs fills the temporary table with the child's distinct values,
// typed as the parent's columns, and how many child rows hold each.
func (v *tableCheck) copyRefs(ctx context.Context, fk plan.ForeignKey, conn *pgxpool.Conn, parent *catalog) error {
	_, err := conn.Exec(ctx, fmt.Sprintf("DROP TABLE IF EXISTS %s; CREATE TEMPORARY TABLE %s AS SELECT %s FROM %s WITH NO DATA; ALTER TABLE %s ADD COLUMN %s bigint",
		refsTable, refsTable, columnList("", fk.RefColumns), parent.name, refsTable, refsCount))
	if err != nil {
		return err
	}
	q := fmt.Sprintf("SELECT %s, count(*) FROM %s c%s GROUP BY %s", columnList("c", fk.Columns), v.cat.name,
		v.where("c", notNulls("c", fk.Columns)), columnList("c", fk.Columns))
	rows, err := v.db.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("read the values of %s (%s): %w", v.cat.name, strings.Join(fk.Columns, ", "), err)
	}
	defer rows.Close()
	_, err = conn.CopyFrom(ctx, pgx.Identifier{refsTable}, append(append([]string(nil), fk.RefColumns...), refsCount), &rowsSource{rows: rows})
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "ANALYZE "+refsTable)
	return err
}

// rowsSource streams the rows of a query into COPY.
type rowsSource struct{ rows pgx.Rows }

func (r *rowsSource) Next() bool             { return r.rows.Next() }
func (r *rowsSource) Values() ([]any, error) { return r.rows.Values() }
func (r *rowsSource) Err() error             { return r.rows.Err() }

// nameOrphans reports the child rows holding the orphan values, at most
// MaxFindings of them, and returns how many it reported.
func (v *tableCheck) nameOrphans(ctx context.Context, fk plan.ForeignKey, vals []string, where string) (int64, error) {
	q := fmt.Sprintf("SELECT %s, %s, %s FROM %s c%s ORDER BY 1 LIMIT %d",
		v.rowKeyText("c"), v.legacyText("c"), textOf("c", fk.Columns), v.cat.name,
		v.where("c", notNulls("c", fk.Columns), textOf("c", fk.Columns)+" = ANY($1)"), v.o.MaxFindings)
	rows, err := v.db.Query(ctx, q, vals)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols := strings.Join(fk.Columns, ", ")
	detail := fmt.Sprintf("no row of %s has (%s) = ", where, strings.Join(fk.RefColumns, ", "))
	var n int64
	for rows.Next() {
		var key, legacy, val string
		if err := rows.Scan(&key, &legacy, &val); err != nil {
			return n, err
		}
		v.add(Finding{Level: LevelOrphans, Check: "orphan", Key: key, LegacyKey: legacy, Column: cols,
			TargetValue: val, Detail: detail + "(" + val + ")"})
		n++
	}
	return n, rows.Err()
}
