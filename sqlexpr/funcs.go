package sqlexpr

import (
	"fmt"
	"strings"
)

// fn translates a call of a known function.
type fn func(tr *translator, args []val) (val, error)

// functions lists, by dialect, the functions whose PostgreSQL equivalent
// computes the same thing. MySQL's LENGTH counts bytes; SQLite's and
// PostgreSQL's count characters.
var functions = map[Dialect]map[string]fn{
	MySQL: {
		"COALESCE": coalesce, "IFNULL": coalesce, "NULLIF": nullif,
		"LOWER": textFn("lower"), "LCASE": textFn("lower"), "UPPER": textFn("upper"), "UCASE": textFn("upper"),
		"TRIM": textFn("trim"), "LTRIM": textFn("ltrim"), "RTRIM": textFn("rtrim"),
		"LENGTH": lengthFn("octet_length"), "OCTET_LENGTH": lengthFn("octet_length"),
		"CHAR_LENGTH": lengthFn("char_length"), "CHARACTER_LENGTH": lengthFn("char_length"),
		"ABS": abs, "UUID": randomUUID, "JSON_VALID": jsonValid,
	},
	SQLite: {
		"COALESCE": coalesce, "IFNULL": coalesce, "NULLIF": nullif,
		"LOWER": textFn("lower"), "UPPER": textFn("upper"),
		"TRIM": textFn("trim"), "LTRIM": textFn("ltrim"), "RTRIM": textFn("rtrim"),
		"LENGTH": lengthFn("char_length"), "ABS": abs, "JSON_VALID": jsonValid,
	},
	// SQL Server's LEN ignores trailing spaces and DATALENGTH counts UTF-16
	// bytes: neither has a PostgreSQL twin, so neither is listed.
	SQLServer: {
		"COALESCE": coalesce, "ISNULL": coalesce, "NULLIF": nullif,
		"LOWER": textFn("lower"), "UPPER": textFn("upper"),
		"TRIM": textFn("trim"), "LTRIM": textFn("ltrim"), "RTRIM": textFn("rtrim"),
		"ABS": abs, "NEWID": randomUUID,
	},
	Postgres: {
		"COALESCE": coalesce, "NULLIF": nullif,
		"LOWER": textFn("lower"), "UPPER": textFn("upper"),
		"BTRIM": textFn("btrim"), "LTRIM": textFn("ltrim"), "RTRIM": textFn("rtrim"),
		"LENGTH": lengthFn("char_length"), "CHAR_LENGTH": lengthFn("char_length"),
		"CHARACTER_LENGTH": lengthFn("char_length"), "OCTET_LENGTH": lengthFn("octet_length"),
		"ABS": abs, "GEN_RANDOM_UUID": randomUUID, "UUID_GENERATE_V4": randomUUID,
	},
}

func (tr *translator) call(n Call) (val, error) {
	if spec, ok := tr.nowCall(n); ok {
		if !tr.inDefault {
			return val{}, fmt.Errorf("it reads the current time, which a CHECK cannot")
		}
		return val{now: spec}, nil
	}
	f, ok := functions[tr.d][n.Name]
	if !ok || n.Bare {
		return val{}, fmt.Errorf("%s() has no PostgreSQL equivalent known", strings.ToLower(n.Name))
	}
	args := make([]val, len(n.Args))
	for i, a := range n.Args {
		v, err := tr.node(a)
		if err != nil {
			return val{}, err
		}
		args[i] = v
	}
	v, err := f(tr, args)
	if err != nil {
		return val{}, fmt.Errorf("%s(): %w", strings.ToLower(n.Name), err)
	}
	return v, nil
}

func arity(args []val, n int) error {
	if len(args) != n {
		return fmt.Errorf("%d arguments, translated with %d only", len(args), n)
	}
	return nil
}

// coalesce gives every argument the class of the first that has one.
func coalesce(tr *translator, args []val) (val, error) {
	if len(args) == 0 {
		return val{}, fmt.Errorf("no arguments")
	}
	typed := val{cls: clsUntyped}
	for _, a := range args {
		if a.lit == nil && a.cls != clsNull {
			typed = a
			break
		}
	}
	parts := make([]string, len(args))
	for i, a := range args {
		s, err := tr.operand(a, typed)
		if err != nil {
			return val{}, err
		}
		if a.lit == nil && a.cls != clsNull && !comparable(a.cls, typed.cls) {
			return val{}, fmt.Errorf("it mixes %s and %s", typed.cls, a.cls)
		}
		parts[i] = s
	}
	cls := typed.cls
	if cls == clsUntyped {
		cls = clsText
	}
	return val{sql: "COALESCE(" + strings.Join(parts, ", ") + ")", cls: cls, members: typed.members}, nil
}

