package verify_test

import (
	"context"

	"testing"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/verify"
)

// Each test below migrates the shop, breaks one property of the target by
// hand, and checks that verify names it exactly: table, key (legacy and
// new), column, and the values on both sides.

// TestAlteredValue: a changed value is a level 6 finding, and nothing else
// is, in a table read by key range, one read by identity (composite key),
// and a string key under keys: keep.
func TestAlteredValue(t *testing.T) {
	t.Parallel()
	t.Run("uuid", func(t *testing.T) {
		t.Parallel()
		e := shop(t, config.KeysUUID, "")
		e.exec(t, `UPDATE customers SET name = 'Robert' WHERE legacy_id = 2`,
			`UPDATE customers SET prefs = '{"n": 101}' WHERE legacy_id = 4`,
			`UPDATE customers SET balance = 12.51 WHERE legacy_id = 1`,
			`UPDATE order_lines SET qty = 4 WHERE legacy_id = '3|2'`)
		r := e.verifyAll(t)
		onlyLevels(t, r, verify.LevelContent)
		has(t, r, verify.Finding{Level: 6, Check: "value", Table: "shop.Customers", LegacyKey: "2",
			Key: keyUUID("Customers", int64(2)), Column: "name", SourceValue: "Bob", TargetValue: "Robert"})
		has(t, r, verify.Finding{Level: 6, Check: "value", Table: "shop.Customers", LegacyKey: "4",
			Key: keyUUID("Customers", int64(4)), Column: "prefs", SourceValue: `{"n":100}`, TargetValue: `{"n":101}`})
		has(t, r, verify.Finding{Level: 6, Check: "value", Table: "shop.Customers", LegacyKey: "1",
			Key: keyUUID("Customers", int64(1)), Column: "balance", SourceValue: "12.5", TargetValue: "12.51"})
		has(t, r, verify.Finding{Level: 6, Check: "value", Table: "shop.OrderLines", LegacyKey: "3|2",
			Key: keyUUID("OrderLines", int64(3), int64(2)), Column: "qty", SourceValue: "3", TargetValue: "4"})
		if n := r.Findings; n != 4 {
			t.Errorf("%d findings, want 4:\n%s", n, text(t, r))
		}
	})
	t.Run("keep", func(t *testing.T) {
		t.Parallel()
		e := shop(t, config.KeysKeep, "")
		e.exec(t, `UPDATE codes SET label = 'FIRST' WHERE code = 'a'`)
		r := e.verifyAll(t)
		onlyLevels(t, r, verify.LevelContent)
		has(t, r, verify.Finding{Level: 6, Check: "value", Table: "shop.Codes", LegacyKey: "a", Key: "a",
			Column: "label", SourceValue: "first", TargetValue: "FIRST"})
	})
}

// TestDeletedRow: a deleted row breaks the counts (1), loses a legacy key
// (5) and a row (6).
func TestDeletedRow(t *testing.T) {
	t.Parallel()
	e := shop(t, config.KeysUUID, "")
	e.exec(t, `DELETE FROM customers WHERE legacy_id = 6`, `DELETE FROM order_lines WHERE legacy_id = '5|1'`)
	r := e.verifyAll(t)
	onlyLevels(t, r, verify.LevelCounts, verify.LevelLegacy, verify.LevelContent)
	has(t, r, verify.Finding{Level: 1, Check: "counts", Table: "shop.Customers", SourceValue: "6", TargetValue: "5"})
	has(t, r, verify.Finding{Level: 5, Check: "missing key", Table: "shop.Customers", LegacyKey: "6", Key: keyUUID("Customers", int64(6))})
	has(t, r, verify.Finding{Level: 6, Check: "missing row", Table: "shop.Customers", LegacyKey: "6", Key: keyUUID("Customers", int64(6))})
	has(t, r, verify.Finding{Level: 5, Check: "missing key", Table: "shop.OrderLines", LegacyKey: "5|1", Key: keyUUID("OrderLines", int64(5), int64(1))})
	has(t, r, verify.Finding{Level: 6, Check: "missing row", Table: "shop.OrderLines", LegacyKey: "5|1", Key: keyUUID("OrderLines", int64(5), int64(1))})
}

