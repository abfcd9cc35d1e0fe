// Package csvsrc reads a directory of delimited text files (or one file) as
// a sluice.Source: each file is a table, each record a row.
//
// Files are only ever read. Records are parsed by this package's own
// streaming scanner, so that it can say exactly where a record is malformed
// (wrong field count, an unterminated quote, bytes that are not text in the
// file's encoding) and keep memory bounded by the largest record it accepts,
// whatever the file's size. Gzip-compressed files are read through; UTF-16
// is transcoded to UTF-8 on the way, and the legacy character sets of
// package charset (latin1, cp1251, gbk, sjis, ...) are converted strictly,
// field by field.
//
// A file has no key the scanner could seek by, so every table is read in
// file order and paged by its record number (the RowID pseudo-column,
// sluice.Table.RowIDOnly), also when the config declares a primary key: the
// declared key becomes the target's key and is checked by KeyChecker.
// Values are checked against the column's declared (or inferred) type as
// they are read; one that does not fit, and every malformed record, is
// yielded as a sluice.Invalid whose reason names the file and line.
package csvsrc
