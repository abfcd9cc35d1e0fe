package tds

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// cdcViews are the tables of a CDC database's cdc schema.
var cdcViews map[string]viewBuilder

func init() {
	cdcViews = map[string]viewBuilder{
		"change_tables":    {cols("object_id int", "source_object_id int", "capture_instance sysname", "start_lsn binary(10)", "supports_net_changes bit", "role_name sysname"), changeTablesRows},
		"captured_columns": {cols("object_id int", "column_name sysname", "column_id int", "column_ordinal int", "is_computed bit"), capturedColumnsRows},
		"lsn_time_mapping": {cols("start_lsn binary(10)", "tran_begin_time datetime", "tran_end_time datetime", "tran_id varbinary(10)"), lsnTimeRows},
	}
}

// serverServicesRows says the SQL Server Agent runs, as CDC's capture job
// needs.
func serverServicesRows(_ *session, _ *Database) [][]any {
	return [][]any{{"SQL Server (MSSQLSERVER)", "Running"}, {"SQL Server Agent (MSSQLSERVER)", "Running"}}
}

func changeTablesRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, c := range db.cdc.captures {
		var role any
		if c.Role != "" {
			role = c.Role
		}
		rows = append(rows, []any{int64(c.ID), int64(c.Table.ID), c.Name, c.StartLSN, false, role})
	}
	return rows
}

func capturedColumnsRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, c := range db.cdc.captures {
		for i, col := range c.Table.Columns {
			rows = append(rows, []any{int64(c.ID), col.Name, int64(i + 1), int64(i + 1), col.Computed != ""})
		}
	}
	return rows
}

func lsnTimeRows(s *session, db *Database) [][]any {
	var rows [][]any
	for _, e := range s.cdcView(db).lsns {
		rows = append(rows, []any{e.lsn, e.tranTime, e.end, e.tranID})
	}
	return rows
}

// cdcRelation resolves a name in the cdc schema: a table of it, or
// cdc.fn_cdc_get_all_changes_<instance>(from, to, row_filter).
func (s *session) cdcRelation(db *Database, name string, quals []string, args []expr, params map[string]param) (*relation, error) {
	if !db.cdc.enabled {
		return nil, &sqlError{number: 208, class: 16, state: 1, msg: fmt.Sprintf("Invalid object name 'cdc.%s'.", name)}
	}
	lower := strings.ToLower(name)
	if instance, ok := strings.CutPrefix(lower, "fn_cdc_get_all_changes_"); ok {
		return s.allChanges(db, instance, quals, args, params)
	}
	if strings.HasPrefix(lower, "fn_cdc_get_net_changes_") {
		return nil, fmt.Errorf("the test server does not support cdc.%s (net changes)", name)
	}
	v, ok := cdcViews[lower]
	if !ok || args != nil {
		return nil, fmt.Errorf("the test server does not provide cdc.%s", name)
	}
	if err := db.checkSelect("cdc", name); err != nil {
		return nil, err
	}
	return &relation{quals: quals, cols: v.cols, rows: v.rows(s, db)}, nil
}

// checkSelect refuses an object the test marked Denied, with SQL Server's
// error 229.
func (db *Database) checkSelect(schema, name string) error {
	for _, d := range db.Denied {
		if strings.EqualFold(d, schema+"."+name) {
			return &sqlError{number: 229, class: 14, state: 5, msg: fmt.Sprintf("The SELECT permission was denied on the object '%s', database '%s', schema '%s'.", name, db.Name, schema)}
		}
	}
	return nil
}

