// Package lineage answers "where did this row come from?" for one row of a
// target table, and the reverse, "where did this source row go?": the source
// database, table and legacy key, the mapping that produced the row, the
// chunk of the ledger and the run that loaded it, the audit entries that
// cover it, and the row's values; or, for a row that never arrived, its
// rejects.
//
// It only reads: the state schema sluice (tables, chunks, runs, rejects,
// audit) and the target table. The mapping comes from the current plan; the
// plan hash recorded for the table's generation says whether the rows were
// loaded with that same mapping.
package lineage
