// Package tds is a SQL Server stand-in for tests: a TCP server that speaks
// TDS 7.4 (prelogin, login without TLS, SQL batches, RPC sp_executesql,
// attention) and answers the queries Sluice's SQL Server source and a few
// independent clients send, from in-memory fixture databases.
//
// It is not a database. Its fixtures are loaded from T-SQL scripts (the
// CREATE TABLE, ALTER TABLE ... ADD CONSTRAINT, CREATE INDEX and INSERT
// statements a real SQL Server would run), and its query engine knows one
// shape of statement: SELECT [TOP (n)] expressions FROM one table or catalog
// view [WHERE ...] [ORDER BY ...], plus USE, SET and the functions the source
// needs. Anything else is answered with a TDS error naming what it does not
// support, so a client never mistakes a gap for an empty result.
//
// For the change capture tests it also takes INSERT, UPDATE and DELETE on
// fixture tables and BEGIN TRANSACTION / COMMIT, and keeps a small subset of
// change data capture (cdc.go) and Change Tracking (changetracking.go): a
// fixture script enables them, and the changes clients make are recorded
// as SQL Server records them. A transaction begun under SNAPSHOT isolation
// reads the database as it was when it began (transaction.go). There are no
// locks, no rollback of writes and no constraint checks.
//
// CLR values (hierarchyid, geometry, geography) are kept as their text
// forms: ToString(), STAsText() and STSrid answer from them, as a real
// server would. A plain SELECT of such a column sends the UDT type with the
// value's UTF-16 text as its bytes, not SQL Server's CLR serialization, so
// a client that parses those bytes sees something a real server would not
// send; Sluice's source never selects them plainly.
//
// Strings compare by letters without case and accents first, then by
// accents, then (case-sensitive collations) by case: an approximation of
// SQL Server's collations that agrees with them on the fixtures' strings
// (see Collation.Compare).
package tds
