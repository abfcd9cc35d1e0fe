package metrics

import "github.com/prometheus/client_golang/prometheus"

// The words are those of docs/METRICS.md: read (from the source), written
// (loaded: inserted or updated), unchanged, rejected, filtered, deleted.
// The counters are the table's current generation (one complete load): a
// new generation starts them again, which Prometheus reads as a reset.
var (
	dbTable = []string{"database", "table"}

	stateUp = desc("sluice_state_up", "1 when the state schema of the target database could be read at this scrape, else 0.", "database")

	runInfo     = desc("sluice_run_info", "The latest run: 1, labelled with its id, command, status and config hash.", "database", "run", "command", "status", "config_hash")
	runRunning  = desc("sluice_run_running", "1 while the latest run is running (its session holds its lock), else 0.", "database")
	runStarted  = desc("sluice_run_start_timestamp_seconds", "When the latest run started, in Unix seconds.", "database")
	runFinished = desc("sluice_run_end_timestamp_seconds", "When the latest run ended, in Unix seconds; absent while it runs.", "database")

	rowsRead      = desc("sluice_rows_read_total", "Source rows read (or proven unchanged by the source's digest) by the table's current generation.", dbTable...)
	rowsWritten   = desc("sluice_rows_written_total", "Rows written to the target (inserted or updated) by the table's current generation: what Sluice calls loaded.", dbTable...)
	rowsInserted  = desc("sluice_rows_inserted_total", "Rows inserted (new keys) by the table's current generation.", dbTable...)
	rowsUpdated   = desc("sluice_rows_updated_total", "Rows updated (their content changed) by the table's current generation.", dbTable...)
	rowsUnchanged = desc("sluice_rows_unchanged_total", "Rows read and found as the target holds them, not written, by the table's current generation.", dbTable...)
	rowsRejected  = desc("sluice_rows_rejected_total", "Rows rejected into sluice.rejects by the table's current generation.", dbTable...)
	rowsDeleted   = desc("sluice_rows_deleted_total", "Target rows deleted by delete_missing because their source row is gone, in the table's current generation.", dbTable...)
	rowsFiltered  = desc("sluice_rows_filtered", "Source rows the table's where: excludes, as counted when the table was reconciled.", dbTable...)
	rowsSource    = desc("sluice_rows_source", "Rows of the source table: its count when reconciled, else the estimate.", dbTable...)
	chunksDone    = desc("sluice_chunks_committed_total", "Chunks committed to the ledger by the table's current generation.", dbTable...)
	chunksPlanned = desc("sluice_chunks_estimated", "Chunks the plan estimated for the table.", dbTable...)
	tableState    = desc("sluice_table_state", "1 for the table's current state (pending, loading, loaded, indexed, done, failed), 0 for the others.", "database", "table", "state")
	tableBytes    = desc("sluice_table_bytes", "Size of the target table on disk, with its indexes and TOAST, in bytes.", "database", "target_table")
	lastCommit    = desc("sluice_table_last_commit_timestamp_seconds", "When the table's latest chunk committed, in Unix seconds.", dbTable...)

	throughputRead    = desc("sluice_throughput_read_rows_per_second", "Rows read per second over the last minute, from the ledger.", "database")
	throughputWritten = desc("sluice_throughput_written_rows_per_second", "Rows written per second over the last minute, from the ledger.", "database")

	verifyFindings = desc("sluice_verify_findings", "Findings of the latest verification of the table at the level (1 counts ... 6 content).", "database", "table", "level")
	verifyFailed   = desc("sluice_verify_failed", "1 when the latest verification of the table at the level failed, else 0.", "database", "table", "level")

	auditHead    = desc("sluice_audit_head_sequence", "Sequence number of the last entry of the audit trail.", "database")
	auditSigned  = desc("sluice_audit_signed_runs", "Runs whose head entry is signed.", "database")
	auditIntact  = desc("sluice_audit_chain_intact", "1 when the audit chain recomputes from its first entry to the head checked, 0 when an entry was altered, inserted or deleted.", "database")
	auditChecked = desc("sluice_audit_chain_checked_sequence", "The head sequence the chain was last recomputed up to.", "database")
	auditBadSeq  = desc("sluice_audit_chain_first_bad_sequence", "The first entry where the chain breaks; absent while it holds.", "database")
)

var allDescs = []*prometheus.Desc{stateUp, runInfo, runRunning, runStarted, runFinished,
	rowsRead, rowsWritten, rowsInserted, rowsUpdated, rowsUnchanged, rowsRejected, rowsDeleted, rowsFiltered,
	rowsSource, chunksDone, chunksPlanned, tableState, tableBytes, lastCommit, throughputRead, throughputWritten,
	verifyFindings, verifyFailed, auditHead, auditSigned, auditIntact, auditChecked, auditBadSeq}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, labels, nil)
}
