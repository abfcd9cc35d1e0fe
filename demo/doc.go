// Package demo writes the sample legacy estate that `sluice demo` migrates: a
// small healthcare group's clinical, pharmacy and inventory systems, and the
// patient system of a clinic it took over (clinic_west), as four SQLite
// databases in the style of old SQL Server and Access schemas, and a
// sluice.yaml that moves them into one PostgreSQL database. The two patient
// tables have drifted apart (other names, other types, columns only one
// has) and share some patients, whom the migration merges into one row each.
//
// The estate is deterministic (the same Options give byte-identical files),
// scales with Options.Rows for benchmarks, and plants a few values that a
// migration must reject, each listed in Estate.BadRows, so that a demo shows
// sluice.rejects at work while everything else loads cleanly.
package demo
