package compute

import (
	"fmt"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// envName is expr's name of the whole environment: $env["Order Date"].
const envName = "$env"

// Vars returns the source columns an expression reads, in order of first
// use, so that a plan reads only those. Names that are not columns (function
// names, let variables, closure pointers) are left out. The environment may
// only be indexed by a constant ($env["Order Date"], $env.in): a computed
// index would hide which columns the expression needs.
func Vars(expression string) ([]string, error) {
	tree, err := parser.Parse(expression)
	if err != nil {
		return nil, compileError(expression, err)
	}
	skip := &skipper{skip: map[ast.Node]bool{}, indexed: map[ast.Node]bool{}, local: map[string]bool{}}
	ast.Walk(&tree.Node, skip)
	c := &collector{skipper: skip, seen: map[string]bool{}}
	ast.Walk(&tree.Node, c)
	if c.err != "" {
		return nil, &Error{Expression: expression, Message: c.err}
	}
	return c.names, nil
}

// skipper finds the identifiers that do not name a column (callees of
// function calls, let variables) and the uses of the environment that are
// indexed.
type skipper struct {
	skip    map[ast.Node]bool
	indexed map[ast.Node]bool // $env identifiers under a member access
	local   map[string]bool
}

func (s *skipper) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.CallNode:
		s.skip[n.Callee] = true
	case *ast.VariableDeclaratorNode:
		s.local[n.Name] = true
	case *ast.MemberNode:
		s.indexed[n.Node] = true
	}
}

// collector lists the columns in order: plain identifiers, and constant
// indexes of the environment.
type collector struct {
	*skipper
	names []string
	seen  map[string]bool
	err   string
}

func (c *collector) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		switch {
		case n.Value == envName:
			c.wholeEnv(n)
		case !c.skip[n] && !c.local[n.Value]:
			c.add(n.Value)
		}
	case *ast.MemberNode:
		c.envMember(n)
	}
}

func (c *collector) envMember(n *ast.MemberNode) {
	if id, ok := n.Node.(*ast.IdentifierNode); !ok || id.Value != envName {
		return
	}
	if s, ok := n.Property.(*ast.StringNode); ok {
		c.add(s.Value)
		return
	}
	if c.err == "" {
		c.err = fmt.Sprintf("%s must be indexed by a column name in quotes, not by %s", envName, n.Property)
	}
}

// wholeEnv refuses the environment used as a whole (len($env)): it would
// read every column.
func (c *collector) wholeEnv(n *ast.IdentifierNode) {
	if !c.indexed[n] && c.err == "" {
		c.err = envName + " may only be indexed by a column name in quotes"
	}
}

func (c *collector) add(name string) {
	if !c.seen[name] {
		c.seen[name] = true
		c.names = append(c.names, name)
	}
}
