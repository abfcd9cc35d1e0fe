package tds

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"strings"
	"unicode/utf16"
)

// aggregator accumulates one aggregate function over the rows of a query.
type aggregator struct {
	fn    string
	arg   *compiled // nil for COUNT(*)
	typ   ColType
	count int64
	acc   any
}

func (a *aggregator) step(c *evalCtx) error {
	if a.arg == nil {
		a.count++
		return nil
	}
	v, err := a.arg.eval(c)
	if err != nil || v == nil {
		return err
	}
	a.count++
	switch a.fn {
	case "COUNT", "COUNT_BIG":
		return nil
	case "SUM":
		return a.add(v)
	}
	return a.extreme(v)
}

func (a *aggregator) add(v any) error {
	v, err := convert(v, a.arg.typ, a.typ, false)
	if err != nil || a.acc == nil {
		a.acc = v
		return err
	}
	a.acc, err = compute("+", a.acc, v, a.typ)
	return err
}

func (a *aggregator) extreme(v any) error {
	if a.acc == nil {
		a.acc = v
		return nil
	}
	n, err := compareValues(v, a.acc, a.typ, a.typ.Collation)
	if err == nil && (a.fn == "MIN" && n < 0 || a.fn == "MAX" && n > 0) {
		a.acc = v
	}
	return err
}

func (a *aggregator) result() any {
	switch a.fn {
	case "COUNT", "COUNT_BIG":
		return a.count
	}
	return a.acc
}

var aggregates = map[string]bool{"COUNT": true, "COUNT_BIG": true, "SUM": true, "MIN": true, "MAX": true}

func (s *scope) compileAggregate(x call) (*compiled, error) {
	if s.aggs == nil {
		return nil, fmt.Errorf("an aggregate may not appear here")
	}
	a := &aggregator{fn: x.name}
	if !x.star {
		if len(x.args) != 1 {
			return nil, fmt.Errorf("%s takes one argument", x.name)
		}
		inner := *s
		inner.aggs = nil
		arg, err := inner.compile(x.args[0])
		if err != nil {
			return nil, err
		}
		a.arg = arg
	}
	var err error
	if a.typ, err = aggregateType(a); err != nil {
		return nil, err
	}
	*s.aggs = append(*s.aggs, a)
	return &compiled{typ: a.typ, nullable: a.fn != "COUNT" && a.fn != "COUNT_BIG",
		eval: func(*evalCtx) (any, error) { return a.result(), nil }}, nil
}

func aggregateType(a *aggregator) (ColType, error) {
	switch a.fn {
	case "COUNT":
		return ColType{Name: "int"}, nil
	case "COUNT_BIG":
		return ColType{Name: "bigint"}, nil
	case "MIN", "MAX":
		return a.arg.typ, nil
	}
	t := a.arg.typ
	switch t.family() {
	case famInt:
		if t.Name != "bigint" {
			t = ColType{Name: "int"}
		}
	case famDecimal:
		t.Precision = 38
	case famMoney:
		t = ColType{Name: "money"}
	case famFloat:
		t = ColType{Name: "float"}
	default:
		return ColType{}, fmt.Errorf("operand data type %s is invalid for sum operator", t.Name)
	}
	return t, nil
}

// scalar is a built-in function: its argument count and how it types and
// evaluates.
type scalar func(s *scope, args []*compiled) (*compiled, error)

var scalars map[string]scalar

func init() {
	scalars = map[string]scalar{
		"ISNULL": fnIsNull, "COALESCE": fnCoalesce, "DATALENGTH": fnDataLength,
		"LEN": fnLen, "HASHBYTES": fnHashBytes, "SUBSTRING": fnSubstring, "CONCAT": fnConcat,
		"UPPER": fnCase(strings.ToUpper), "LOWER": fnCase(strings.ToLower),
		"DB_NAME": fnDBName, "SCHEMA_NAME": fnSchemaName, "COLLATIONPROPERTY": fnCollationProperty,
		"SERVERPROPERTY": fnServerProperty, "DATABASEPROPERTYEX": fnDatabaseProperty,
		"REPLICATE": fnReplicate, "CHAR": fnChar("varchar"), "NCHAR": fnChar("nvarchar"),
		"CHANGE_TRACKING_CURRENT_VERSION": fnCTCurrentVersion, "CHANGE_TRACKING_MIN_VALID_VERSION": fnCTMinValidVersion,
		"OBJECT_ID": fnObjectID, "FN_CDC_GET_MAX_LSN": fnCDCMaxLSN, "FN_CDC_GET_MIN_LSN": fnCDCMinLSN, "FN_CDC_MAP_LSN_TO_TIME": fnCDCLSNTime,
	}
}

