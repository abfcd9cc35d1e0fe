package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/google/uuid"
)

// Hash identifies how the table's rows are produced: the source table and
// the columns read, the key and the filter, every target column with its
// type, role and default, and the key namespace. A load that resumes must use
// the mapping its first chunks used, or the table would mix two mappings;
// the chunk size, the estimates and the indexes do not change a row, so they
// are left out.
func (t *Table) Hash(ns uuid.UUID) string {
	h := sha256.New()
	// Encoding a struct is deterministic: fields in declaration order.
	_ = json.NewEncoder(h).Encode(struct {
		Namespace                 uuid.UUID
		Source, SourceTable, Name string
		ReadColumns, Key          []string
		Where, Keys               string
		Columns                   []Column
	}{ns, t.Source, t.SourceTable, t.Name, t.ReadColumns, t.Key, t.Where, t.Keys, t.Columns})
	return hex.EncodeToString(h.Sum(nil))
}
