// Package sqlserver reads a Microsoft SQL Server database as a Sluice
// source: introspection from the catalog views (one view per query, joined
// here, so that the queries stay simple and work the same on every
// version), and keyset reads in the key's own collation order, with every
// comparison made by the server.
//
// Sessions ask for ApplicationIntent=ReadOnly and read under SNAPSHOT
// isolation when the database allows it (each chunk is one statement, so
// no lock outlives it), else under READ COMMITTED, where the count check
// after each table catches rows that moved.
package sqlserver