func (s *scope) compileCall(x call) (*compiled, error) {
	if aggregates[x.name] {
		return s.compileAggregate(x)
	}
	fn, ok := scalars[x.name]
	if !ok || x.star {
		return nil, fmt.Errorf("function %s is not supported by the test server", x.name)
	}
	args := make([]*compiled, len(x.args))
	for i, a := range x.args {
		var err error
		if args[i], err = s.compile(a); err != nil {
			return nil, err
		}
	}
	return fn(s, args)
}

func wantArgs(name string, args []*compiled, n int) error {
	if len(args) != n {
		return fmt.Errorf("the %s function requires %d argument(s)", strings.ToLower(name), n)
	}
	return nil
}

// evalArgs evaluates every argument; nulls reports whether any is NULL.
func evalArgs(c *evalCtx, args []*compiled) (vals []any, nulls bool, err error) {
	vals = make([]any, len(args))
	for i, a := range args {
		if vals[i], err = a.eval(c); err != nil {
			return nil, false, err
		}
		nulls = nulls || vals[i] == nil
	}
	return vals, nulls, nil
}

func fnIsNull(_ *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("ISNULL", args, 2); err != nil {
		return nil, err
	}
	a, b := args[0], args[1]
	return &compiled{typ: a.typ, nullable: b.nullable, eval: func(c *evalCtx) (any, error) {
		v, err := a.eval(c)
		if err != nil || v != nil {
			return v, err
		}
		if v, err = b.eval(c); err != nil {
			return nil, err
		}
		return convert(v, b.typ, a.typ, false)
	}}, nil
}

func fnCoalesce(_ *scope, args []*compiled) (*compiled, error) {
	if len(args) < 2 {
		return nil, fmt.Errorf("the coalesce function requires at least two arguments")
	}
	t := args[0].typ
	for _, a := range args[1:] {
		var err error
		if t, err = resultType(t, a.typ); err != nil {
			return nil, err
		}
	}
	return &compiled{typ: t, nullable: true, eval: func(c *evalCtx) (any, error) {
		for _, a := range args {
			v, err := a.eval(c)
			if err != nil || v != nil {
				if err != nil {
					return nil, err
				}
				return convert(v, a.typ, t, false)
			}
		}
		return nil, nil
	}}, nil
}

func fnDataLength(_ *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("DATALENGTH", args, 1); err != nil {
		return nil, err
	}
	a := args[0]
	t := ColType{Name: "int"}
	if a.typ.IsMax() {
		t = ColType{Name: "bigint"}
	}
	return &compiled{typ: t, nullable: true, eval: func(c *evalCtx) (any, error) {
		v, err := a.eval(c)
		if err != nil || v == nil {
			return nil, err
		}
		return int64(len(hashInput(v, a.typ))), nil
	}}, nil
}

// hashInput is the bytes HASHBYTES and DATALENGTH see: a string's bytes in
// its own encoding, a binary value's bytes, the storage form otherwise.
func hashInput(v any, t ColType) []byte {
	if b := rawBytes(t, v); b != nil {
		return b
	}
	b, _ := binaryForm(v, t)
	return b
}

func fnLen(_ *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("LEN", args, 1); err != nil {
		return nil, err
	}
	a := args[0]
	return &compiled{typ: ColType{Name: "int"}, nullable: true, eval: func(c *evalCtx) (any, error) {
		v, err := a.eval(c)
		if err != nil || v == nil {
			return nil, err
		}
		return int64(len([]rune(strings.TrimRight(valueText(v, a.typ), " ")))), nil
	}}, nil
}

func fnHashBytes(_ *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("HASHBYTES", args, 2); err != nil {
		return nil, err
	}
	return &compiled{typ: ColType{Name: "varbinary", Length: 8000}, nullable: true, eval: func(c *evalCtx) (any, error) {
		vals, nulls, err := evalArgs(c, args)
		if err != nil || nulls {
			return nil, err
		}
		data := hashInput(vals[1], args[1].typ)
		switch strings.ToUpper(valueText(vals[0], args[0].typ)) {
		case "SHA2_256":
			h := sha256.Sum256(data)
			return h[:], nil
		case "SHA2_512":
			h := sha512.Sum512(data)
			return h[:], nil
		case "SHA1":
			h := sha1.Sum(data)
			return h[:], nil
		case "MD5":
			h := md5.Sum(data)
			return h[:], nil
		}
		return nil, fmt.Errorf("HASHBYTES algorithm %s is not supported", valueText(vals[0], args[0].typ))
	}}, nil
}