// TestOrphan: a child whose parent does not exist is a level 3 finding that
// names the child and the missing parent value, whether the foreign key
// constraint is there (bypassed) or not.
func TestOrphan(t *testing.T) {
	t.Parallel()
	t.Run("uuid", func(t *testing.T) {
		t.Parallel()
		e := shop(t, config.KeysUUID, "")
		missing := keyUUID("Customers", int64(77))
		e.exec(t, `INSERT INTO orders (order_id, legacy_id, customer_id, ordered_on, total, status)
			VALUES ('`+keyUUID("Orders", int64(99))+`', 99, '`+missing+`', NULL, 1, 'new')`)
		r := e.verifyAll(t)
		has(t, r, verify.Finding{Level: 3, Check: "orphan", Table: "shop.Orders", LegacyKey: "99",
			Key: keyUUID("Orders", int64(99)), Column: "customer_id", TargetValue: missing})
		// The inserted row is also one the source does not have.
		has(t, r, verify.Finding{Level: 5, Check: "extra key", Table: "shop.Orders", LegacyKey: "99", Key: keyUUID("Orders", int64(99))})
		onlyLevels(t, r, verify.LevelCounts, verify.LevelOrphans, verify.LevelLegacy, verify.LevelContent)
	})
	t.Run("keep_no_constraint", func(t *testing.T) {
		t.Parallel()
		e := shop(t, config.KeysKeep, "")
		e.dropConstraints(t, "order_lines", "f")
		e.exec(t, `UPDATE order_lines SET order_id = 42 WHERE order_id = 5 AND line_no = 1`)
		r := e.verifyAll(t)
		has(t, r, verify.Finding{Level: 3, Check: "orphan", Table: "shop.OrderLines", LegacyKey: "42|1",
			Key: "42|1", Column: "order_id", TargetValue: "42"})
	})
}

// TestChangedType: a column whose type or nullability is not the planned
// one is a level 4 finding; its values still compare equal at level 6.
func TestChangedType(t *testing.T) {
	t.Parallel()
	e := shop(t, config.KeysUUID, "")
	e.exec(t, `ALTER TABLE customers ALTER COLUMN email TYPE text`,
		`ALTER TABLE order_lines ALTER COLUMN qty TYPE bigint`,
		`ALTER TABLE customers ALTER COLUMN name DROP NOT NULL`)
	r := e.verifyAll(t)
	onlyLevels(t, r, verify.LevelTypes)
	has(t, r, verify.Finding{Level: 4, Check: "type", Table: "shop.Customers", Column: "email",
		SourceValue: "character varying(200)", TargetValue: "text"})
	has(t, r, verify.Finding{Level: 4, Check: "type", Table: "shop.OrderLines", Column: "qty",
		SourceValue: "integer", TargetValue: "bigint"})
	has(t, r, verify.Finding{Level: 4, Check: "not null", Table: "shop.Customers", Column: "name",
		SourceValue: "NOT NULL", TargetValue: "NULL"})
}

// TestDuplicateKey: without its primary key constraint, a table can hold a
// key twice, or a NULL key; level 2 scans for both.
func TestDuplicateKey(t *testing.T) {
	t.Parallel()
	e := shop(t, config.KeysKeep, "")
	e.dropConstraints(t, "customers", "p")
	e.dropConstraints(t, "order_lines", "p")
	e.exec(t, `INSERT INTO customers SELECT * FROM customers WHERE customer_id = 1`,
		`INSERT INTO order_lines SELECT * FROM order_lines WHERE order_id = 3 AND line_no = 2`,
		`ALTER TABLE order_lines ALTER COLUMN line_no DROP NOT NULL`,
		`UPDATE order_lines SET line_no = NULL WHERE order_id = 2`)
	r := e.verifyAll(t)
	has(t, r, verify.Finding{Level: 2, Check: "duplicate key", Table: "shop.Customers", LegacyKey: "1, 1",
		Key: "1", Column: "customer_id", TargetValue: "1"})
	has(t, r, verify.Finding{Level: 2, Check: "duplicate key", Table: "shop.OrderLines", LegacyKey: "3|2, 3|2",
		Key: "3|2", Column: "order_id, line_no", TargetValue: "3|2"})
	has(t, r, verify.Finding{Level: 2, Check: "null key", Table: "shop.OrderLines", LegacyKey: "2|NULL",
		Key: "2|NULL", Column: "order_id, line_no", TargetValue: "2|NULL"})
}

