package mysql

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice"
)

// objectQueries list the objects of the database besides its tables, each
// as (name, table, definition). A view's definition is its query as MySQL
// normalised it (names qualified with the database); a trigger's is its
// timing, event and body; a routine's and an event's their body.
var objectQueries = []struct {
	kind  sluice.ObjectKind
	query string
}{
	{sluice.ObjectView, `SELECT TABLE_NAME, '', VIEW_DEFINITION FROM information_schema.VIEWS
		WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`},
	{sluice.ObjectTrigger, `SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE,
		CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, ' FOR EACH ROW ', ACTION_STATEMENT)
		FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY TRIGGER_NAME`},
	{sluice.ObjectProcedure, `SELECT ROUTINE_NAME, '', COALESCE(ROUTINE_DEFINITION, '') FROM information_schema.ROUTINES
		WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE = 'PROCEDURE' ORDER BY ROUTINE_NAME`},
	{sluice.ObjectFunction, `SELECT ROUTINE_NAME, '', COALESCE(ROUTINE_DEFINITION, '') FROM information_schema.ROUTINES
		WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE = 'FUNCTION' ORDER BY ROUTINE_NAME`},
	{sluice.ObjectEvent, `SELECT EVENT_NAME, '', EVENT_DEFINITION FROM information_schema.EVENTS
		WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME`},
	// MariaDB's sequences are tables of type SEQUENCE.
	{sluice.ObjectSequence, `SELECT TABLE_NAME, '', '' FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'SEQUENCE' ORDER BY TABLE_NAME`},
}

// queryObjects lists the views, triggers, procedures, functions, events and
// sequences of the database. A definition the user may not see (no SHOW
// VIEW privilege, another definer's routine) is "".
func (s *Source) queryObjects(ctx context.Context) ([]sluice.Object, error) {
	var out []sluice.Object
	for _, oq := range objectQueries {
		objs, err := s.objects(ctx, oq.kind, oq.query)
		if err != nil {
			return nil, fmt.Errorf("list %ss: %w", oq.kind, err)
		}
		out = append(out, objs...)
	}
	return out, nil
}

func (s *Source) objects(ctx context.Context, kind sluice.ObjectKind, q string) ([]sluice.Object, error) {
	rows, err := s.db.QueryContext(ctx, q, s.database)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sluice.Object
	for rows.Next() {
		o := sluice.Object{Kind: kind}
		if err := rows.Scan(&o.Name, &o.Table, &o.Definition); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
