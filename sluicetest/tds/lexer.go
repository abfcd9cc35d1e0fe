package tds

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the lexical class of a T-SQL token.
type tokKind int

const (
	tokEOF     tokKind = iota
	tokIdent           // bare or quoted identifier; text is the name without quotes
	tokKeyword         // a bare identifier that is a reserved word; text upper-cased
	tokNumber          // 12, 1.5, 1e3
	tokString          // '...'; text unescaped
	tokNString         // N'...'
	tokBinary          // 0x...; text is the hex digits
	tokParam           // @name or @@name, text as written
	tokOp              // punctuation and operators
)

// token is one lexical token and where it starts in the text.
type token struct {
	kind   tokKind
	text   string
	pos    int
	quoted bool // an identifier written [x] or "x"
}

// keywords are the reserved words the parsers treat as structure; any other
// bare word is an identifier (so a column may be called name or type).
var keywords = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "ORDER": true, "BY": true, "TOP": true,
	"AND": true, "OR": true, "NOT": true, "IS": true, "NULL": true, "IN": true, "AS": true,
	"ASC": true, "DESC": true, "CASE": true, "WHEN": true, "THEN": true, "ELSE": true,
	"END": true, "CAST": true, "CONVERT": true, "LIKE": true, "BETWEEN": true, "WITH": true,
	"SET": true, "USE": true, "CREATE": true, "TABLE": true, "INSERT": true, "INTO": true,
	"VALUES": true, "ALTER": true, "ADD": true, "CONSTRAINT": true, "PRIMARY": true,
	"KEY": true, "FOREIGN": true, "REFERENCES": true, "UNIQUE": true, "INDEX": true,
	"DEFAULT": true, "CHECK": true, "ON": true, "DELETE": true, "UPDATE": true,
	"IDENTITY": true, "COLLATE": true, "DISTINCT": true, "GO": true, "VIEW": true,
	"TRIGGER": true, "DATABASE": true, "EXEC": true, "EXECUTE": true, "GROUP": true,
	"CLUSTERED": true, "NONCLUSTERED": true, "IF": true, "BEGIN": true,
	"PROCEDURE": true, "FUNCTION": true, "ALL": true, "UNION": true, "JOIN": true,
}

// lex splits T-SQL text into tokens, dropping comments and white space.
func lex(src string) ([]token, error) {
	l := lexer{src: src}
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		l.toks = append(l.toks, t)
		if t.kind == tokEOF {
			return l.toks, nil
		}
	}
}

type lexer struct {
	src  string
	pos  int
	toks []token
}

func (l *lexer) errorf(format string, args ...any) error {
	return fmt.Errorf("at character %d: %s", l.pos+1, fmt.Sprintf(format, args...))
}

func (l *lexer) next() (token, error) {
	if err := l.skipSpace(); err != nil {
		return token{}, err
	}
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tokEOF, pos: start}, nil
	}
	c := l.src[l.pos]
	switch {
	case (c == 'N' || c == 'n') && l.peek(1) == '\'':
		l.pos++
		s, err := l.quoted('\'')
		return token{kind: tokNString, text: s, pos: start}, err
	case c == '\'':
		s, err := l.quoted('\'')
		return token{kind: tokString, text: s, pos: start}, err
	case c == '[':
		s, err := l.quoted(']')
		return token{kind: tokIdent, text: s, pos: start, quoted: true}, err
	case c == '"':
		s, err := l.quoted('"')
		return token{kind: tokIdent, text: s, pos: start, quoted: true}, err
	case c == '0' && (l.peek(1) == 'x' || l.peek(1) == 'X'):
		l.pos += 2
		return token{kind: tokBinary, text: l.take(isHex), pos: start}, nil
	case c >= '0' && c <= '9' || c == '.' && isDigit(l.peek(1)):
		return token{kind: tokNumber, text: l.number(), pos: start}, nil
	case c == '@':
		l.pos++
		if l.peek(0) == '@' {
			l.pos++
		}
		l.take(isWordByte)
		return token{kind: tokParam, text: l.src[start:l.pos], pos: start}, nil
	case isWordStart(l.src[l.pos:]):
		w := l.word()
		if up := strings.ToUpper(w); keywords[up] {
			return token{kind: tokKeyword, text: up, pos: start}, nil
		}
		return token{kind: tokIdent, text: w, pos: start}, nil
	}
	return l.operator(start)
}

func (l *lexer) peek(n int) byte {
	if l.pos+n < len(l.src) {
		return l.src[l.pos+n]
	}
	return 0
}

// skipSpace skips white space, -- line comments and /* */ block comments
// (which nest in T-SQL).
func (l *lexer) skipSpace() error {
	for l.pos < len(l.src) {
		switch c := l.src[l.pos]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			l.pos++
		case c == '-' && l.peek(1) == '-':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case c == '/' && l.peek(1) == '*':
			if err := l.blockComment(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) blockComment() error {
	depth := 0
	for l.pos < len(l.src) {
		switch {
		case l.src[l.pos] == '/' && l.peek(1) == '*':
			depth++
			l.pos += 2
		case l.src[l.pos] == '*' && l.peek(1) == '/':
			depth--
			l.pos += 2
			if depth == 0 {
				return nil
			}
		default:
			l.pos++
		}
	}
	return l.errorf("unterminated /* comment")
}

// quoted reads a string or quoted identifier from its opening character to
// close; a doubled close character stands for one.
func (l *lexer) quoted(close byte) (string, error) {
	start := l.pos
	l.pos++
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if c == close {
			if l.peek(1) == close {
				b.WriteByte(c)
				l.pos += 2
				continue
			}
			l.pos++
			return b.String(), nil
		}
		b.WriteByte(c)
		l.pos++
	}
	l.pos = start
	return "", l.errorf("unterminated %c", l.src[start])
}

func (l *lexer) take(ok func(byte) bool) string {
	start := l.pos
	for l.pos < len(l.src) && ok(l.src[l.pos]) {
		l.pos++
	}
	return l.src[start:l.pos]
}

func (l *lexer) number() string {
	start := l.pos
	l.take(isDigit)
	if l.peek(0) == '.' {
		l.pos++
		l.take(isDigit)
	}
	if c := l.peek(0); (c == 'e' || c == 'E') && (isDigit(l.peek(1)) || (l.peek(1) == '-' || l.peek(1) == '+') && isDigit(l.peek(2))) {
		l.pos += 2
		l.take(isDigit)
	}
	return l.src[start:l.pos]
}

func (l *lexer) word() string {
	start := l.pos
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !(r == '_' || r == '#' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			break
		}
		l.pos += size
	}
	return l.src[start:l.pos]
}

var twoCharOps = []string{"<>", "!=", "<=", ">=", "::", "!<", "!>"}

func (l *lexer) operator(start int) (token, error) {
	for _, op := range twoCharOps {
		if strings.HasPrefix(l.src[l.pos:], op) {
			l.pos += 2
			return token{kind: tokOp, text: op, pos: start}, nil
		}
	}
	c := l.src[l.pos]
	if strings.IndexByte("=<>+-*/%(),.;~&|^", c) >= 0 {
		l.pos++
		return token{kind: tokOp, text: string(c), pos: start}, nil
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
	return token{}, l.errorf("unexpected character %q", r)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isWordByte(c byte) bool {
	return c == '_' || c == '@' || c == '#' || c == '$' || isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isWordStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || r == '#' || unicode.IsLetter(r)
}
