// Package sqlexpr translates the SQL expressions a source schema holds
// (column defaults, CHECK conditions) from the source's dialect into
// PostgreSQL. It is pure: a tokenizer, a parser into a small syntax tree,
// and a translator that writes PostgreSQL for what it knows to mean the same
// thing there, and refuses everything else with the reason. A refused
// expression becomes a loss the plan reports; it is never guessed at.
package sqlexpr

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Dialect is the SQL dialect an expression is written in.
type Dialect string

// The dialects of the source engines.
const (
	MySQL    Dialect = "mysql" // MySQL and MariaDB, as information_schema reports them
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
	// SQLServer is T-SQL as sys.default_constraints and
	// sys.check_constraints show it: [bracketed] names, N'...' strings.
	SQLServer Dialect = "sqlserver"
)

// DialectOf returns the dialect of a source engine ("mysql", "postgres",
// "sqlite", "sqlserver").
func DialectOf(engine string) (Dialect, error) {
	switch d := Dialect(engine); d {
	case MySQL, Postgres, SQLite, SQLServer:
		return d, nil
	}
	return "", fmt.Errorf("no SQL dialect known for engine %q", engine)
}

// Kind is the kind of a token.
type Kind int

// The token kinds.
const (
	EOF    Kind = iota
	Ident       // a bare word: a keyword, a function or a column name
	Quoted      // a quoted identifier; Text is the name without its quotes
	String      // a string literal; Text is its value
	Number      // a decimal number as written
	Hex         // x'..' or 0x..; Text is the hex digits
	Bits        // b'..' or 0b..; Text is the binary digits
	Op          // an operator or punctuation
)

// Token is one lexical element; Pos and End are byte offsets into the input.
type Token struct {
	Kind Kind
	Text string
	Pos  int
	End  int
}

// Is reports whether the token is the bare word or operator s, ignoring the
// case of a word.
func (t Token) Is(s string) bool {
	return (t.Kind == Ident || t.Kind == Op) && strings.EqualFold(t.Text, s)
}

// Tokenize splits s into tokens, ending with an EOF token. Comments are
// skipped. It fails on an unterminated literal or a character no dialect
// uses.
func Tokenize(d Dialect, s string) ([]Token, error) {
	l := &lexer{d: d, s: s}
	var out []Token
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		if t.Kind == EOF {
			return out, nil
		}
	}
}

type lexer struct {
	d   Dialect
	s   string
	pos int
}

func (l *lexer) next() (Token, error) {
	if err := l.skipSpace(); err != nil {
		return Token{}, err
	}
	start := l.pos
	if l.pos >= len(l.s) {
		return Token{Kind: EOF, Pos: start, End: start}, nil
	}
	c := l.s[l.pos]
	switch {
	case c == '\'':
		return l.str(start, start, l.d == MySQL)
	case c == '"' && l.d == MySQL:
		return l.str(start, start, true)
	case c == '"' || c == '`' && l.d != Postgres || c == '[' && (l.d == SQLite || l.d == SQLServer):
		return l.quoted(start)
	case isDigit(c) || c == '.' && l.pos+1 < len(l.s) && isDigit(l.s[l.pos+1]):
		return l.number(start)
	case isIdentStart(c):
		return l.word(start)
	}
	return l.op(start)
}

// skipSpace skips white space and comments: -- to the end of the line
// (MySQL wants a space after it, and # also starts one), and /* */.
func (l *lexer) skipSpace() error {
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case strings.HasPrefix(l.s[l.pos:], "--") || c == '#' && l.d == MySQL:
			for l.pos < len(l.s) && l.s[l.pos] != '\n' {
				l.pos++
			}
		case strings.HasPrefix(l.s[l.pos:], "/*"):
			end := strings.Index(l.s[l.pos+2:], "*/")
			if end < 0 {
				return fmt.Errorf("unterminated comment at offset %d", l.pos)
			}
			l.pos += end + 4
		default:
			return nil
		}
	}
	return nil
}

