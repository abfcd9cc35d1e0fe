package demo

import (
	"cmp"
	"fmt"
	"slices"
)

// pharmacyDB is the pharmacy system: the drug catalogue, who makes each drug,
// and which drugs interact.
func pharmacyDB(p plan) database {
	return database{name: "pharmacy", tables: []table{
		manufacturersTable(p), drugsTable(p), interactionsTable(p),
	}}
}

func manufacturersTable(p plan) table {
	r := tableRand("pharmacy", "Manufacturers")
	return table{
		name: "Manufacturers",
		ddl: `CREATE TABLE Manufacturers (
	ManufacturerID INTEGER NOT NULL PRIMARY KEY,
	Name NVARCHAR(100) NOT NULL,
	Country NVARCHAR(60) NULL,
	Phone NVARCHAR(30) NULL
)`,
		columns: []string{"ManufacturerID", "Name", "Country", "Phone"},
		rows:    p.manufacturers,
		row: func(i int, a []any) {
			m := manufacturerNames[i]
			a[0], a[1], a[2], a[3] = i+1, m.name, orNull(r, 10, m.country), orNull(r, 25, phone(r))
		},
	}
}

func drugsTable(p plan) table {
	r := tableRand("pharmacy", "Drugs")
	return table{
		name: "Drugs",
		ddl: `CREATE TABLE Drugs (
	DrugID INTEGER NOT NULL PRIMARY KEY,
	ManufacturerID INTEGER NOT NULL REFERENCES Manufacturers (ManufacturerID),
	Name NVARCHAR(100) NOT NULL,
	Form NVARCHAR(30) NOT NULL,
	Strength NVARCHAR(30) NULL,
	UnitPrice NUMERIC(10,2) NOT NULL,
	IsControlled TINYINT(1) NOT NULL DEFAULT 0,
	AddedOn DATETIME NOT NULL
)`,
		columns: []string{"DrugID", "ManufacturerID", "Name", "Form", "Strength",
			"UnitPrice", "IsControlled", "AddedOn"},
		rows: p.drugs,
		row: func(i int, a []any) {
			name := drugNames[i%len(drugNames)]
			a[0], a[1], a[2] = i+1, between(r, 1, p.manufacturers), name
			a[3], a[4] = drugForms[(i/len(drugNames))%len(drugForms)], orNull(r, 5, pick(r, strengths))
			// Money is written as decimal text; SQLite's NUMERIC affinity keeps
			// it as the nearest REAL, whose shortest form is the same text.
			cents := between(r, 5, 250_000)
			a[5] = fmt.Sprintf("%d.%02d", cents/100, cents%100)
			a[6] = flagOf(controlled[name])
			a[7] = randomDateTime(r, 1998, 2024)
		},
	}
}

func interactionsTable(p plan) table {
	r := tableRand("pharmacy", "DrugInteractions")
	pairs := interactionPairs(p)
	return table{
		name: "DrugInteractions",
		ddl: `CREATE TABLE DrugInteractions (
	DrugID INTEGER NOT NULL REFERENCES Drugs (DrugID),
	InteractsWithID INTEGER NOT NULL REFERENCES Drugs (DrugID),
	Severity NVARCHAR(10) NOT NULL,
	Notes TEXT NULL,
	PRIMARY KEY (DrugID, InteractsWithID)
)`,
		columns: []string{"DrugID", "InteractsWithID", "Severity", "Notes"},
		rows:    len(pairs),
		row: func(i int, a []any) {
			a[0], a[1] = pairs[i][0], pairs[i][1]
			a[2], a[3] = pick(r, severities), orNull(r, 40, pick(r, interactionNotes))
		},
	}
}

// interactionPairs returns p.interactions distinct pairs of drugs, lower ID
// first, in key order.
func interactionPairs(p plan) [][2]int {
	r := tableRand("pharmacy", "DrugInteractions.pairs")
	seen := map[[2]int]bool{}
	var pairs [][2]int
	for len(pairs) < p.interactions {
		a, b := between(r, 1, p.drugs), between(r, 1, p.drugs)
		pair := [2]int{min(a, b), max(a, b)}
		if a == b || seen[pair] {
			continue
		}
		seen[pair] = true
		pairs = append(pairs, pair)
	}
	slices.SortFunc(pairs, func(x, y [2]int) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
	})
	return pairs
}
