package lineage

import (
	"fmt"
	"strings"
)

// UnknownTableError says that a table reference names no table of the plan.
type UnknownTableError struct {
	Ref       string
	Known     []string // the tables it matches when Ambiguous, else some table IDs of the plan
	Ambiguous bool
}

func (e *UnknownTableError) Error() string {
	if e.Ambiguous {
		return fmt.Sprintf("table %q is ambiguous: it names %s; give the source table id", e.Ref, strings.Join(e.Known, " and "))
	}
	return fmt.Sprintf("no table %q in the plan: give a target table name or a source table id (%s)", e.Ref, strings.Join(e.Known, ", "))
}

// UnknownKeyError says that a key is neither in the target table nor among
// the table's rejects in its current generation.
type UnknownKeyError struct {
	TableID string
	Target  string // schema.table
	Key     string
	Detail  string // why the lookup could not match, when known
}

func (e *UnknownKeyError) Error() string {
	msg := fmt.Sprintf("key %q of %s is unknown: no row of %s has it and sluice.rejects holds no reject for it", e.Key, e.TableID, e.Target)
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// NotLoadedError says that the table has no state: no migration loaded it.
type NotLoadedError struct{ TableID string }

func (e *NotLoadedError) Error() string {
	return fmt.Sprintf("%s has not been migrated into this target (no row in sluice.tables)", e.TableID)
}