func nullif(tr *translator, args []val) (val, error) {
	if err := arity(args, 2); err != nil {
		return val{}, err
	}
	ls, rs, cls, err := tr.operands(args[0], args[1])
	if err != nil {
		return val{}, err
	}
	return val{sql: "NULLIF(" + ls + ", " + rs + ")", cls: cls}, nil
}

func textFn(name string) fn {
	return func(tr *translator, args []val) (val, error) {
		if err := arity(args, 1); err != nil {
			return val{}, err
		}
		s, err := tr.textOperand(args[0])
		if err != nil {
			return val{}, err
		}
		return val{sql: name + "(" + s + ")", cls: clsText}, nil
	}
}

func lengthFn(name string) fn {
	return func(tr *translator, args []val) (val, error) {
		if err := arity(args, 1); err != nil {
			return val{}, err
		}
		s, err := tr.textOperand(args[0])
		if err != nil {
			return val{}, err
		}
		return val{sql: name + "(" + s + ")", cls: clsInt}, nil
	}
}

func abs(tr *translator, args []val) (val, error) {
	if err := arity(args, 1); err != nil {
		return val{}, err
	}
	a := args[0]
	if !a.cls.numeric() {
		return val{}, fmt.Errorf("%s is not a number", a.describe())
	}
	return val{sql: "abs(" + a.sql + ")", cls: a.cls}, nil
}

// randomUUID is gen_random_uuid(), in PostgreSQL's core since 13. MySQL's
// UUID() makes version 1 UUIDs, gen_random_uuid() version 4: both unique,
// neither meant to be read.
func randomUUID(tr *translator, args []val) (val, error) {
	if err := arity(args, 0); err != nil {
		return val{}, err
	}
	if !tr.inDefault {
		return val{}, fmt.Errorf("a random value in a CHECK is not translated")
	}
	return val{sql: "gen_random_uuid()", cls: clsUUID}, nil
}

// jsonValid of a column that is JSON in the target holds, or is NULL for
// NULL as in the source: jsonb accepts nothing else.
func jsonValid(tr *translator, args []val) (val, error) {
	if err := arity(args, 1); err != nil {
		return val{}, err
	}
	if args[0].cls != clsJSON {
		return val{}, fmt.Errorf("%s is not a JSON column", args[0].describe())
	}
	return val{sql: "(" + args[0].sql + " IS NOT NULL OR NULL)", cls: clsBool}, nil
}

// like translates LIKE on text. SQLite's LIKE has no escape character
// unless one is given, and ignores the case of ASCII letters; MySQL's and
// PostgreSQL's escape with a backslash.
func (tr *translator) like(n Like) (val, error) {
	if n.Op != "LIKE" && n.Op != "ILIKE" {
		return val{}, fmt.Errorf("%s is not translated", n.Op)
	}
	x, err := tr.node(n.X)
	if err != nil {
		return val{}, err
	}
	pat, err := tr.node(n.Pattern)
	if err != nil {
		return val{}, err
	}
	xs, err := tr.textOperand(x)
	if err != nil {
		return val{}, fmt.Errorf("LIKE: %w", err)
	}
	ps, err := tr.textOperand(pat)
	if err != nil {
		return val{}, fmt.Errorf("LIKE: %w", err)
	}
	op := n.Op
	if tr.d == SQLite && n.Op == "LIKE" {
		if pat.lit == nil || !isASCII(pat.lit.Text) {
			return val{}, fmt.Errorf("SQLite's LIKE ignores case for ASCII letters only; it is translated for an ASCII pattern only")
		}
		op = "ILIKE"
	}
	if n.Not {
		op = "NOT " + op
	}
	esc, err := tr.escape(n.Escape)
	if err != nil {
		return val{}, err
	}
	return val{sql: "(" + xs + " " + op + " " + ps + esc + ")", cls: clsBool}, nil
}

func (tr *translator) escape(e Node) (string, error) {
	if e == nil {
		if tr.d == SQLite {
			return " ESCAPE ''", nil
		}
		return "", nil
	}
	v, err := tr.node(e)
	if err != nil {
		return "", err
	}
	if v.lit == nil || v.lit.Kind != LitString {
		return "", fmt.Errorf("LIKE ... ESCAPE takes a string")
	}
	s, err := QuoteString(v.lit.Text)
	return " ESCAPE " + s, err
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
