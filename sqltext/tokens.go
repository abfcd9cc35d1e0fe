// Package sqltext splits SQL text from a source engine into tokens and
// writes tokens back as PostgreSQL, so that a view's query or an index's
// expression can have its names rewritten without being guessed at. It
// knows the quoting and string rules of MySQL/MariaDB, PostgreSQL and
// SQLite; anything it cannot read with certainty is an error, never a guess.
//
// It is pure: no I/O.
package sqltext

import (
	"fmt"
	"strings"
)

// Kind is the kind of a token.
type Kind int

// The token kinds.
const (
	Word   Kind = iota // a bare name or keyword, as written
	Quoted             // a quoted name; Text is the name itself
	String             // a string literal; Text is its value
	Number             // a numeric literal, as written
	Op                 // an operator or punctuation: ( ) , . ; :: = <> ...
)

// Token is one token of SQL text.
type Token struct {
	Kind Kind
	Text string
}

// Is reports whether t is the word w (case-insensitive) or the operator w.
func (t Token) Is(w string) bool {
	switch t.Kind {
	case Word:
		return strings.EqualFold(t.Text, w)
	case Op:
		return t.Text == w
	}
	return false
}

// Dialects.
const (
	MySQL    = "mysql"
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Tokenize splits text, in the dialect of engine, into tokens; comments and
// white space are dropped.
func Tokenize(engine, text string) ([]Token, error) {
	l := &lexer{s: text, engine: engine}
	for {
		l.skipSpace()
		if l.pos >= len(l.s) {
			return l.out, nil
		}
		if err := l.next(); err != nil {
			return nil, fmt.Errorf("at offset %d: %w", l.pos, err)
		}
	}
}

type lexer struct {
	s      string
	pos    int
	engine string
	out    []Token
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.s) {
		switch {
		case strings.ContainsRune(" \t\r\n\f", rune(l.s[l.pos])):
			l.pos++
		case strings.HasPrefix(l.s[l.pos:], "--"), l.engine == MySQL && l.s[l.pos] == '#':
			end := strings.IndexByte(l.s[l.pos:], '\n')
			if end < 0 {
				l.pos = len(l.s)
			} else {
				l.pos += end + 1
			}
		case strings.HasPrefix(l.s[l.pos:], "/*"):
			end := strings.Index(l.s[l.pos+2:], "*/")
			if end < 0 {
				l.pos = len(l.s)
			} else {
				l.pos += end + 4
			}
		default:
			return
		}
	}
}

func (l *lexer) emit(k Kind, text string) { l.out = append(l.out, Token{Kind: k, Text: text}) }

func (l *lexer) next() error {
	c := l.s[l.pos]
	switch {
	case c == '\'':
		return l.str('\'')
	case c == '"' && l.engine == MySQL:
		return l.str('"') // a string unless ANSI_QUOTES, which MySQL's normalised views never need
	case c == '"' || c == '`' && l.engine != Postgres:
		return l.quoted(c, c)
	case c == '[' && l.engine == SQLite:
		return l.quoted('[', ']')
	case isDigit(c) || c == '.' && l.pos+1 < len(l.s) && isDigit(l.s[l.pos+1]):
		l.number()
		return nil
	case isWordStart(c):
		return l.word()
	}
	return l.op()
}

// str reads a string literal: a doubled quote is one quote; MySQL also
// escapes with a backslash.
func (l *lexer) str(q byte) error {
	var b strings.Builder
	for i := l.pos + 1; i < len(l.s); i++ {
		c := l.s[i]
		switch {
		case c == '\\' && l.engine == MySQL && i+1 < len(l.s) && (l.s[i+1] == '%' || l.s[i+1] == '_'):
			b.WriteByte(c) // \% and \_ keep their backslash: LIKE reads it as the escape
		case c == '\\' && l.engine == MySQL && i+1 < len(l.s):
			i++
			b.WriteByte(unescapeMySQL(l.s[i]))
		case c == q && i+1 < len(l.s) && l.s[i+1] == q:
			i++
			b.WriteByte(q)
		case c == q:
			l.pos = i + 1
			l.emit(String, b.String())
			return nil
		default:
			b.WriteByte(c)
		}
	}
	return fmt.Errorf("unterminated string")
}

// unescapeMySQL is the character a backslash escape in a MySQL string
// stands for.
func unescapeMySQL(c byte) byte {
	switch c {
	case '0':
		return 0
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'Z':
		return 26
	}
	return c // \\ \' \" and the rest stand for themselves
}

func (l *lexer) quoted(open, close byte) error {
	var b strings.Builder
	for i := l.pos + 1; i < len(l.s); i++ {
		c := l.s[i]
		switch {
		case c == close && close != ']' && i+1 < len(l.s) && l.s[i+1] == close:
			i++
			b.WriteByte(close)
		case c == close:
			l.pos = i + 1
			l.emit(Quoted, b.String())
			return nil
		default:
			b.WriteByte(c)
		}
	}
	return fmt.Errorf("unterminated quoted name")
}

func (l *lexer) number() {
	start := l.pos
	for l.pos < len(l.s) && (isDigit(l.s[l.pos]) || l.s[l.pos] == '.') {
		l.pos++
	}
	if l.pos < len(l.s) && (l.s[l.pos] == 'e' || l.s[l.pos] == 'E') {
		j := l.pos + 1
		if j < len(l.s) && (l.s[j] == '+' || l.s[j] == '-') {
			j++
		}
		if j < len(l.s) && isDigit(l.s[j]) {
			for l.pos = j; l.pos < len(l.s) && isDigit(l.s[l.pos]); l.pos++ {
			}
		}
	}
	l.emit(Number, l.s[start:l.pos])
}

// word reads a bare name. A MySQL charset introducer (_utf8mb4'x') or a
// national string (N'x') is read as the string alone: the target is UTF-8.
// Other prefixed strings (X'..', B'..', E'..') have no safe reading here.
func (l *lexer) word() error {
	start := l.pos
	for l.pos < len(l.s) && (isWordStart(l.s[l.pos]) || isDigit(l.s[l.pos]) || l.s[l.pos] == '$') {
		l.pos++
	}
	w := l.s[start:l.pos]
	if l.pos < len(l.s) && l.s[l.pos] == '\'' {
		if l.engine == MySQL && strings.HasPrefix(w, "_") || strings.EqualFold(w, "n") {
			return l.str('\'')
		}
		return fmt.Errorf("a %s'...' literal is not supported", w)
	}
	l.emit(Word, w)
	return nil
}

// ops are the operators read as one token, longest first.
var ops = []string{"!~~*", "<=>", "->>", "~~*", "!~~", "!~*", "<=", ">=", "<>", "!=", "||", "::", "->", "~~", "~*", "!~", "&&",
	"+", "-", "*", "/", "%", "<", ">", "=", "(", ")", ",", ".", ";", "~", "!", "&", "|", "^"}

func (l *lexer) op() error {
	for _, o := range ops {
		if strings.HasPrefix(l.s[l.pos:], o) {
			l.pos += len(o)
			l.emit(Op, o)
			return nil
		}
	}
	return fmt.Errorf("unexpected character %q", l.s[l.pos])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
