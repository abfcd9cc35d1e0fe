package tds

import (
	"fmt"
	"strconv"
	"strings"
)

// The test server keeps CLR values (hierarchyid, geometry, geography) as
// their text forms; these are the members and constructors a query or a
// fixture may use on them.

func (s *scope) compileMethod(x method) (*compiled, error) {
	in, err := s.compile(x.x)
	if err != nil {
		return nil, err
	}
	if in.typ.family() != famUDT {
		return nil, fmt.Errorf("cannot call methods on %s", in.typ.Name)
	}
	member := strings.ToLower(x.name)
	var t ColType
	var get func(u UDT) any
	switch {
	case member == "tostring" && !x.prop && len(x.args) == 0:
		t, get = ColType{Name: "nvarchar", Length: 4000, Collation: DefaultCollation}, func(u UDT) any { return u.Text }
	case member == "stastext" && !x.prop && len(x.args) == 0 && in.typ.Name != "hierarchyid":
		t, get = ColType{Name: "nvarchar", Length: Max, Collation: DefaultCollation}, func(u UDT) any { return u.Text }
	case member == "stsrid" && x.prop && in.typ.Name != "hierarchyid":
		t, get = ColType{Name: "int"}, func(u UDT) any { return int64(u.SRID) }
	default:
		return nil, fmt.Errorf("%s has no member %s that the test server supports", in.typ.Name, x.name)
	}
	return &compiled{typ: t, nullable: true, eval: func(c *evalCtx) (any, error) {
		v, err := in.eval(c)
		if err != nil || v == nil {
			return nil, err
		}
		return get(v.(UDT)), nil
	}}, nil
}

func (s *scope) compileStatic(x static) (*compiled, error) {
	args := make([]*compiled, len(x.args))
	for i, a := range x.args {
		var err error
		if args[i], err = s.compile(a); err != nil {
			return nil, err
		}
	}
	build, err := constructor(x.typ, strings.ToLower(x.name), len(args))
	if err != nil {
		return nil, err
	}
	t, _ := MakeType(x.typ, nil, nil)
	return &compiled{typ: t, nullable: true, eval: func(c *evalCtx) (any, error) {
		vals, nulls, err := evalArgs(c, args)
		if err != nil || nulls {
			return nil, err
		}
		texts := make([]string, len(vals))
		for i, v := range vals {
			texts[i] = valueText(v, args[i].typ)
		}
		return build(texts)
	}}, nil
}

// constructor returns how a static method of a CLR type builds its value.
func constructor(typ, name string, nargs int) (func([]string) (any, error), error) {
	switch {
	case typ == "hierarchyid" && name == "parse" && nargs == 1:
		return func(a []string) (any, error) { return UDT{Type: typ, Text: a[0]}, nil }, nil
	case typ == "hierarchyid" && name == "getroot" && nargs == 0:
		return func([]string) (any, error) { return UDT{Type: typ, Text: "/"}, nil }, nil
	case (typ == "geometry" || typ == "geography") && (name == "stgeomfromtext" || name == "parse") && nargs <= 2:
		return func(a []string) (any, error) { return spatial(typ, a[0], a[1:]) }, nil
	case typ == "geometry" && name == "point" && nargs == 3:
		return func(a []string) (any, error) { return spatial(typ, "POINT ("+a[0]+" "+a[1]+")", a[2:]) }, nil
	case typ == "geography" && name == "point" && nargs == 3: // Point(lat, long, srid): WKT is long lat
		return func(a []string) (any, error) { return spatial(typ, "POINT ("+a[1]+" "+a[0]+")", a[2:]) }, nil
	}
	return nil, fmt.Errorf("%s::%s with %d arguments is not supported by the test server", typ, name, nargs)
}

func spatial(typ, wkt string, srid []string) (any, error) {
	u := UDT{Type: typ, Text: wkt}
	if typ == "geography" {
		u.SRID = 4326
	}
	if len(srid) > 0 {
		n, err := strconv.Atoi(strings.TrimSpace(srid[0]))
		if err != nil {
			return nil, fmt.Errorf("SRID %q is not a number", srid[0])
		}
		u.SRID = n
	}
	return u, nil
}
