package sluice

// Kind is the engine-independent family of a column type. The plan maps a Kind
// (with the details in Type) to a PostgreSQL type; sources map their own type
// names to a Kind.
type Kind string

// The kinds a source may report. KindOther keeps the engine's declared type in
// Type.Raw: a PostgreSQL source passes it through, other engines map it to text
// with a plan warning.
const (
	KindBool        Kind = "bool"
	KindInt         Kind = "int"     // Type.Bits (8, 16, 24, 32, 64) and Type.Unsigned
	KindDecimal     Kind = "decimal" // Type.Precision and Type.Scale; 0/0 means unconstrained
	KindFloat       Kind = "float"   // Type.Bits 32 or 64
	KindString      Kind = "string"  // bounded text: Type.Length characters, Type.Fixed for CHAR
	KindText        Kind = "text"    // unbounded text
	KindBytes       Kind = "bytes"   // Type.Length bytes when bounded, Type.Fixed for BINARY
	KindDate        Kind = "date"
	KindTime        Kind = "time"        // time of day; Type.Precision fractional digits
	KindTimestamp   Kind = "timestamp"   // without time zone; Type.Precision fractional digits
	KindTimestampTZ Kind = "timestamptz" // an instant; sources read it in UTC
	KindYear        Kind = "year"
	KindJSON        Kind = "json"
	KindUUID        Kind = "uuid"
	KindEnum        Kind = "enum" // Type.Values lists the members
	KindSet         Kind = "set"  // Type.Values lists the members
	KindBit         Kind = "bit"  // Type.Bits is the width
	// KindGeometry is a spatial value (MySQL GEOMETRY, POINT, ...; PostGIS
	// geometry and geography); Type.Raw names the declared shape.
	KindGeometry Kind = "geometry"
	KindOther    Kind = "other"
)

// Type is a column type as the source declares it, normalised into a Kind.
type Type struct {
	Kind      Kind
	Raw       string // as declared by the engine, e.g. "tinyint(1) unsigned" or "NVARCHAR(160)"
	Bits      int
	Unsigned  bool
	Length    int // characters for strings, bytes for binary; 0 when unbounded
	Fixed     bool
	Precision int
	Scale     int
	Values    []string
}

// Column is one column of a source table.
type Column struct {
	Name     string
	Type     Type
	Nullable bool
	Default  *string // the default expression as the engine reports it, in its dialect; nil when none
	// AutoIncrement is set on a column the engine numbers itself: MySQL
	// AUTO_INCREMENT, a PostgreSQL identity or serial column, SQLite's
	// INTEGER PRIMARY KEY.
	AutoIncrement bool
	// IdentityNext is the number the source's own counter gives the next
	// row of an AutoIncrement column (MySQL's AUTO_INCREMENT, SQLite's
	// sqlite_sequence plus one, a PostgreSQL sequence's last value plus
	// one); 0 when the engine keeps no counter beside the rows or reports
	// none. It is past the highest key when the last rows were deleted, and
	// those numbers were handed out already: the target must not reuse them.
	IdentityNext int64
	// Charset is the character set of a text column whose bytes are not
	// UTF-8 (MySQL "gbk", "latin1", "cp1251"; the encoding declared for a
	// SQLite file or a PostgreSQL SQL_ASCII database): the source reads the
	// stored bytes and converts them strictly (see Undecodable). "" is
	// UTF-8, and is the only value for a column that is not text.
	Charset string
	// Generated is the expression of a column the engine computes from the
	// others, in the source's dialect; "" for a column that stores values.
	Generated string
	Comment   string
	// OnUpdate is the expression MySQL sets the column to whenever its row
	// is updated (ON UPDATE CURRENT_TIMESTAMP), in the source's dialect;
	// "" for none.
	OnUpdate string
}

// Index is a unique constraint or an index other than the primary key.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
	// Method is IndexFullText, IndexSpatial, or "" for an ordinary (B-tree)
	// index; another method the engine names (hash, gin, ...) as it names it.
	Method string
	// Expression is the indexed expression, in the source's dialect, of an
	// index on an expression rather than on columns; Columns is then nil.
	// With several key parts it lists them all, separated by commas.
	Expression string
	// Prefixes holds, per entry of Columns, how many leading characters
	// (bytes for a binary column) a MySQL prefix index keeps; nil, or 0 for
	// an entry, indexes the whole column.
	Prefixes []int
	// Where is the condition of a partial index, in the source's dialect.
	Where string
}

// The index methods that need more than a B-tree on the target.
const (
	IndexFullText = "fulltext"
	IndexSpatial  = "spatial"
)

// ForeignKey points from Columns of its table at RefColumns of RefTable.
// RefSource is empty for a reference inside the same source database; a
// reference across databases is declared in the config and names the source.
type ForeignKey struct {
	Name       string
	Columns    []string
	RefSource  string
	RefTable   string
	RefColumns []string
	OnDelete   FKAction
	OnUpdate   FKAction
}

// FKAction is what a foreign key does to referencing rows when the row they
// reference is deleted or its key updated.
type FKAction string

