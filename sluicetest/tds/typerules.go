package tds

import (
	"bytes"
	"cmp"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// precedence is SQL Server's data type precedence, highest first: an
// operation on two types converts the lower to the higher.
var precedence = []string{
	"geometry", "geography", "hierarchyid", "sql_variant", "xml", "datetimeoffset",
	"datetime2", "datetime", "smalldatetime", "date", "time", "float", "real",
	"decimal", "numeric", "money", "smallmoney", "bigint", "int", "smallint",
	"tinyint", "bit", "ntext", "text", "image", "timestamp", "uniqueidentifier",
	"nvarchar", "sysname", "nchar", "varchar", "char", "varbinary", "binary",
}

func rank(name string) int {
	for i, n := range precedence {
		if n == name {
			return i
		}
	}
	return len(precedence)
}

// resultType is the higher of two types, widened so both fit.
func resultType(a, b ColType) (ColType, error) {
	if rank(b.Name) < rank(a.Name) {
		a, b = b, a
	}
	switch a.family() {
	case famDecimal:
		pa, sa := a.PrecisionScale()
		pb, sb := b.PrecisionScale()
		if b.family() == famDecimal || b.family() == famMoney {
			scale := max(sa, sb)
			a.Precision, a.Scale = min(38, max(pa-sa, pb-sb)+scale), scale
		} else if b.family() == famInt {
			a.Precision = min(38, max(pa, pb+sa))
		}
	case famChar, famNChar, famBinary:
		if a.Length != Max && (b.Length == Max || b.Length > a.Length) {
			a.Length = b.Length
		}
		if a.Collation == nil {
			a.Collation = b.Collation
		}
	case famUDT:
		if b.family() == famUDT && b.Name != a.Name {
			return ColType{}, fmt.Errorf("operand type clash: %s is incompatible with %s", a.Name, b.Name)
		}
	}
	return a, nil
}

// commonType is the type two operands are compared in.
func commonType(a, b ColType) (ColType, error) {
	if a.family() == famGUID && isStringFamily(b) || b.family() == famGUID && isStringFamily(a) {
		return ColType{Name: "uniqueidentifier"}, nil
	}
	return resultType(a, b)
}

func isStringFamily(t ColType) bool {
	f := t.family()
	return f == famChar || f == famNChar || f == famText || f == famNText
}

// compareValues orders two values already converted to type t; strings
// compare under coll.
func compareValues(a, b any, t ColType, coll *Collation) (int, error) {
	switch x := a.(type) {
	case int64:
		return cmp.Compare(x, b.(int64)), nil
	case bool:
		return cmp.Compare(boolInt(x), boolInt(b.(bool))), nil
	case float64:
		return cmp.Compare(x, b.(float64)), nil
	case Decimal:
		return x.Rat().Cmp(b.(Decimal).Rat()), nil
	case string:
		if coll == nil {
			coll = DefaultCollation
		}
		return coll.Compare(valueText(x, t), valueText(b, t)), nil
	case []byte:
		return bytes.Compare(bytes.TrimRight(x, "\x00"), bytes.TrimRight(b.([]byte), "\x00")), nil
	case time.Time:
		return x.Compare(b.(time.Time)), nil
	case time.Duration:
		return cmp.Compare(x, b.(time.Duration)), nil
	case GUID:
		return compareGUID(x, b.(GUID)), nil
	case UDT:
		return strings.Compare(x.Text, b.(UDT).Text), nil
	}
	return 0, fmt.Errorf("values of type %s cannot be compared", t)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// arithmetic is + - * / % on numbers, and + as concatenation of strings or
// of binary values.
func arithmetic(op string, l, r *compiled) (*compiled, error) {
	if op == "+" && concatenable(l.typ, r.typ) {
		return concatenation(l, r)
	}
	t, err := resultType(l.typ, r.typ)
	if err != nil {
		return nil, err
	}
	switch t.family() {
	case famInt, famDecimal, famMoney, famFloat, famBit:
	default:
		return nil, fmt.Errorf("operator %s is not defined for %s and %s", op, l.typ, r.typ)
	}
	if t.family() == famBit {
		t = ColType{Name: "int"}
	}
	if t.family() == famDecimal && (op == "*" || op == "/") {
		t.Precision, t.Scale = 38, min(38, max(t.Scale, 6))
	}
	return &compiled{typ: t, nullable: true, eval: func(c *evalCtx) (any, error) {
		a, b, err := evalPair(c, l, r, t)
		if err != nil || a == nil || b == nil {
			return nil, err
		}
		return compute(op, a, b, t)
	}}, nil
}

func concatenable(a, b ColType) bool {
	return isStringFamily(a) && isStringFamily(b) ||
		a.family() == famBinary && b.family() == famBinary
}

func concatenation(l, r *compiled) (*compiled, error) {
	t, err := resultType(l.typ, r.typ)
	if err != nil {
		return nil, err
	}
	t.Length = Max
	return &compiled{typ: t, nullable: true, eval: func(c *evalCtx) (any, error) {
		a, b, err := evalPair(c, l, r, t)
		if err != nil || a == nil || b == nil {
			return nil, err
		}
		if x, ok := a.([]byte); ok {
			return append(append([]byte{}, x...), b.([]byte)...), nil
		}
		return a.(string) + b.(string), nil
	}}, nil
}

func compute(op string, a, b any, t ColType) (any, error) {
	switch x := a.(type) {
	case int64:
		return computeInt(op, x, b.(int64), t)
	case float64:
		return computeFloat(op, x, b.(float64))
	case Decimal:
		return computeDecimal(op, x.Rat(), b.(Decimal).Rat(), t)
	}
	return nil, fmt.Errorf("operator %s is not defined for %s", op, t)
}

func computeInt(op string, a, b int64, t ColType) (any, error) {
	var n int64
	switch op {
	case "+":
		n = a + b
	case "-":
		n = a - b
	case "*":
		n = a * b
	case "/", "%":
		if b == 0 {
			return nil, fmt.Errorf("divide by zero error encountered")
		}
		n = a / b
		if op == "%" {
			n = a % b
		}
	case "&":
		n = a & b
	case "|":
		n = a | b
	case "^":
		n = a ^ b
	}
	if lo, hi := intRange(t.Name); n < lo || n > hi {
		return nil, fmt.Errorf("arithmetic overflow error converting expression to data type %s", t.Name)
	}
	return n, nil
}

func computeFloat(op string, a, b float64) (any, error) {
	switch op {
	case "+":
		return a + b, nil
	case "-":
		return a - b, nil
	case "*":
		return a * b, nil
	case "/":
		if b == 0 {
			return nil, fmt.Errorf("divide by zero error encountered")
		}
		return a / b, nil
	}
	return nil, fmt.Errorf("operator %s is not defined for float", op)
}

func computeDecimal(op string, a, b *big.Rat, t ColType) (any, error) {
	r := new(big.Rat)
	switch op {
	case "+":
		r.Add(a, b)
	case "-":
		r.Sub(a, b)
	case "*":
		r.Mul(a, b)
	case "/":
		if b.Sign() == 0 {
			return nil, fmt.Errorf("divide by zero error encountered")
		}
		r.Quo(a, b)
	default:
		return nil, fmt.Errorf("operator %s is not defined for decimal", op)
	}
	return convert(decimalFromRat(r, 20), ColType{Name: "decimal", Precision: 38, Scale: 20}, t, false)
}

// like matches a LIKE pattern (% and _) under the left operand's collation.
func like(l, r *compiled) (*compiled, error) {
	coll := comparisonCollation(l.typ, r.typ)
	if coll == nil {
		coll = DefaultCollation
	}
	return &compiled{typ: boolType, eval: func(c *evalCtx) (any, error) {
		a, err := l.eval(c)
		if err != nil || a == nil {
			return nil, err
		}
		p, err := r.eval(c)
		if err != nil || p == nil {
			return nil, err
		}
		return likeMatch([]rune(valueText(a, l.typ)), []rune(valueText(p, r.typ)), coll), nil
	}}, nil
}

func likeMatch(s, p []rune, coll *Collation) bool {
	if len(p) == 0 {
		return len(s) == 0
	}
	switch p[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(s[i:], p[1:], coll) {
				return true
			}
		}
		return false
	case '_':
		return len(s) > 0 && likeMatch(s[1:], p[1:], coll)
	}
	return len(s) > 0 && coll.Compare(string(s[0]), string(p[0])) == 0 && likeMatch(s[1:], p[1:], coll)
}
