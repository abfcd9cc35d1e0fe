package sqlexpr

// The syntax tree of an expression. Operators and keywords are kept as the
// parser normalised them (upper-case words, "<>" for "!="), so that the
// translator handles one spelling.

// Node is an expression.
type Node interface{ node() }

// LitKind is the kind of a literal.
type LitKind int

// The literal kinds.
const (
	LitString LitKind = iota
	LitNumber
	LitNull
	LitBool // Text is "TRUE" or "FALSE"
	LitHex  // Text is the hex digits
	LitBits // Text is the binary digits
)

// Lit is a literal value.
type Lit struct {
	Kind LitKind
	Text string
}

// Col names a column.
type Col struct {
	Name   string
	Quoted bool
}

// Unary is a prefix operator: "-", "+", "NOT", "~".
type Unary struct {
	Op string
	X  Node
}

// Binary is an infix operator: comparison ("=", "<>", "<", "<=", ">", ">=",
// "<=>", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"), arithmetic ("+", "-",
// "*", "/", "%", "DIV"), logic ("AND", "OR", "XOR"), "||" (concatenation
// where the dialect means that), and the bitwise and other operators
// kept as written.
type Binary struct {
	Op   string
	L, R Node
}

// Is tests X IS [NOT] NULL, TRUE, FALSE or UNKNOWN.
type Is struct {
	X    Node
	Not  bool
	What string
}

// In is X [NOT] IN (List).
type In struct {
	X    Node
	Not  bool
	List []Node
}

// Between is X [NOT] BETWEEN Lo AND Hi.
type Between struct {
	X, Lo, Hi Node
	Not       bool
}

// Like is X [NOT] LIKE|ILIKE|GLOB|REGEXP Pattern [ESCAPE Escape].
type Like struct {
	Op         string // "LIKE", "ILIKE", "GLOB", "REGEXP"
	X, Pattern Node
	Escape     Node // nil when none is given
	Not        bool
}

// Call is a function call, or a niladic keyword function such as
// CURRENT_TIMESTAMP (Bare set, no parentheses).
type Call struct {
	Name string // upper-case
	Args []Node
	Bare bool
}

// Cast is CAST(X AS Type), or PostgreSQL's X::Type.
type Cast struct {
	X    Node
	Type string // as written, lower-case, spaces normalised
}

// Case is CASE [Operand] WHEN ... THEN ... [ELSE ...] END.
type Case struct {
	Operand Node // nil for a searched CASE
	Whens   []When
	Else    Node
}

// When is one WHEN of a CASE.
type When struct{ Cond, Then Node }

// Quantified is PostgreSQL's X op ANY|ALL (ARRAY[...]), how it prints IN.
type Quantified struct {
	X     Node
	Op    string // a comparison
	All   bool
	Elems []Node
}

// Paren is an expression in parentheses.
type Paren struct{ X Node }

func (Lit) node()        {}
func (Col) node()        {}
func (Unary) node()      {}
func (Binary) node()     {}
func (Is) node()         {}
func (In) node()         {}
func (Between) node()    {}
func (Like) node()       {}
func (Call) node()       {}
func (Cast) node()       {}
func (Case) node()       {}
func (Quantified) node() {}
func (Paren) node()      {}