func fnSubstring(_ *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("SUBSTRING", args, 3); err != nil {
		return nil, err
	}
	t := args[0].typ
	return &compiled{typ: t, nullable: true, eval: func(c *evalCtx) (any, error) {
		vals, nulls, err := evalArgs(c, args)
		if err != nil || nulls {
			return nil, err
		}
		start, err := convert(vals[1], args[1].typ, ColType{Name: "bigint"}, false)
		if err != nil {
			return nil, err
		}
		n, err := convert(vals[2], args[2].typ, ColType{Name: "bigint"}, false)
		if err != nil {
			return nil, err
		}
		return substring(vals[0], t, start.(int64), n.(int64))
	}}, nil
}

func substring(v any, t ColType, start, n int64) (any, error) {
	if n < 0 {
		return nil, fmt.Errorf("invalid length parameter passed to the substring function")
	}
	cut := func(size int64) (int64, int64) {
		lo, hi := max(start-1, 0), min(start-1+n, size)
		if hi < lo {
			hi = lo
		}
		return min(lo, size), hi
	}
	switch x := v.(type) {
	case []byte:
		lo, hi := cut(int64(len(x)))
		return append([]byte{}, x[lo:hi]...), nil
	case string:
		if f := t.family(); f == famNChar || f == famNText {
			u := utf16.Encode([]rune(x))
			lo, hi := cut(int64(len(u)))
			return string(utf16.Decode(u[lo:hi])), nil
		}
		lo, hi := cut(int64(len(x)))
		return x[lo:hi], nil
	}
	return nil, fmt.Errorf("argument data type %s is invalid for argument 1 of substring function", t.Name)
}

func fnConcat(_ *scope, args []*compiled) (*compiled, error) {
	t := ColType{Name: "varchar", Length: Max, Collation: DefaultCollation}
	for _, a := range args {
		if a.typ.family() != famChar && a.typ.family() != famText {
			t = ColType{Name: "nvarchar", Length: Max, Collation: DefaultCollation}
		}
	}
	return &compiled{typ: t, eval: func(c *evalCtx) (any, error) {
		var b strings.Builder
		for _, a := range args {
			v, err := a.eval(c)
			if err != nil {
				return nil, err
			}
			if v != nil {
				b.WriteString(valueText(v, a.typ))
			}
		}
		if t.Name == "varchar" {
			return encodeCodePage(b.String(), t.Collation), nil
		}
		return b.String(), nil
	}}, nil
}

func fnCase(f func(string) string) scalar {
	return func(_ *scope, args []*compiled) (*compiled, error) {
		if err := wantArgs("UPPER", args, 1); err != nil {
			return nil, err
		}
		a := args[0]
		return &compiled{typ: a.typ, nullable: true, eval: func(c *evalCtx) (any, error) {
			v, err := a.eval(c)
			if err != nil || v == nil {
				return nil, err
			}
			if s, ok := v.(string); ok {
				return convert(f(valueText(s, a.typ)), ColType{Name: "nvarchar", Length: Max}, a.typ, false)
			}
			return v, nil
		}}, nil
	}
}

var sysname = ColType{Name: "nvarchar", Length: 128, Collation: DefaultCollation}

func fnDBName(s *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("DB_NAME", args, 0); err != nil {
		return nil, err
	}
	return constant(sysname, s.sess.db.Name), nil
}

func fnSchemaName(s *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("SCHEMA_NAME", args, 1); err != nil {
		return nil, err
	}
	a, db := args[0], s.sess.db
	return &compiled{typ: sysname, nullable: true, eval: func(c *evalCtx) (any, error) {
		v, err := a.eval(c)
		if err != nil || v == nil {
			return nil, err
		}
		for _, name := range db.Schemas {
			if int64(db.SchemaID(name)) == v {
				return name, nil
			}
		}
		return nil, nil
	}}, nil
}

var variantType = ColType{Name: "sql_variant"}

func variantOf(t ColType, v any) any {
	if v == nil {
		return nil
	}
	return Variant{Type: t, Value: v}
}

