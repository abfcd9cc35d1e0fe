package mysql

import (
	"fmt"
	"strings"
)

// statementKind sorts the QUERY events of a row-based binlog.
type statementKind int

const (
	stmtOther     statementKind = iota // not about rows or tables: GRANT, CREATE USER, FLUSH, ...
	stmtBegin                          // BEGIN, XA START
	stmtCommit                         // COMMIT, and ROLLBACK of what non-transactional tables already hold
	stmtSavepoint                      // SAVEPOINT, ROLLBACK TO, RELEASE SAVEPOINT
	stmtDDL                            // changes the definition of Tables
	stmtTruncate                       // empties Tables
	stmtDML                            // a row change written as a statement (binlog_format was not ROW)
)

// tableName is a table a statement names, with its database when given.
type tableName struct{ DB, Name string }

// statement is what capture needs to know of a QUERY event.
type statement struct {
	Kind   statementKind
	Tables []tableName
}

// classifyStatement reads the start of a statement: its kind and, for a
// DDL statement on tables or a TRUNCATE, the tables it names. A DDL
// statement on tables whose names cannot be read is an error, never a
// guess: the stream stops rather than miss a change of definition.
func classifyStatement(sql string) (statement, error) {
	tk := &tokens{toks: tokenize(sql)}
	switch tk.word() {
	case "BEGIN":
		return statement{Kind: stmtBegin}, nil
	case "XA":
		if tk.peek() == "START" || tk.peek() == "BEGIN" {
			return statement{Kind: stmtBegin}, nil
		}
		return statement{Kind: stmtCommit}, nil
	case "COMMIT":
		return statement{Kind: stmtCommit}, nil
	case "ROLLBACK":
		if tk.peek() == "TO" {
			return statement{Kind: stmtSavepoint}, nil
		}
		return statement{Kind: stmtCommit}, nil
	case "SAVEPOINT", "RELEASE":
		return statement{Kind: stmtSavepoint}, nil
	case "INSERT", "UPDATE", "DELETE", "REPLACE", "LOAD":
		return statement{Kind: stmtDML}, nil
	case "TRUNCATE":
		tk.optional("TABLE")
		return tk.tableList(stmtTruncate, sql)
	case "ALTER", "CREATE", "DROP", "RENAME":
		return tk.ddl(sql)
	}
	return statement{Kind: stmtOther}, nil
}

// ddl handles ALTER/CREATE/DROP/RENAME: on a TABLE, or an INDEX ON a
// table; on anything else (a view, a user, a database) it is stmtOther.
func (tk *tokens) ddl(sql string) (statement, error) {
	for {
		switch w := tk.word(); w {
		case "TABLE":
			if tk.optional("IF") {
				tk.optional("NOT")
				tk.optional("EXISTS")
			}
			return tk.tableList(stmtDDL, sql)
		case "INDEX", "KEY":
			return tk.indexTable(sql)
		case "OR", "REPLACE", "ONLINE", "OFFLINE", "IGNORE", "TEMPORARY", "UNIQUE", "FULLTEXT", "SPATIAL":
			continue // modifiers before the object
		case "":
			return statement{}, fmt.Errorf("cannot tell what DDL %q changes", clip(sql))
		default:
			return statement{Kind: stmtOther}, nil
		}
	}
}

// indexTable finds the table of CREATE/DROP INDEX name ON table.
func (tk *tokens) indexTable(sql string) (statement, error) {
	for {
		w := tk.next()
		if w == "" {
			return statement{}, fmt.Errorf("cannot find the table of %q", clip(sql))
		}
		if strings.EqualFold(w, "ON") {
			return tk.tableList(stmtDDL, sql)
		}
	}
}

// tableList reads "name [, name]..." and, for RENAME, "a TO b, c TO d".
func (tk *tokens) tableList(kind statementKind, sql string) (statement, error) {
	st := statement{Kind: kind}
	for {
		name, ok := tk.tableName()
		if !ok {
			return statement{}, fmt.Errorf("cannot read the table names of %q", clip(sql))
		}
		st.Tables = append(st.Tables, name)
		switch strings.ToUpper(tk.peek()) {
		case ",", "TO":
			tk.next()
		default:
			return st, nil
		}
	}
}

func (tk *tokens) tableName() (tableName, bool) {
	first := tk.next()
	if !isIdent(first) {
		return tableName{}, false
	}
	if tk.peek() == "." {
		tk.next()
		second := tk.next()
		if !isIdent(second) {
			return tableName{}, false
		}
		return tableName{DB: unquote(first), Name: unquote(second)}, true
	}
	return tableName{Name: unquote(first)}, true
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// tokens walks a statement's tokens.
type tokens struct {
	toks []string
	i    int
}

func (tk *tokens) next() string {
	if tk.i >= len(tk.toks) {
		return ""
	}
	tk.i++
	return tk.toks[tk.i-1]
}

func (tk *tokens) peek() string {
	if tk.i >= len(tk.toks) {
		return ""
	}
	return strings.ToUpper(tk.toks[tk.i])
}

// word is the next token in upper case.
func (tk *tokens) word() string { return strings.ToUpper(tk.next()) }

// optional skips the next token when it is w.
func (tk *tokens) optional(w string) bool {
	if tk.peek() == w {
		tk.i++
		return true
	}
	return false
}

// tokenize splits SQL into words, `quoted` identifiers, strings and single
// punctuation, leaving out comments (/* */, -- and #) and whitespace.
// MariaDB's executable comments (/*! ... */, /*M! ... */) hold SQL: their
// content is read.
func tokenize(sql string) []string {
	var out []string
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(sql[i:], "/*!") || strings.HasPrefix(sql[i:], "/*M!"):
			i += strings.IndexByte(sql[i:], '!') + 1
			for i < len(sql) && sql[i] >= '0' && sql[i] <= '9' {
				i++ // the version it applies from
			}
		case strings.HasPrefix(sql[i:], "*/"):
			i += 2 // the end of an executable comment
		case strings.HasPrefix(sql[i:], "/*"):
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return out
			}
			i += end + 4
		case strings.HasPrefix(sql[i:], "--") || c == '#':
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				return out
			}
			i += end
		case c == '`' || c == '\'' || c == '"':
			j := quotedEnd(sql, i)
			out = append(out, sql[i:j])
			i = j
		case isWordByte(c):
			j := i
			for j < len(sql) && isWordByte(sql[j]) {
				j++
			}
			out = append(out, sql[i:j])
			i = j
		default:
			out = append(out, sql[i:i+1])
			i++
		}
	}
	return out
}

// quotedEnd finds the end of the quoted token at i; a doubled quote (and,
// in strings, a backslash) escapes.
func quotedEnd(sql string, i int) int {
	q := sql[i]
	for j := i + 1; j < len(sql); j++ {
		switch {
		case sql[j] == '\\' && q != '`':
			j++
		case sql[j] == q && j+1 < len(sql) && sql[j+1] == q:
			j++
		case sql[j] == q:
			return j + 1
		}
	}
	return len(sql)
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdent(tok string) bool {
	return tok != "" && (tok[0] == '`' || isWordByte(tok[0]))
}

func unquote(tok string) string {
	if len(tok) >= 2 && tok[0] == '`' {
		return strings.ReplaceAll(tok[1:len(tok)-1], "``", "`")
	}
	return tok
}
