// Package dashboard serves the operators' web dashboard: the estate
// (sources, target databases, tables with their state, progress and rows,
// throughput over time, ETA), the rejects by table and reason with the
// rows themselves, verification by table and level, the audit trail and the
// run history. It reads the state schema through package target only, so
// it shows the same numbers as `sluice status` from any machine, during a
// run and after it, for several target databases at once.
//
// The page is plain HTML, CSS and JavaScript embedded in the binary: no
// framework, no CDN, nothing to build. It polls one JSON endpoint per
// panel; every value it shows goes into the page as text, never as markup,
// since table names and rejected values are hostile input. A panel that
// arrives later (live sync: lag per source, apply rate, cutover checklist)
// is one more endpoint in api.go and one more view in app.js.
package dashboard