func fnCollationProperty(_ *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("COLLATIONPROPERTY", args, 2); err != nil {
		return nil, err
	}
	return &compiled{typ: variantType, nullable: true, eval: func(c *evalCtx) (any, error) {
		vals, nulls, err := evalArgs(c, args)
		if err != nil || nulls {
			return nil, err
		}
		coll, err := LookupCollation(valueText(vals[0], args[0].typ))
		if err != nil {
			return nil, nil // SQL Server answers NULL for an unknown collation
		}
		switch strings.ToLower(valueText(vals[1], args[1].typ)) {
		case "codepage":
			return variantOf(ColType{Name: "int"}, int64(coll.CodePage)), nil
		case "lcid":
			return variantOf(ColType{Name: "int"}, int64(coll.LCID)), nil
		}
		return nil, nil
	}}, nil
}

// serverProperties answer SERVERPROPERTY for what clients and the source ask.
var serverProperties = map[string]any{
	"productversion": "16.0.4135.4", "productmajorversion": "16", "edition": "Sluice TDS test server",
	"engineedition": int64(3), "productlevel": "RTM", "servername": "sluice-tds",
	"collation": DefaultCollation.Name, "isfulltextinstalled": int64(0),
}

func fnServerProperty(_ *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("SERVERPROPERTY", args, 1); err != nil {
		return nil, err
	}
	return &compiled{typ: variantType, nullable: true, eval: func(c *evalCtx) (any, error) {
		v, err := args[0].eval(c)
		if err != nil || v == nil {
			return nil, err
		}
		switch p := serverProperties[strings.ToLower(valueText(v, args[0].typ))].(type) {
		case string:
			return variantOf(ColType{Name: "nvarchar", Length: 128, Collation: DefaultCollation}, p), nil
		case int64:
			return variantOf(ColType{Name: "int"}, p), nil
		}
		return nil, nil
	}}, nil
}

func fnDatabaseProperty(s *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("DATABASEPROPERTYEX", args, 2); err != nil {
		return nil, err
	}
	srv := s.sess.srv
	return &compiled{typ: variantType, nullable: true, eval: func(c *evalCtx) (any, error) {
		vals, nulls, err := evalArgs(c, args)
		if err != nil || nulls {
			return nil, err
		}
		db := srv.database(valueText(vals[0], args[0].typ))
		if db == nil {
			return nil, nil
		}
		text := ColType{Name: "nvarchar", Length: 128, Collation: DefaultCollation}
		switch strings.ToLower(valueText(vals[1], args[1].typ)) {
		case "collation":
			return variantOf(text, db.Collation.Name), nil
		case "updateability":
			return variantOf(text, "READ_WRITE"), nil
		case "status":
			return variantOf(text, "ONLINE"), nil
		}
		return nil, nil
	}}, nil
}

func fnReplicate(_ *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("REPLICATE", args, 2); err != nil {
		return nil, err
	}
	t := args[0].typ
	if t.Length != Max {
		t.Length = 8000
		if t.family() == famNChar {
			t.Length = 4000
		}
	}
	return &compiled{typ: t, nullable: true, eval: func(c *evalCtx) (any, error) {
		vals, nulls, err := evalArgs(c, args)
		if err != nil || nulls {
			return nil, err
		}
		n, err := convert(vals[1], args[1].typ, ColType{Name: "bigint"}, false)
		if err != nil {
			return nil, err
		}
		s, ok := vals[0].(string)
		if !ok || n.(int64) < 0 {
			return nil, nil
		}
		return fitReplicate(strings.Repeat(s, int(n.(int64))), t), nil
	}}, nil
}

// fitReplicate cuts a result that is not (max) at its type's length, as
// REPLICATE of a non-max string does.
func fitReplicate(s string, t ColType) string {
	if t.Length == Max {
		return s
	}
	if t.family() == famNChar {
		if u := utf16.Encode([]rune(s)); len(u) > t.Length {
			return string(utf16.Decode(u[:t.Length]))
		}
		return s
	}
	return s[:min(len(s), t.Length)]
}

// fnChar is CHAR(n) or NCHAR(n): the character with that code.
func fnChar(typeName string) scalar {
	return func(s *scope, args []*compiled) (*compiled, error) {
		if err := wantArgs(strings.ToUpper(typeName), args, 1); err != nil {
			return nil, err
		}
		t := ColType{Name: typeName, Length: 1, Collation: s.sess.collation()}
		return &compiled{typ: t, nullable: true, eval: func(c *evalCtx) (any, error) {
			v, err := args[0].eval(c)
			if err != nil || v == nil {
				return nil, err
			}
			n, err := convert(v, args[0].typ, ColType{Name: "int"}, false)
			if err != nil {
				return nil, err
			}
			if typeName == "varchar" {
				return string([]byte{byte(n.(int64))}), nil
			}
			return string(rune(n.(int64))), nil
		}}, nil
	}
}