// TestLegacyKeyChanged: a legacy key rewritten by hand is a key the source
// lacks and a source key the target lacks (read by key range), or a changed
// legacy key of the row with the right UUID (read by identity).
func TestLegacyKeyChanged(t *testing.T) {
	t.Parallel()
	e := shop(t, config.KeysUUID, "")
	e.exec(t, `UPDATE customers SET legacy_id = 1000 WHERE legacy_id = 4`,
		`UPDATE order_lines SET legacy_id = '9|9' WHERE legacy_id = '1|2'`)
	r := e.verifyAll(t)
	onlyLevels(t, r, verify.LevelLegacy, verify.LevelContent)
	has(t, r, verify.Finding{Level: 5, Check: "missing key", Table: "shop.Customers", LegacyKey: "4", Key: keyUUID("Customers", int64(4))})
	has(t, r, verify.Finding{Level: 5, Check: "extra key", Table: "shop.Customers", LegacyKey: "1000", Key: keyUUID("Customers", int64(4))})
	has(t, r, verify.Finding{Level: 5, Check: "changed legacy key", Table: "shop.OrderLines", LegacyKey: "1|2",
		Key: keyUUID("OrderLines", int64(1), int64(2)), Column: "legacy_id", SourceValue: "1|2", TargetValue: "9|9"})
}

// TestUUIDChanged: a row whose UUID is not the key function's is found by
// its legacy key and reported with both UUIDs.
func TestUUIDChanged(t *testing.T) {
	t.Parallel()
	e := shop(t, config.KeysUUID, "")
	const forged = "00000000-0000-4000-8000-000000000001"
	e.exec(t, `UPDATE customers SET customer_id = '`+forged+`' WHERE legacy_id = 5`,
		`UPDATE order_lines SET id = '`+forged+`' WHERE legacy_id = '2|1'`)
	r := e.verifyAll(t)
	onlyLevels(t, r, verify.LevelLegacy, verify.LevelContent)
	has(t, r, verify.Finding{Level: 5, Check: "wrong uuid", Table: "shop.Customers", LegacyKey: "5", Key: forged,
		Column: "customer_id", SourceValue: keyUUID("Customers", int64(5)), TargetValue: forged})
	has(t, r, verify.Finding{Level: 5, Check: "wrong uuid", Table: "shop.OrderLines", LegacyKey: "2|1", Key: forged,
		Column: "id", SourceValue: keyUUID("OrderLines", int64(2), int64(1)), TargetValue: forged})
}

// TestExtraRow: a row the source never had, in tables read by identity (a
// composite key, a string key), is found by the anti-join against the
// source's keys.
func TestExtraRow(t *testing.T) {
	t.Parallel()
	e := shop(t, config.KeysUUID, "")
	extra := keyUUID("OrderLines", int64(9), int64(9))
	e.exec(t, `INSERT INTO order_lines SELECT '`+extra+`', '9|9', order_id, 9, sku, qty FROM order_lines WHERE legacy_id = '1|1'`,
		`INSERT INTO codes VALUES ('`+keyUUID("Codes", "zz")+`', 'zz', 'new')`)
	r := e.verifyAll(t)
	onlyLevels(t, r, verify.LevelCounts, verify.LevelLegacy, verify.LevelContent)
	has(t, r, verify.Finding{Level: 6, Check: "extra row", Table: "shop.OrderLines", LegacyKey: "9|9", Key: extra})
	has(t, r, verify.Finding{Level: 5, Check: "extra key", Table: "shop.OrderLines", LegacyKey: "9|9", Key: extra})
	has(t, r, verify.Finding{Level: 6, Check: "extra row", Table: "shop.Codes", LegacyKey: "zz", Key: keyUUID("Codes", "zz")})
}

