package tds

import (
	"fmt"
	"strings"
)

// procExecuteSQL is sp_executesql's ProcID (MS-TDS 2.2.6.6).
const procExecuteSQL = 10

// rpcParam is one parameter of an RPC request.
type rpcParam struct {
	name string
	typ  ColType
	v    any
}

// parseRPC reads an RPC request: the procedure (by id or name) and its
// parameters.
func parseRPC(p []byte) (string, []rpcParam, error) {
	body, err := skipAllHeaders(p)
	if err != nil {
		return "", nil, err
	}
	r := &reader{b: body}
	proc := ""
	if n := r.u16(); n == 0xFFFF {
		if id := r.u16(); id == procExecuteSQL {
			proc = "sp_executesql"
		} else {
			proc = fmt.Sprintf("procedure id %d", id)
		}
	} else {
		proc = r.ucs2(int(n))
	}
	r.u16() // option flags
	var params []rpcParam
	for r.err == nil && len(r.b) > 0 && r.b[0] != 0xFF && r.b[0] != 0x80 {
		name := r.bVarChar()
		r.byte() // status flags
		pt := r.readTypeInfo()
		if r.err != nil {
			break
		}
		t, v := r.readParamValue(pt)
		params = append(params, rpcParam{name: name, typ: t, v: v})
	}
	if r.err != nil {
		return proc, nil, fmt.Errorf("read RPC %s: %w", proc, r.err)
	}
	return proc, params, nil
}

func (c *conn) answerRPC(payload []byte) error {
	w := c.writer()
	proc, params, err := parseRPC(payload)
	if err != nil {
		return c.fail(w, err, tokenDoneInProc)
	}
	if !strings.EqualFold(strings.TrimPrefix(proc, "sys."), "sp_executesql") {
		return c.fail(w, fmt.Errorf("the test server runs only sp_executesql, not %s", proc), tokenDoneInProc)
	}
	if len(params) == 0 {
		return c.fail(w, fmt.Errorf("sp_executesql without a statement"), tokenDoneInProc)
	}
	stmts, err := parseBatch(valueText(params[0].v, params[0].typ))
	if err != nil {
		return c.fail(w, err, tokenDoneInProc)
	}
	bound, err := bindParams(params[1:])
	if err != nil {
		return c.fail(w, err, tokenDoneInProc)
	}
	return c.run(w, stmts, bound, tokenDoneInProc)
}

// bindParams names the values of sp_executesql: the first parameter
// declares them ("@p1 int, @p2 nvarchar(10)"); each value comes named, or
// in declaration order when the client sends no names.
func bindParams(params []rpcParam) (map[string]param, error) {
	out := map[string]param{}
	if len(params) == 0 {
		return out, nil
	}
	names := declaredNames(valueText(params[0].v, params[0].typ))
	for i, p := range params[1:] {
		name := strings.ToLower(p.name)
		if name == "" {
			if i >= len(names) {
				return nil, fmt.Errorf("parameter %d is not declared", i+1)
			}
			name = names[i]
		}
		out[name] = param{typ: p.typ, v: p.v}
	}
	return out, nil
}

// declaredNames lists the parameter names of a declaration list, lower-cased.
func declaredNames(decl string) []string {
	var names []string
	for _, part := range strings.Split(decl, ",") {
		f := strings.Fields(part)
		if len(f) > 0 && strings.HasPrefix(f[0], "@") {
			names = append(names, strings.ToLower(f[0]))
		}
	}
	return names
}
