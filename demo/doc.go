// Package demo writes the sample legacy estate that `sluice demo` migrates: a
// small healthcare group's clinical, pharmacy and inventory systems as three
// SQLite databases in the style of old SQL Server and Access schemas, and a
// sluice.yaml that moves them into one PostgreSQL database.
//
// The estate is deterministic (the same Options give byte-identical files),
// scales with Options.Rows for benchmarks, and plants a few values that a
// migration must reject, each listed in Estate.BadRows, so that a demo shows
// sluice.rejects at work while everything else loads cleanly.
package demo
