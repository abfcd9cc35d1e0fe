package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pglogrepl"
	"github.com/sluicedb/sluice"
)

// xlogData turns one pgoutput message into changes. A message type this
// does not know stops the stream: skipping it could lose a change.
func (st *stream) xlogData(ctx context.Context, data []byte) error {
	msg, err := pglogrepl.Parse(data)
	if err != nil {
		return fmt.Errorf("parse a pgoutput message of type %q: %w", data[0], err)
	}
	changes, err := st.changes(ctx, msg)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := st.emit(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

func (st *stream) changes(ctx context.Context, msg pglogrepl.Message) ([]sluice.Change, error) {
	switch m := msg.(type) {
	case *pglogrepl.BeginMessage:
		return st.begin(m), nil
	case *pglogrepl.CommitMessage:
		return st.commit(m)
	case *pglogrepl.RelationMessage:
		return st.lay.relation(ctx, m)
	case *pglogrepl.InsertMessage:
		return st.row(sluice.ChangeInsert, m.RelationID, nil, 0, m.Tuple)
	case *pglogrepl.UpdateMessage:
		return st.row(sluice.ChangeUpdate, m.RelationID, m.OldTuple, m.OldTupleType, m.NewTuple)
	case *pglogrepl.DeleteMessage:
		return st.row(sluice.ChangeDelete, m.RelationID, m.OldTuple, m.OldTupleType, nil)
	case *pglogrepl.TruncateMessage:
		return st.truncate(m)
	case *pglogrepl.TypeMessage, *pglogrepl.OriginMessage:
		return nil, nil // a user type's name; the origin of a replicated transaction
	}
	return nil, fmt.Errorf("pgoutput message %T (type %q) is not supported", msg, msg.Type())
}

func (st *stream) begin(m *pglogrepl.BeginMessage) []sluice.Change {
	st.inTx = true
	st.tx = sluice.Change{Kind: sluice.ChangeBegin, TxID: strconv.FormatUint(uint64(m.Xid), 10),
		Time: m.CommitTime.UTC(), Position: txPosition(m.FinalLSN)}
	return []sluice.Change{st.tx}
}

func (st *stream) commit(m *pglogrepl.CommitMessage) ([]sluice.Change, error) {
	if !st.inTx {
		return nil, fmt.Errorf("a commit at %s outside a transaction", m.CommitLSN)
	}
	pos := txPosition(m.CommitLSN)
	if pos != st.tx.Position {
		return nil, fmt.Errorf("transaction %s began for a commit at %s and committed at %s", st.tx.TxID, st.tx.Position, pos)
	}
	c := st.tx
	c.Kind = sluice.ChangeCommit
	st.inTx, st.emitted, st.lastCommit = false, pos, pos
	return []sluice.Change{c}, nil
}

func (st *stream) relationOf(id uint32) (*relation, error) {
	r, ok := st.lay.rels[id]
	if !ok {
		return nil, fmt.Errorf("a change to relation %d before its Relation message", id)
	}
	return r, nil
}

func (st *stream) row(kind sluice.ChangeKind, id uint32, old *pglogrepl.TupleData, oldType uint8, tup *pglogrepl.TupleData) ([]sluice.Change, error) {
	r, err := st.relationOf(id)
	if err != nil || !r.captured {
		return nil, err
	}
	oldKind := tupleNew
	if oldType == pglogrepl.UpdateMessageTupleTypeKey {
		oldKind = tupleKey
	}
	before, err := st.lay.decodeTuple(r, old, oldKind)
	if err != nil {
		return nil, err
	}
	after, err := st.lay.decodeTuple(r, tup, tupleNew)
	if err != nil {
		return nil, err
	}
	return []sluice.Change{{Kind: kind, Table: r.name, Before: before, After: after}}, nil
}

func (st *stream) truncate(m *pglogrepl.TruncateMessage) ([]sluice.Change, error) {
	var out []sluice.Change
	for _, id := range m.RelationIDs {
		r, err := st.relationOf(id)
		if err != nil {
			return nil, err
		}
		if r.captured {
			out = append(out, sluice.Change{Kind: sluice.ChangeTruncate, Table: r.name})
		}
	}
	return out, nil
}
