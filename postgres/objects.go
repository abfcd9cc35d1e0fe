package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

// notExtension is true for an object (class $class, oid expression objid)
// that no extension owns: PostGIS's views and functions are the
// extension's, not the application's.
const notExtension = `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '%s'::regclass AND d.objid = %s AND d.deptype = 'e')`

// objectQueries list the schema's objects besides its tables as (name,
// table, definition), each in PostgreSQL's own rendering of its SQL.
var objectQueries = []struct {
	kind  sluice.ObjectKind
	query string
}{
	{sluice.ObjectView, `SELECT c.relname, '', pg_get_viewdef(c.oid, true) FROM pg_class c
		WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'v' AND ` + fmt.Sprintf(notExtension, "pg_class", "c.oid") + `
		ORDER BY c.relname`},
	{sluice.ObjectMaterializedView, `SELECT c.relname, '', pg_get_viewdef(c.oid, true) FROM pg_class c
		WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'm' AND ` + fmt.Sprintf(notExtension, "pg_class", "c.oid") + `
		ORDER BY c.relname`},
	{sluice.ObjectTrigger, `SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid, true) FROM pg_trigger t
		JOIN pg_class c ON c.oid = t.tgrelid
		WHERE c.relnamespace = $1::regnamespace AND NOT t.tgisinternal AND ` + fmt.Sprintf(notExtension, "pg_trigger", "t.oid") + `
		ORDER BY t.tgname, c.relname`},
	{sluice.ObjectProcedure, routinesSQL("p")},
	{sluice.ObjectFunction, routinesSQL("f")},
	// A sequence a column owns (serial, identity) is part of its table.
	{sluice.ObjectSequence, `SELECT c.relname, '', '' FROM pg_class c
		WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'S' AND ` + fmt.Sprintf(notExtension, "pg_class", "c.oid") + `
		AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
			AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i'))
		ORDER BY c.relname`},
}

// routinesSQL lists functions (prokind f) or procedures (p), named with
// their argument types since they may be overloaded; aggregates and window
// functions have no definition pg_get_functiondef can write.
func routinesSQL(prokind string) string {
	return `SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', '', pg_get_functiondef(p.oid)
		FROM pg_proc p WHERE p.pronamespace = $1::regnamespace AND p.prokind = '` + prokind + `' AND ` +
		fmt.Sprintf(notExtension, "pg_proc", "p.oid") + ` ORDER BY 1`
}

// objects lists the views, materialized views, triggers, procedures,
// functions and standalone sequences of the schema.
func (s *Source) objects(ctx context.Context) ([]sluice.Object, error) {
	var out []sluice.Object
	for _, oq := range objectQueries {
		rows, err := s.pool.Query(ctx, oq.query, QuoteIdent(s.schema))
		if err != nil {
			return nil, classify(fmt.Errorf("list %ss of %s schema %s: %w", oq.kind, s.name, s.schema, err))
		}
		objs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sluice.Object, error) {
			o := sluice.Object{Kind: oq.kind}
			return o, r.Scan(&o.Name, &o.Table, &o.Definition)
		})
		if err != nil {
			return nil, classify(fmt.Errorf("list %ss of %s schema %s: %w", oq.kind, s.name, s.schema, err))
		}
		out = append(out, objs...)
	}
	return out, nil
}
