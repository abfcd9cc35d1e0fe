package tds

import (
	"errors"
	"time"
)

// Transactions, as far as the test server keeps them. A transaction under
// SNAPSHOT isolation reads the database as it was when it began (its rows
// and its change data capture), and writes nothing. Any other transaction
// groups data changes: they take effect at once (other sessions read them
// before the commit: there is no locking), and their change rows are
// recorded when it commits, with one commit LSN. A transaction that wrote
// cannot be rolled back: the server keeps no undo.

// tranStmt is BEGIN TRAN[SACTION], COMMIT [TRAN[SACTION]] or ROLLBACK
// [TRAN[SACTION]].
type tranStmt struct{ op string }

func (tranStmt) stmtNode() {}

// frozenView is a snapshot transaction's database as it began.
type frozenView struct {
	db        *Database
	rows      map[*Table][][]any
	cdc       cdcView
	ctVersion any // CHANGE_TRACKING_CURRENT_VERSION()
}

// rowsOf returns a table's rows as the session sees them.
func (s *session) rowsOf(t *Table) [][]any {
	if s.frozen != nil {
		if rows, ok := s.frozen.rows[t]; ok {
			return rows
		}
	}
	return t.Rows
}

// transaction runs a tranStmt; the caller holds the data lock.
func (s *session) transaction(op string) error {
	switch op {
	case "BEGIN":
		if s.frozen != nil || s.tx != nil {
			return errors.New("the test server does not nest transactions")
		}
		if s.isolation == "SNAPSHOT" {
			if !s.db.Snapshot {
				return s.checkIsolation(&query{checkDB: s.db})
			}
			s.freeze()
			return nil
		}
		s.tx = &writeTx{db: s.db, began: time.Now().UTC()}
	case "COMMIT":
		if s.tx != nil {
			s.tx.commit()
		}
		s.frozen, s.tx = nil, nil
	case "ROLLBACK":
		if s.tx != nil && s.tx.wrote {
			s.tx = nil
			return errors.New("the test server cannot roll back data changes (it keeps no undo)")
		}
		s.frozen, s.tx = nil, nil
	}
	return nil
}

// freeze starts a snapshot: the slices of rows are never changed in place
// (writes replace or append past their length), so keeping them is
// keeping the rows as they are now.
func (s *session) freeze() {
	f := &frozenView{db: s.db, rows: map[*Table][][]any{}}
	for _, t := range s.db.Tables {
		f.rows[t] = t.Rows[:len(t.Rows):len(t.Rows)]
	}
	f.cdc = s.cdcView(s.db)
	f.ctVersion = s.ctVersion()
	s.frozen = f
}

// reset is what a connection reset does: the open transaction ends (one
// that wrote keeps its writes: there is no undo, but its change rows are
// not recorded).
func (s *session) reset() {
	s.frozen, s.tx = nil, nil
}
