// Package spatial reads and writes the binary and text forms of spatial
// values: OGC well-known binary (WKB, in its ISO and PostGIS extended forms),
// MySQL's internal form (a 4-byte SRID before the WKB) and well-known text
// (WKT), so that a geometry is loaded into PostGIS as EWKB, or into a text
// column as EWKT, without a database doing the conversion.
//
// It is pure: no I/O. Every coordinate is written in the shortest decimal
// form that reads back as the same float64, so nothing is rounded.
package spatial
