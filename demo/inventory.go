package demo

import (
	"fmt"
	"math/rand/v2"
)

// auditArchivedBefore is where sluice.yaml's `where` rule on AuditTrail cuts:
// older entries were archived long ago and are not migrated.
const auditArchivedBefore = "2010-01-01"

// auditWhere is that rule, in SQLite's SQL.
const auditWhere = "EventTime >= '" + auditArchivedBefore + "'"

// inventoryDB is the warehouse system: stock of each drug per warehouse, its
// movements, and an audit trail without a primary key.
func inventoryDB(p plan) database {
	return database{name: "inventory", tables: []table{
		warehousesTable(p), stockItemsTable(p), movementsTable(p), auditTable(p),
	}}
}

func warehousesTable(p plan) table {
	r := tableRand("inventory", "Warehouses")
	return table{
		name: "Warehouses",
		ddl: `CREATE TABLE Warehouses (
	WarehouseID INTEGER NOT NULL PRIMARY KEY,
	Name NVARCHAR(100) NOT NULL,
	City NVARCHAR(60) NOT NULL,
	IsColdChain TINYINT(1) NOT NULL DEFAULT 0
)`,
		columns: []string{"WarehouseID", "Name", "City", "IsColdChain"},
		rows:    p.warehouses,
		row: func(i int, a []any) {
			name := fmt.Sprintf("%s %d", warehouseNames[i%len(warehouseNames)], i/len(warehouseNames)+1)
			a[0], a[1], a[2], a[3] = i+1, name, pick(r, cities), flag(r, 30)
		},
	}
}

func stockItemsTable(p plan) table {
	r := tableRand("inventory", "StockItems")
	return table{
		name: "StockItems",
		// DrugID points at pharmacy.Drugs, declared in sluice.yaml.
		ddl: `CREATE TABLE StockItems (
	StockItemID INTEGER NOT NULL PRIMARY KEY,
	WarehouseID INTEGER NOT NULL REFERENCES Warehouses (WarehouseID),
	DrugID INTEGER NOT NULL,
	Lot NVARCHAR(20) NULL,
	Quantity INTEGER NOT NULL,
	ExpiresOn DATE NULL,
	UpdatedAt DATETIME NOT NULL
)`,
		columns: []string{"StockItemID", "WarehouseID", "DrugID", "Lot", "Quantity", "ExpiresOn", "UpdatedAt"},
		rows:    p.stockItems,
		row: func(i int, a []any) {
			a[0], a[1], a[2] = i+1, between(r, 1, p.warehouses), between(r, 1, p.drugs)
			a[3] = orNull(r, 10, fmt.Sprintf("L%02d-%05X", r.IntN(100), r.IntN(1<<20)))
			a[4], a[5] = between(r, 0, 5000), orNull(r, 8, randomDate(r, 2023, 2029))
			a[6] = randomDateTime(r, 2015, 2024)
		},
	}
}

func movementsTable(p plan) table {
	r := tableRand("inventory", "StockMovements")
	return table{
		name: "StockMovements",
		ddl: `CREATE TABLE StockMovements (
	MovementID INTEGER NOT NULL PRIMARY KEY,
	StockItemID INTEGER NOT NULL REFERENCES StockItems (StockItemID),
	MovedAt DATETIME NOT NULL,
	Delta INTEGER NOT NULL,
	Reason NVARCHAR(40) NULL
)`,
		columns: []string{"MovementID", "StockItemID", "MovedAt", "Delta", "Reason"},
		rows:    p.movements,
		row: func(i int, a []any) {
			a[0], a[1], a[2] = i+1, between(r, 1, p.stockItems), randomDateTime(r, 2015, 2024)
			a[3], a[4] = between(r, -500, 500), orNull(r, 20, pick(r, movementReasons))
		},
	}
}

func auditTable(p plan) table {
	r := tableRand("inventory", "AuditTrail")
	return table{
		name: "AuditTrail",
		// No primary key, as such logs often had; a few entries were logged
		// twice, so even whole rows are not unique.
		ddl: `CREATE TABLE AuditTrail (
	EventTime DATETIME NOT NULL,
	UserName NVARCHAR(50) NOT NULL,
	Action NVARCHAR(10) NOT NULL,
	TableName NVARCHAR(50) NOT NULL,
	RecordID INTEGER NULL,
	Details TEXT NULL
)`,
		columns: []string{"EventTime", "UserName", "Action", "TableName", "RecordID", "Details"},
		rows:    p.audit,
		row: func(i int, a []any) {
			if i%97 == 96 {
				return // the previous entry, logged twice
			}
			auditRow(r, a)
		},
		excluded: func(a []any) bool { return a[0].(string) < auditArchivedBefore },
	}
}

func auditRow(r *rand.Rand, a []any) {
	action := pick(r, auditActions)
	a[0], a[1], a[2] = randomDateTime(r, 2006, 2024), pick(r, auditUsers), action
	a[3], a[4] = pick(r, auditTables), orNull(r, 10, int64(between(r, 1, 50_000)))
	a[5] = orNull(r, 60, fmt.Sprintf("%s by %s from terminal WS-%02d", action, a[1], r.IntN(40)))
}
