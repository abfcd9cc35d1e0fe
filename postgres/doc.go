// Package postgres reads one schema of a PostgreSQL database as a
// sluice.Source, through pgx.
//
// Every session runs with default_transaction_read_only=on, and the catalog
// is read from pg_catalog, which (unlike information_schema) shows every
// table the role can read, whoever owns it. Values arrive as pgx decodes
// them where the Go type fits the contract in source.go; every other type
// (numeric, json, enums, domains, intervals, arrays, ...) is cast to text in
// the query, so its value arrives exactly as PostgreSQL prints it.
package postgres