// str reads a string literal whose quote is at l.pos. A doubled quote is
// one quote; with backslashes (MySQL, PostgreSQL E”) a backslash escapes
// the next character.
func (l *lexer) str(start, quotePos int, backslashes bool) (Token, error) {
	q := l.s[quotePos]
	var b strings.Builder
	i := quotePos + 1
	for i < len(l.s) {
		c := l.s[i]
		switch {
		case c == q && i+1 < len(l.s) && l.s[i+1] == q:
			b.WriteByte(q)
			i += 2
		case c == q:
			l.pos = i + 1
			return Token{Kind: String, Text: b.String(), Pos: start, End: l.pos}, nil
		case c == '\\' && backslashes && i+1 < len(l.s):
			b.WriteString(unescape(l.d, l.s[i+1]))
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return Token{}, fmt.Errorf("unterminated string at offset %d", start)
}

// unescape is what a backslash followed by c stands for. MySQL keeps the
// backslash of \% and \_ (they are LIKE escapes); a backslash before any
// other character stands for that character.
func unescape(d Dialect, c byte) string {
	switch c {
	case '0':
		return "\x00"
	case 'n':
		return "\n"
	case 'r':
		return "\r"
	case 't':
		return "\t"
	case 'b':
		return "\b"
	case 'Z':
		if d == MySQL {
			return "\x1a"
		}
	case '%', '_':
		if d == MySQL {
			return "\\" + string(c)
		}
	}
	return string(c)
}

// quoted reads a quoted identifier: "x" (doubled "" inside), `x` (doubled
// “ inside) or SQLite's [x] (no escape).
func (l *lexer) quoted(start int) (Token, error) {
	open := l.s[start]
	closing := open
	if open == '[' {
		closing = ']'
	}
	var b strings.Builder
	i := start + 1
	for i < len(l.s) {
		c := l.s[i]
		switch {
		case c == closing && open != '[' && i+1 < len(l.s) && l.s[i+1] == closing:
			b.WriteByte(c)
			i += 2
		case c == closing:
			l.pos = i + 1
			return Token{Kind: Quoted, Text: b.String(), Pos: start, End: l.pos}, nil
		default:
			b.WriteByte(c)
			i++
		}
	}
	return Token{}, fmt.Errorf("unterminated quoted identifier at offset %d", start)
}

// number reads 12, 1.5, .5, 1e-3, and MySQL/SQLite 0x1F and MySQL 0b101.
func (l *lexer) number(start int) (Token, error) {
	s := l.s
	if s[start] == '0' && start+1 < len(s) && (s[start+1] == 'x' || s[start+1] == 'X') && l.d != Postgres {
		return l.digits(start, start+2, Hex, isHexDigit)
	}
	if s[start] == '0' && start+1 < len(s) && s[start+1] == 'b' && l.d == MySQL {
		return l.digits(start, start+2, Bits, func(c byte) bool { return c == '0' || c == '1' })
	}
	i := start
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for i = j; i < len(s) && isDigit(s[i]); i++ {
			}
		}
	}
	if i < len(s) && isIdentPart(s[i]) {
		return Token{}, fmt.Errorf("malformed number at offset %d", start)
	}
	l.pos = i
	return Token{Kind: Number, Text: s[start:i], Pos: start, End: i}, nil
}

// digits reads the digits of a 0x or 0b literal starting at from.
func (l *lexer) digits(start, from int, kind Kind, ok func(byte) bool) (Token, error) {
	i := from
	for i < len(l.s) && ok(l.s[i]) {
		i++
	}
	if i == from || i < len(l.s) && isIdentPart(l.s[i]) {
		return Token{}, fmt.Errorf("malformed literal at offset %d", start)
	}
	l.pos = i
	return Token{Kind: kind, Text: l.s[from:i], Pos: start, End: i}, nil
}

// word reads a bare word, or a literal a word prefixes: x'..', b'..',
// N'..', PostgreSQL's E'..', and MySQL's character set introducers
// (_utf8mb4'..').
func (l *lexer) word(start int) (Token, error) {
	i := start
	for i < len(l.s) && isIdentPart(l.s[i]) {
		i++
	}
	w := l.s[start:i]
	if i < len(l.s) && l.s[i] == '\'' {
		if t, ok, err := l.prefixed(start, i, w); ok || err != nil {
			return t, err
		}
	}
	l.pos = i
	return Token{Kind: Ident, Text: w, Pos: start, End: i}, nil
}

func (l *lexer) prefixed(start, quote int, w string) (Token, bool, error) {
	switch lw := strings.ToLower(w); {
	case lw == "x":
		t, err := l.str(start, quote, false)
		if err == nil && !allOf(t.Text, isHexDigit) {
			err = fmt.Errorf("malformed hex literal at offset %d", start)
		}
		t.Kind = Hex
		return t, true, err
	case lw == "b":
		t, err := l.str(start, quote, false)
		if err == nil && !allOf(t.Text, func(c byte) bool { return c == '0' || c == '1' }) {
			err = fmt.Errorf("malformed bit literal at offset %d", start)
		}
		t.Kind = Bits
		return t, true, err
	case lw == "n", lw == "e" && l.d == Postgres, strings.HasPrefix(w, "_") && l.d == MySQL:
		t, err := l.str(start, quote, l.d == MySQL || lw == "e")
		return t, true, err
	}
	return Token{}, false, nil
}

// operators lists the multi-character operators, longest first.
var operators = []string{
	"!~~*", "<=>", "!~~", "~~*", "!~*", "->>",
	"<=", ">=", "<>", "!=", "==", "||", "::", "<<", ">>", "->", "~~", "!~", "~*", "&&",
}

func (l *lexer) op(start int) (Token, error) {
	rest := l.s[start:]
	for _, op := range operators {
		if strings.HasPrefix(rest, op) {
			l.pos = start + len(op)
			return Token{Kind: Op, Text: op, Pos: start, End: l.pos}, nil
		}
	}
	if strings.IndexByte("()+-*/%=<>!~&|^,.;:[]?@", rest[0]) >= 0 {
		l.pos = start + 1
		return Token{Kind: Op, Text: rest[:1], Pos: start, End: l.pos}, nil
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return Token{}, fmt.Errorf("unexpected character %q at offset %d", r, start)
}

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isHexDigit(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// isIdentStart accepts ASCII letters, _ and any byte of a multi-byte UTF-8
// character: every dialect allows non-ASCII letters in bare names.
func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

func allOf(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}
