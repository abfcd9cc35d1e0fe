// Package metrics exposes Sluice to Prometheus: one registry per process
// (never the global default), holding one collector per concern, each
// reading the state schema through package target when scraped. The
// numbers are therefore the ones `sluice status` and `sluice serve` show,
// the same from the process that migrates and from any other, and they
// survive a restart of the process. docs/METRICS.md lists every metric.
//
// A concern that arrives later (live sync: lag, apply rate, slot WAL)
// adds a collector of its own with Register; nothing here changes.
package metrics
