package target

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// rowFailure is a COPY that failed because of a row's data.
type rowFailure struct {
	row    int    // index in the chunk of the row at fault, -1 when not known
	column string // "" when not known
	reason string
}

// copyFailPrefix starts the server's answer to the CopyFail pgx sends when it
// cannot encode a value.
const copyFailPrefix = "COPY from stdin failed: "

// classifyCopyError returns the row failure behind err, a COPY of rows
// [lo, hi) whose source stopped at index cur, or nil when err is not the
// fault of a row: a cancelled context, a lost connection, a permission.
func classifyCopyError(ctx context.Context, err error, lo, hi, cur int) *rowFailure {
	var pgErr *pgconn.PgError
	if ctx.Err() != nil || !errors.As(err, &pgErr) {
		return nil
	}
	if pgErr.Code == "57014" && strings.HasPrefix(pgErr.Message, copyFailPrefix) && cur >= 0 && lo+cur < hi {
		return &rowFailure{row: lo + cur, reason: strings.TrimPrefix(pgErr.Message, copyFailPrefix)}
	}
	if !isRowErrorCode(pgErr.Code) {
		return nil
	}
	f := &rowFailure{row: -1, column: pgErr.ColumnName, reason: reasonOf(pgErr)}
	line, column := copyContext(pgErr.Where)
	if line >= 1 && lo+line <= hi {
		f.row = lo + line - 1
	}
	if f.column == "" {
		f.column = column
	}
	return f
}

// isRowErrorCode reports whether SQLSTATE code is the fault of one row's
// data: data exceptions (22), integrity violations (23), and a row or index
// entry too large (54000).
func isRowErrorCode(code string) bool {
	return strings.HasPrefix(code, "22") || strings.HasPrefix(code, "23") || code == "54000"
}

// reasonOf is PostgreSQL's message, with the detail of a key violation
// ("Key (id)=(7) already exists.") that says which key.
func reasonOf(e *pgconn.PgError) string {
	if strings.HasPrefix(e.Detail, "Key ") {
		return e.Message + ": " + e.Detail
	}
	return e.Message
}

// copyWhere matches the context a binary COPY gives its errors:
// "COPY t, line 3, column name" or "COPY t, line 3".
var copyWhere = regexp.MustCompile(`^COPY .*?, line (\d+)(?:, column (.+))?$`)

// copyContext returns the 1-based line (row) and the column named in the
// COPY context of an error, 0 and "" when absent.
func copyContext(where string) (line int, column string) {
	for _, l := range strings.Split(where, "\n") {
		m := copyWhere.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return 0, ""
		}
		return n, m[2]
	}
	return 0, ""
}
