package tds

import (
	"fmt"
	"strings"
)

// session is one client connection's state.
type session struct {
	srv       *Server
	db        *Database
	spid      int
	user      string
	app       string
	readOnly  bool // the login asked for ApplicationIntent=ReadOnly
	isolation string
	textSize  int64
	frozen    *frozenView // the snapshot transaction's view, when one is open
	tx        *writeTx    // the open transaction of data changes
}

func (s *session) collation() *Collation { return s.db.Collation }

// relation resolves a FROM clause: a table of the current database, or a
// catalog view (sys.name); a three-part name may name another database.
func (s *session) relation(parts []string, alias string, args []expr, params map[string]param) (*relation, error) {
	if parts == nil {
		return &relation{rows: [][]any{{}}}, nil
	}
	db, schema, name, err := s.splitName(parts)
	if err != nil {
		return nil, err
	}
	quals := []string{name}
	if alias != "" {
		quals = []string{alias}
	}
	if strings.EqualFold(schema, "cdc") {
		return s.cdcRelation(db, name, quals, args, params)
	}
	if args != nil {
		return nil, fmt.Errorf("the test server has no table-valued function %s.%s", schema, name)
	}
	if strings.EqualFold(schema, "sys") {
		v, ok := catalogViews[strings.ToLower(name)]
		if !ok {
			return nil, fmt.Errorf("the test server does not provide the catalog view sys.%s", name)
		}
		return &relation{quals: quals, cols: v.cols, rows: v.rows(s, db)}, nil
	}
	t := db.Table(schema, name)
	if t == nil {
		return nil, &sqlError{number: 208, class: 16, state: 1, msg: fmt.Sprintf("Invalid object name '%s'.", strings.Join(parts, "."))}
	}
	rel := &relation{quals: quals, table: t, rows: s.rowsOf(t)}
	for _, c := range t.Columns {
		rel.cols = append(rel.cols, scopeCol{name: c.Name, typ: c.Type, nullable: c.Nullable})
	}
	return rel, nil
}

func (s *session) splitName(parts []string) (*Database, string, string, error) {
	db, schema := s.db, "dbo"
	switch len(parts) {
	case 1:
	case 2:
		schema = parts[0]
	case 3:
		if db = s.srv.database(parts[0]); db == nil {
			return nil, "", "", fmt.Errorf("database '%s' does not exist", parts[0])
		}
		if parts[1] != "" {
			schema = parts[1]
		}
	default:
		return nil, "", "", fmt.Errorf("the test server has no linked servers: %s", strings.Join(parts, "."))
	}
	return db, schema, parts[len(parts)-1], nil
}

// checkIsolation refuses a snapshot read of a database that does not
// allow snapshot isolation, with SQL Server's error 3952.
func (s *session) checkIsolation(q *query) error {
	if s.isolation == "SNAPSHOT" && q.checkDB != nil && !q.checkDB.Snapshot {
		return &sqlError{number: 3952, class: 16, state: 1, msg: fmt.Sprintf(
			"Snapshot isolation transaction failed accessing database '%s' because snapshot isolation is not allowed in this database. Use ALTER DATABASE to allow snapshot isolation.", q.checkDB.Name)}
	}
	return nil
}

// resolveType resolves a type as written: a system type, or an alias type
// of the current database.
func (s *session) resolveType(ref typeRef) (ColType, error) {
	if t, err := MakeType(ref.name, ref.args, s.collation()); err == nil {
		return t, nil
	}
	for _, a := range s.db.Types {
		if strings.EqualFold(a.Name, ref.name) && len(ref.args) == 0 {
			t := a.Base
			t.Alias = a.Name
			return t, nil
		}
	}
	return ColType{}, fmt.Errorf("column, parameter, or variable: cannot find data type %s", ref.name)
}

// globalVariable answers @@VERSION and the other @@ functions clients ask.
func (s *session) globalVariable(name string) (*compiled, error) {
	text := func(v string) (*compiled, error) {
		return constant(ColType{Name: "nvarchar", Length: max(len(v), 1), Collation: DefaultCollation}, v), nil
	}
	switch name {
	case "@@VERSION":
		return text("Sluice TDS test server (not Microsoft SQL Server) - 16.0.4135.4 (X64)")
	case "@@SERVERNAME":
		return text("sluice-tds")
	case "@@LANGUAGE":
		return text("us_english")
	case "@@SPID":
		return constant(ColType{Name: "smallint"}, int64(s.spid)), nil
	case "@@TRANCOUNT", "@@ERROR", "@@ROWCOUNT":
		return constant(ColType{Name: "int"}, int64(0)), nil
	case "@@TEXTSIZE":
		return constant(ColType{Name: "int"}, s.textSize), nil
	case "@@MAX_PRECISION":
		return constant(ColType{Name: "tinyint"}, int64(38)), nil
	case "@@OPTIONS":
		return constant(ColType{Name: "int"}, int64(5496)), nil
	}
	return nil, fmt.Errorf("the test server does not support %s", name)
}

// apply carries out a SET statement.
func (s *session) apply(st setStmt) {
	switch st.option {
	case "TRANSACTION ISOLATION LEVEL":
		s.isolation = st.value
	case "TEXTSIZE":
		fmt.Sscan(st.value, &s.textSize)
	}
}

// sqlError is an error the server reports with SQL Server's number, state
// and class (severity) for it; any other error goes out as number 50000,
// class 16, with its message (see errorToken).
type sqlError struct {
	number int32
	state  byte
	class  byte
	msg    string
}

func (e *sqlError) Error() string { return e.msg }
