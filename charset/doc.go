// Package charset converts text stored in a legacy character set to UTF-8,
// strictly: a value converts only when every byte sequence in it is a
// character of the set and the characters convert back to exactly the same
// bytes. Anything else is an *Error naming the set, the offset and the bytes,
// never a replacement character, so two different stored values can never
// become one UTF-8 value.
//
// It serves the sources whose database does not say how its text is encoded
// (a SQLite file, a PostgreSQL database created with SQL_ASCII), where the
// user declares it in the config. MySQL and MariaDB record each column's
// character set and convert it themselves; package mysql asks the server
// instead, so that a value comes across as the character the server shows.
//
// It is pure: no I/O, no state but the tables built once.
package charset
