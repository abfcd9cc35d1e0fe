package target

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// move is a row that left entity from for entity to (its match_on values
// changed): the rows referencing it follow it.
type move struct {
	part     *MatchedPart
	row      *RowChange
	from, to uuid.UUID
}

// followMoves points the references to each moved row at its new entity, as
// a fresh load resolves them. A reference holds the entity, not the row: it
// is the moved row's only when no other row of its part is matched to the
// old entity; else the references cannot be told apart, stay, and are
// returned as rejects of the referencing table (a rerun of migrate settles
// them).
func followMoves(ctx context.Context, tx pgx.Tx, moves []move) ([]StreamReject, error) {
	var stuck []StreamReject
	for _, mv := range moves {
		var shared bool
		err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM sluice.legacy_keys WHERE table_id = $1 AND entity = $2)",
			mv.part.TableID, mv.from).Scan(&shared)
		if err != nil {
			return nil, fmt.Errorf("look for other rows of %s matched to %s: %w", mv.part.TableID, mv.from, err)
		}
		for _, r := range mv.part.Referrers {
			n, err := follow(ctx, tx, r, mv, shared)
			if err != nil {
				return nil, err
			}
			if shared && n > 0 {
				stuck = append(stuck, stuckReject(r, mv))
			}
		}
	}
	return stuck, nil
}

// follow points r's references to mv's old entity at its new one, or, when
// they cannot be told apart (shared), only counts them.
func follow(ctx context.Context, tx pgx.Tx, r Referrer, mv move, shared bool) (int64, error) {
	table, col := pgx.Identifier{r.Schema, r.Table}.Sanitize(), quoteIdent(r.Column)
	where, args := col+" = $1", []any{mv.from}
	if r.SourceColumn != "" {
		where += " AND " + quoteIdent(r.SourceColumn) + " = $2"
		args = append(args, r.Source)
	}
	if shared {
		var n int64
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+table+" WHERE "+where, args...).Scan(&n); err != nil {
			return 0, fmt.Errorf("count the rows of %s that reference the row %s moved from: %w", r.TableID, mv.row.RowKey, err)
		}
		return n, nil
	}
	args = append(args, mv.to)
	tag, err := tx.Exec(ctx, fmt.Sprintf("UPDATE %s SET %s = $%d WHERE %s", table, col, len(args), where), args...)
	if err != nil {
		return 0, fmt.Errorf("point %s.%s of %s at the row %s moved to: %w", r.Table, r.Column, r.TableID, mv.row.RowKey, err)
	}
	return tag.RowsAffected(), nil
}

func stuckReject(r Referrer, mv move) StreamReject {
	return StreamReject{Reject: Reject{Key: mv.row.RowKey, Source: r.Source, Column: r.Column,
		Reason: fmt.Sprintf("row %s of %s moved to another matched row (its match_on values changed), and the rows of %s that reference it cannot be told from those referencing another row of %s matched to the same row: they keep the old one; rerun migrate to settle them",
			mv.row.RowKey, mv.part.TableID, r.TableID, mv.part.TableID)},
		TableID: r.TableID, Table: r.Table, Position: mv.row.Position}
}