// The foreign key actions; the zero value is NO ACTION.
const (
	NoAction   FKAction = ""
	Cascade    FKAction = "CASCADE"
	SetNull    FKAction = "SET NULL"
	SetDefault FKAction = "SET DEFAULT"
	Restrict   FKAction = "RESTRICT"
)

// Check is a CHECK constraint of a table.
type Check struct {
	Name string
	Expr string // the condition, in the source's dialect
}

// ObjectKind names a kind of schema object that is not a table.
type ObjectKind string

// The objects a source reports besides its tables.
const (
	ObjectView ObjectKind = "view"
	// ObjectMaterializedView is a PostgreSQL materialized view.
	ObjectMaterializedView ObjectKind = "materialized view"
	ObjectTrigger          ObjectKind = "trigger"
	ObjectProcedure        ObjectKind = "procedure"
	ObjectFunction         ObjectKind = "function"
	ObjectEvent            ObjectKind = "event"
	ObjectSequence         ObjectKind = "sequence"
)

// Object is a view, trigger, routine or other object of the source schema.
// Sluice moves tables; plan says what becomes of each object.
type Object struct {
	Kind       ObjectKind
	Name       string
	Table      string // the table a trigger belongs to; "" otherwise
	Definition string // its SQL in the source's dialect (a view's query, a trigger's body)
}

// Table is one source table. Name is unqualified: a source reads one schema
// (or database) chosen by its URL.
type Table struct {
	Name        string
	Columns     []Column
	PrimaryKey  []string // nil when the table has no primary key
	Indexes     []Index  // unique constraints and indexes, without the primary key
	ForeignKeys []ForeignKey
	Checks      []Check
	Comment     string
	// RowID names the engine's own row identifier ("rowid" in SQLite, "ctid" in
	// PostgreSQL) that keyset pagination can fall back to; empty when the engine
	// has none usable for this table.
	RowID string
	// Rows is the engine's estimate at introspection, for planning chunks only.
	Rows int64
	// RowBytes is the engine's estimate of a row's average size in bytes
	// (0: none), for the plan's memory estimate and the first chunk's pace.
	RowBytes int64
	// RowIDOnly is set where the engine can page only by RowID, even when
	// the table has a primary key: a CSV file is read in file order, and its
	// declared key is neither sorted nor indexed.
	RowIDOnly bool
	// Dialect describes how the engine reads the table's stored form where
	// that is configured rather than fixed (a CSV file's path, encoding,
	// delimiter, NULL markers, date formats): rows read under another
	// dialect may differ, so the plan counts it in the table's mapping. ""
	// for database engines.
	Dialect string
}

// Schema is what a source holds, as introspected.
type Schema struct {
	Source string // the source's name in the config
	Engine string // "mysql", "postgres" or "sqlite"
	// Database is the MySQL database or PostgreSQL schema the source reads,
	// which qualifies names in its objects' definitions; "" for SQLite.
	Database string
	Tables   []Table
	Objects  []Object // views, triggers, routines, events, standalone sequences
}

// Table returns the table with this exact name, or nil.
func (s *Schema) Table(name string) *Table {
	for i := range s.Tables {
		if s.Tables[i].Name == name {
			return &s.Tables[i]
		}
	}
	return nil
}

// Column returns the column with this exact name, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// KeyColumns returns the columns keyset pagination orders by: the primary key,
// else the first unique index, else the row id pseudo-column, else nil (the
// table is read in one chunk) — each only when pagination can walk it (see
// pageable). A table that pages only by its row id (RowIDOnly) returns it.
func (t *Table) KeyColumns() []string {
	if t.RowIDOnly && t.RowID != "" {
		return []string{t.RowID}
	}
	if t.pageable(t.PrimaryKey) {
		return t.PrimaryKey
	}
	for _, ix := range t.Indexes {
		// A partial unique index leaves the rows outside its condition free
		// to repeat a key.
		if ix.Unique && ix.Where == "" && t.pageable(ix.Columns) {
			return ix.Columns
		}
	}
	if t.RowID != "" {
		return []string{t.RowID}
	}
	return nil
}

// pageable reports whether "key > last ORDER BY key" visits every row of the
// table once. Every column must be NOT NULL: NULLs sort apart and "k > NULL"
// matches nothing (SQLite lets a primary key hold NULLs). None may be an ENUM,
// SET, BIT or floating-point column: MySQL sorts ENUM and SET by member
// position but compares them with a text bound as text, compares BIT with a
// byte string as a number, and widens a FLOAT column to compare it with a
// double bound (0.1 becomes 0.100000001 > 0.1), so paging by them skips or
// repeats rows.
func (t *Table) pageable(cols []string) bool {
	if len(cols) == 0 {
		return false
	}
	for _, name := range cols {
		c := t.Column(name)
		if c == nil || c.Nullable {
			return false
		}
		switch c.Type.Kind {
		case KindEnum, KindSet, KindBit, KindFloat:
			return false
		}
	}
	return true
}
