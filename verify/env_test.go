package verify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

// env is a migration run for real, as the CLI runs it: the config parsed,
// the sources open, the plan built, migrate.Run done; and a pool on the
// target for verify and for the test's tampering.
type env struct {
	plan *plan.Plan
	srcs map[string]sluice.Source
	tgt  *target.Target
	db   *pgxpool.Pool
}

// migrated parses yaml, migrates everything it names and returns the env.
func migrated(t testing.TB, yaml string, o migrate.Options) *env {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse(strings.NewReader(yaml), "sluice.yaml")
	if err != nil {
		t.Fatalf("parse the config: %v\n%s", err, yaml)
	}
	prep, err := engines.Prepare(ctx, cfg)
	if err != nil {
		t.Fatalf("open, introspect and plan: %v", err)
	}
	t.Cleanup(prep.Sources.Close)
	e := &env{srcs: prep.Sources, plan: prep.Plan}
	tgt, err := target.Open(ctx, cfg.Target.URL)
	if err != nil {
		t.Fatalf("open the target: %v", err)
	}
	t.Cleanup(tgt.Close)
	e.tgt = tgt
	if _, err := migrate.Run(ctx, e.plan, e.srcs, tgt, o); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if e.db, err = pgxpool.New(ctx, cfg.Target.URL); err != nil {
		t.Fatalf("open a pool on the target: %v", err)
	}
	t.Cleanup(e.db.Close)
	return e
}

// verifyAll runs every level with small chunks, so that chunk bounds are
// crossed, and fails the test on an error.
func (e *env) verifyAll(t testing.TB) *verify.Report {
	t.Helper()
	r, err := verify.All(context.Background(), e.plan, e.srcs, e.tgt, verify.Options{ChunkRows: 2})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return r
}

// exec runs tampering SQL on the target, with foreign keys and other
// triggers off (session_replication_role), as a careless hand would.
func (e *env) exec(t testing.TB, sqls ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := e.db.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	for _, q := range append([]string{"SET session_replication_role = replica"}, sqls...) {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := conn.Exec(ctx, "RESET session_replication_role"); err != nil {
		t.Fatal(err)
	}
}

// keyUUID is the UUID of a shop row, computed here from the documented
// namespace rather than by the code under test.
func keyUUID(table string, key ...any) string {
	u, _ := sluice.KeyUUID(sluice.DefaultNamespace, "shop", table, key)
	return u.String()
}

// shopSQL is the source: a PascalCase parent and child with a foreign key,
// a composite key whose first part references the child, a table without
// a key, and a string key whose case sorts differently in MariaDB and
// PostgreSQL.
const shopSQL = `
SET NAMES utf8mb4;
CREATE TABLE Customers (
  CustomerID INT PRIMARY KEY,
  Name VARCHAR(100) NOT NULL,
  Email VARCHAR(200) NULL,
  Balance DECIMAL(10,2) NULL,
  CreatedAt DATETIME(3) NULL,
  Active TINYINT(1) NULL,
  Notes TEXT NULL,
  Photo BLOB NULL,
  Prefs JSON NULL,
  Rating DOUBLE NULL
) CHARACTER SET utf8mb4;
CREATE TABLE Orders (
  OrderID INT PRIMARY KEY,
  CustomerID INT NULL,
  OrderedOn DATE NULL,
  Total DECIMAL(12,2) NOT NULL,
  Status ENUM('new','paid','shipped') NOT NULL,
  CONSTRAINT fk_orders_customer FOREIGN KEY (CustomerID) REFERENCES Customers (CustomerID)
) CHARACTER SET utf8mb4;
CREATE TABLE OrderLines (
  OrderID INT NOT NULL,
  LineNo INT NOT NULL,
  Sku CHAR(8) NOT NULL,
  Qty INT NOT NULL,
  PRIMARY KEY (OrderID, LineNo),
  CONSTRAINT fk_lines_order FOREIGN KEY (OrderID) REFERENCES Orders (OrderID)
) CHARACTER SET utf8mb4;
CREATE TABLE Tags (Name VARCHAR(20) NULL, Weight INT NULL) CHARACTER SET utf8mb4;
CREATE TABLE Codes (Code VARCHAR(10) PRIMARY KEY, Label VARCHAR(50) NOT NULL) CHARACTER SET utf8mb4;
INSERT INTO Customers VALUES
  (1, 'Ada', 'ada@example.org', 12.50, '2024-03-01 10:00:00.125', 1, 'first', 0x00FF10, '{"b": 1, "a": [1.0, "x"]}', 4.5),
  (2, 'Bob', NULL, -3.00, '1999-12-31 23:59:59.999', 0, '', X'', '[]', -0.25),
  (3, 'Zoë Łukasz 東京 😀', 'z@example.org', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 'O''Brien "q"\ttab\nnl\\end', 'o@example.org', 0.00, '2000-01-01 00:00:00', 1, 'x', 0xDEADBEEF, '{"n": 1e2}', 1e300),
  (5, 'Eve', 'eve@example.org', 99999999.99, '2024-02-29 12:00:00', 0, 'last', NULL, 'null', 0),
  (6, 'Fay', NULL, 1.10, NULL, 1, NULL, NULL, '"s"', NULL);
INSERT INTO Orders VALUES
  (1, 1, '2024-01-01', 10.00, 'new'), (2, 1, '2024-01-02', 20.50, 'paid'),
  (3, 2, NULL, 0.00, 'shipped'), (4, 3, '2023-12-31', 7.25, 'paid'), (5, NULL, '2024-05-05', 1.00, 'new');
INSERT INTO OrderLines VALUES
  (1, 1, 'SKU-1', 2), (1, 2, 'SKU-22', 1), (2, 1, 'AB', 5), (3, 1, 'SKU-1', 1), (3, 2, 'X', 3), (5, 1, 'Y', 9);
INSERT INTO Tags VALUES ('a', 1), ('a', 1), ('b', NULL), (NULL, 2);
INSERT INTO Codes VALUES ('B', 'second'), ('a', 'first'), ('C', 'third'), ('b2', 'fourth');
`

// shop migrates the shop source with keys (uuid or keep) and chunks of two
// rows, and returns the env.
func shop(t testing.TB, keys string, extraSQL string) *env {
	t.Helper()
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, shopSQL+extraSQL)
	yaml := fmt.Sprintf(`version: 1
sources:
  shop:
    url: %q
target:
  url: %q
defaults:
  naming: snake_case
  keys: %s
  chunk_rows: 2
`, src, sluicetest.NewPostgresDB(t), keys)
	return migrated(t, yaml, migrate.Options{MaxRejects: 10})
}
