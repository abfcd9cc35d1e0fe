// Package sluice holds the domain types and contracts shared by every part of
// Sluice: the schema of a legacy database as introspected (Schema, Table,
// Column, Type), the Source contract that every engine implements, the
// deterministic key function, and the errors the CLI maps to exit codes.
//
// Packages for engines (mysql, postgres, sqlite) depend on this package and
// never on each other. Pure packages (config, plan, cast, transform) never
// touch a database.
package sluice