// TestKeylessChanged: in a table without a key, a changed row is a source
// row missing and a target row extra, each named by its values.
func TestKeylessChanged(t *testing.T) {
	t.Parallel()
	e := shop(t, config.KeysUUID, "")
	e.exec(t, `UPDATE tags SET weight = 3 WHERE name = 'b'`)
	r := e.verifyAll(t)
	onlyLevels(t, r, verify.LevelContent)
	has(t, r, verify.Finding{Level: 6, Check: "missing row", Table: "shop.Tags", LegacyKey: "#3", SourceValue: "name=b, weight=NULL"})
	has(t, r, verify.Finding{Level: 6, Check: "extra row", Table: "shop.Tags", TargetValue: "name=b, weight=3"})
}

// TestOwnUUIDs: under Options.OwnUUIDs (after a cutover, rows the
// application inserted on the target keep UUIDs of their own), a row whose
// UUID is not the key function's is paired by its legacy key and its UUID
// is no finding, nor is a reference to it by that UUID; a value that
// differs on such a row, a reference to the wrong row, and a row whose
// legacy key was never written back still are.
func TestOwnUUIDs(t *testing.T) {
	t.Parallel()
	e := shop(t, config.KeysUUID, "")
	const own, other, own3 = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003"
	e.exec(t, `UPDATE customers SET customer_id = '`+own+`' WHERE legacy_id = 5`,
		`UPDATE order_lines SET id = '`+own+`' WHERE legacy_id = '2|1'`,
		// the order of a customer with a UUID of its own references it by that UUID
		`UPDATE customers SET customer_id = '`+own3+`' WHERE legacy_id = 3`,
		`UPDATE orders SET customer_id = '`+own3+`' WHERE legacy_id = 4`)
	for _, levels := range [][]int{nil, {1, 2, 3, 4, 5}} {
		r, err := verify.All(context.Background(), e.plan, e.srcs, e.tgt, verify.Options{Levels: levels, ChunkRows: 2, OwnUUIDs: true})
		if err != nil {
			t.Fatal(err)
		}
		if r.Findings != 0 {
			t.Fatalf("levels %v, rows paired by their legacy keys, UUIDs their own: %d findings:\n%s", levels, r.Findings, text(t, r))
		}
	}

	e.exec(t, `UPDATE customers SET name = 'Eve2' WHERE legacy_id = 5`,
		`UPDATE orders SET customer_id = '`+own3+`' WHERE legacy_id = 2`,
		`UPDATE order_lines SET id = '`+other+`', legacy_id = NULL WHERE legacy_id = '3|1'`)
	r, err := verify.All(context.Background(), e.plan, e.srcs, e.tgt, verify.Options{ChunkRows: 2, OwnUUIDs: true})
	if err != nil {
		t.Fatal(err)
	}
	onlyLevels(t, r, verify.LevelLegacy, verify.LevelContent)
	has(t, r, verify.Finding{Level: 6, Check: "value", Table: "shop.Customers", LegacyKey: "5", Key: own, Column: "name", SourceValue: "Eve", TargetValue: "Eve2"})
	has(t, r, verify.Finding{Level: 6, Check: "missing row", Table: "shop.OrderLines", LegacyKey: "3|1", Key: keyUUID("OrderLines", int64(3), int64(1))})
	has(t, r, verify.Finding{Level: 6, Check: "extra row", Table: "shop.OrderLines", LegacyKey: "NULL", Key: other})
	has(t, r, verify.Finding{Level: 6, Check: "value", Table: "shop.Orders", LegacyKey: "2", Key: keyUUID("Orders", int64(2)),
		Column: "customer_id", SourceValue: keyUUID("Customers", int64(1)), TargetValue: own3})
	if r.Findings != 6 {
		t.Errorf("%d findings, want 6 (the row of 2|1 is paired by its legacy key, order 4 references customer 3 by its own UUID):\n%s", r.Findings, text(t, r))
	}
}