// allChanges is cdc.fn_cdc_get_all_changes_<instance>: the change rows
// from from_lsn to to_lsn (both inclusive), which must lie within the
// instance's validity interval, as SQL Server requires (error 313
// otherwise); 'all' leaves out the before images of updates.
func (s *session) allChanges(db *Database, instance string, quals []string, args []expr, params map[string]param) (*relation, error) {
	c := db.capture(instance)
	if c == nil {
		return nil, &sqlError{number: 208, class: 16, state: 1, msg: fmt.Sprintf("Invalid object name 'cdc.fn_cdc_get_all_changes_%s'.", instance)}
	}
	from, to, filter, err := s.allChangesArgs(args, params)
	if err != nil {
		return nil, err
	}
	view := s.cdcView(db)
	if bytes.Compare(from, c.StartLSN) < 0 || bytes.Compare(to, view.maxLSN()) > 0 || bytes.Compare(from, to) > 0 {
		return nil, &sqlError{number: 313, class: 16, state: 3, msg: fmt.Sprintf(
			"An insufficient number of arguments were supplied for the procedure or function cdc.fn_cdc_get_all_changes_%s.", c.Name)}
	}
	rel := &relation{quals: quals, cols: cols("__$start_lsn binary(10)", "__$seqval binary(10)", "__$operation int", "__$update_mask varbinary(128)")}
	for _, col := range c.Table.Columns {
		rel.cols = append(rel.cols, scopeCol{name: col.Name, typ: col.Type, nullable: true})
	}
	for _, r := range view.changes[c] {
		lsn := r[0].([]byte)
		if bytes.Compare(lsn, from) < 0 || bytes.Compare(lsn, to) > 0 || (filter == "all" && r[2] == int64(3)) {
			continue
		}
		rel.rows = append(rel.rows, r)
	}
	return rel, nil
}

func (s *session) allChangesArgs(args []expr, params map[string]param) (from, to []byte, filter string, err error) {
	if len(args) != 3 {
		return nil, nil, "", fmt.Errorf("cdc.fn_cdc_get_all_changes_ takes 3 arguments, not %d", len(args))
	}
	sc := &scope{sess: s, params: params}
	vals := make([]any, 3)
	for i, a := range args {
		c, err := sc.compile(a)
		if err != nil {
			return nil, nil, "", err
		}
		if vals[i], err = c.eval(&evalCtx{}); err != nil {
			return nil, nil, "", err
		}
		if i < 2 {
			if vals[i], err = convert(vals[i], c.typ, ColType{Name: "binary", Length: 10}, false); err != nil {
				return nil, nil, "", err
			}
		} else {
			vals[i] = valueText(vals[i], c.typ)
		}
	}
	from, _ = vals[0].([]byte)
	to, _ = vals[1].([]byte)
	filter = strings.ToLower(vals[2].(string))
	if from == nil || to == nil || (filter != "all" && filter != "all update old") {
		return nil, nil, "", fmt.Errorf("cdc.fn_cdc_get_all_changes_: LSNs must not be NULL and the row filter must be 'all' or 'all update old', not %q", filter)
	}
	return from, to, filter, nil
}

var lsnType = ColType{Name: "binary", Length: 10}

func fnCDCMaxLSN(s *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("fn_cdc_get_max_lsn", args, 0); err != nil {
		return nil, err
	}
	sess := s.sess
	return &compiled{typ: lsnType, nullable: true, eval: func(*evalCtx) (any, error) {
		return sess.cdcView(sess.db).maxLSN(), nil
	}}, nil
}

// fnCDCMinLSN is sys.fn_cdc_get_min_lsn(instance): its start_lsn, or ten
// zero bytes for an unknown instance, as SQL Server answers.
func fnCDCMinLSN(s *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("fn_cdc_get_min_lsn", args, 1); err != nil {
		return nil, err
	}
	sess := s.sess
	return &compiled{typ: lsnType, nullable: true, eval: func(c *evalCtx) (any, error) {
		v, err := args[0].eval(c)
		if err != nil || v == nil {
			return nil, err
		}
		if cap := sess.db.capture(valueText(v, args[0].typ)); cap != nil {
			return cap.StartLSN, nil
		}
		return make([]byte, 10), nil
	}}, nil
}

// fnCDCLSNTime is sys.fn_cdc_map_lsn_to_time: the tran_end_time of the
// last lsn_time_mapping entry at or before the LSN.
func fnCDCLSNTime(s *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("fn_cdc_map_lsn_to_time", args, 1); err != nil {
		return nil, err
	}
	sess := s.sess
	return &compiled{typ: ColType{Name: "datetime"}, nullable: true, eval: func(c *evalCtx) (any, error) {
		v, err := args[0].eval(c)
		if err != nil || v == nil {
			return nil, err
		}
		lsn, err := convert(v, args[0].typ, lsnType, false)
		if err != nil {
			return nil, err
		}
		var at any
		for _, e := range sess.cdcView(sess.db).lsns {
			if bytes.Compare(e.lsn, lsn.([]byte)) <= 0 {
				at = e.end.Round(10 * time.Millisecond / 3)
			}
		}
		return at, nil
	}}, nil
}
