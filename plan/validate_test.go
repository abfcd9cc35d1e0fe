package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// shopSchemas is a small pair of sources for the validation cases.
func shopSchemas() []*sluice.Schema {
	shop := &sluice.Schema{Source: "shop", Engine: "mysql", Tables: []sluice.Table{
		{Name: "Customers", PrimaryKey: []string{"CustomerID"}, Columns: []sluice.Column{
			col("CustomerID", intT("int(11)", 32, false), false),
			col("Name", strT("varchar(50)", 50), false),
			col("Email", strT("varchar(80)", 80), false),
			col("CustomerName", strT("varchar(50)", 50), true),
		}, Indexes: []sluice.Index{{Name: "Email", Columns: []string{"Email"}, Unique: true}}},
		{Name: "Orders", PrimaryKey: []string{"OrderNo", "Branch"}, Columns: []sluice.Column{
			col("OrderNo", intT("int(11)", 32, false), false),
			col("Branch", strT("varchar(10)", 10), false),
			col("CustomerID", intT("int(11)", 32, false), false),
		}, ForeignKeys: []sluice.ForeignKey{fkTo([]string{"CustomerID"}, "Customers", []string{"CustomerID"})}},
		{Name: "Lines", PrimaryKey: []string{"LineID"}, Columns: []sluice.Column{
			col("LineID", intT("int(11)", 32, false), false),
			col("OrderNo", intT("int(11)", 32, false), false),
			col("Branch", strT("varchar(10)", 10), false),
			col("orders_id", intT("int(11)", 32, false), true),
		}, ForeignKeys: []sluice.ForeignKey{fkTo([]string{"OrderNo", "Branch"}, "Orders", []string{"OrderNo", "Branch"})}},
		{Name: "Log", Columns: []sluice.Column{col("Message", kindT(sluice.KindText, "text"), true)}},
	}}
	pharmacy := &sluice.Schema{Source: "pharmacy", Engine: "sqlite", Tables: []sluice.Table{
		{Name: "Drugs", PrimaryKey: []string{"DrugID"}, Columns: []sluice.Column{
			col("DrugID", intT("INTEGER", 64, false), false),
			col("Name", kindT(sluice.KindText, "TEXT"), false),
			col("Code", kindT(sluice.KindText, "TEXT"), false),
		}, Indexes: []sluice.Index{{Name: "code_uq", Columns: []string{"Code"}, Unique: true}}},
		{Name: "Stock", Columns: []sluice.Column{col("Qty", intT("INTEGER", 64, false), true)}},
	}}
	return []*sluice.Schema{shop, pharmacy}
}

func shopConfig(keys string, rules ...config.TableRule) *config.Config {
	return &config.Config{File: "shop.yaml", Version: 1, Defaults: config.Defaults{Keys: keys}, Tables: rules}
}

func columnRule(name string, line int) config.ColumnRule {
	return config.ColumnRule{Name: name, Line: line}
}

func TestBuildErrors(t *testing.T) {
	long := strings.Repeat("x", 64)
	cases := []struct {
		name string
		cfg  *config.Config
		want []string
	}{
		{"missing table", shopConfig("", config.TableRule{Source: "shop", Table: "Customer", Line: 7}),
			[]string{`shop.yaml:7: tables.shop.Customer: table "Customer" does not exist in source shop (did you mean "Customers"?)`}},
		{"missing table, nothing close", shopConfig("", config.TableRule{Source: "shop", Table: "Invoices", Line: 7}),
			[]string{`shop.yaml:7: tables.shop.Invoices: table "Invoices" does not exist in source shop`}},
		{"unknown source", shopConfig("", config.TableRule{Source: "billing", Table: "Invoices", Line: 9}),
			[]string{`shop.yaml:9: tables.billing.Invoices: unknown source "billing"`}},
		{"missing column", shopConfig("", config.TableRule{Source: "shop", Table: "Customers", Line: 7,
			Columns: []config.ColumnRule{columnRule("Emial", 9)}}),
			[]string{`shop.yaml:9: tables.shop.Customers.columns.Emial: column "Emial" does not exist in shop.Customers (did you mean "Email"?)`}},
		{"dropped primary key", shopConfig("", config.TableRule{Source: "shop", Table: "Customers", Line: 7,
			Columns: []config.ColumnRule{{Name: "CustomerID", Line: 8, Drop: true}}}),
			[]string{`shop.yaml:8: tables.shop.Customers.columns.CustomerID: column CustomerID is part of the primary key and cannot be dropped`}},
		{"references", shopConfig("", config.TableRule{Source: "shop", Table: "Customers", Line: 7, Columns: []config.ColumnRule{
			{Name: "Name", Line: 8, References: "pharmacy.Drug"},
			{Name: "Email", Line: 9, References: "pharmacy.Drugs.Name"},
			{Name: "CustomerName", Line: 10, References: "pharmacy.Drugs.Nme"},
			{Name: "CustomerID", Line: 11, References: "pharmacy.Stock"},
		}}, config.TableRule{Source: "shop", Table: "Log", Line: 12, Columns: []config.ColumnRule{
			{Name: "Message", Line: 13, References: "shop.Orders"},
		}}, config.TableRule{Source: "pharmacy", Table: "Stock", Line: 14, Columns: []config.ColumnRule{
			{Name: "Qty", Line: 15, References: "pharmacy"},
			{Name: "Qty", Line: 16, References: "billing.Drugs"},
		}}), []string{
			`shop.yaml:8: tables.shop.Customers.columns.Name.references: references pharmacy.Drug: table "Drug" does not exist in source pharmacy (did you mean "Drugs"?)`,
			`shop.yaml:9: tables.shop.Customers.columns.Email.references: references pharmacy.Drugs.Name: column Name is not the primary key or a unique column of pharmacy.Drugs`,
			`shop.yaml:10: tables.shop.Customers.columns.CustomerName.references: references pharmacy.Drugs.Nme: column "Nme" does not exist in pharmacy.Drugs (did you mean "Name"?)`,
			`shop.yaml:11: tables.shop.Customers.columns.CustomerID.references: references pharmacy.Stock: the table has no primary key; reference a unique column as source.Table.Column`,
			`shop.yaml:13: tables.shop.Log.columns.Message.references: references shop.Orders: the primary key has 2 columns (OrderNo, Branch); a column can reference a single-column key only`,
			`shop.yaml:15: tables.pharmacy.Stock.columns.Qty.references: references pharmacy: expected source.Table or source.Table.Column`,
			`shop.yaml:16: tables.pharmacy.Stock.columns.Qty.references: references billing.Drugs: unknown source "billing"`,
		}},
		{"two tables, one target", shopConfig("",
			config.TableRule{Source: "shop", Table: "Log", Line: 7, Target: "customers"}),
			[]string{`shop.yaml:7: tables.shop.Log: target table "customers" is the target of both shop.Customers and shop.Log`}},
		{"two tables, one target, across sources", shopConfig("",
			config.TableRule{Source: "pharmacy", Table: "Stock", Line: 20, Target: "log"}),
			[]string{`shop.yaml:20: tables.pharmacy.Stock: target table "log" is the target of both shop.Log and pharmacy.Stock`}},
		{"two columns, one target", shopConfig("", config.TableRule{Source: "shop", Table: "Customers", Line: 7,
			Columns: []config.ColumnRule{{Name: "CustomerName", Line: 9, Target: "name"}}}),
			[]string{`shop.yaml:9: tables.shop.Customers.columns.CustomerName: target column "name" comes from both column Name and column CustomerName; give one of them another name, e.g. tables.shop.Customers.columns.CustomerName.name: name_2`}},
		{"legacy column collides", shopConfig(config.KeysUUID, config.TableRule{Source: "shop", Table: "Customers", Line: 7,
			LegacyColumn: "email"}, config.TableRule{Source: "shop", Table: "Lines", Line: 8, Columns: []config.ColumnRule{{Name: "orders_id", Line: 9, Drop: true}}}),
			[]string{`shop.yaml:7: tables.shop.Customers: target column "email" comes from both the legacy key column (legacy_column) and column Email; give one of them another name, e.g. tables.shop.Customers.columns.Email.name: email_2`}},
		{"table name too long", shopConfig("", config.TableRule{Source: "shop", Table: "Log", Line: 7, Target: long}),
			[]string{`shop.yaml:7: tables.shop.Log: target name "` + long + `" is 64 bytes; PostgreSQL allows at most 63`}},
		{"column name too long", shopConfig("", config.TableRule{Source: "shop", Table: "Log", Line: 7,
			Columns: []config.ColumnRule{{Name: "Message", Line: 8, Target: strings.Repeat("ü", 32)}}}),
			[]string{`shop.yaml:8: tables.shop.Log.columns.Message: target name "` + strings.Repeat("ü", 32) + `" is 64 bytes; PostgreSQL allows at most 63`}},
		{"legacy name too long", shopConfig(config.KeysUUID, config.TableRule{Source: "shop", Table: "Customers", Line: 7, LegacyColumn: long},
			config.TableRule{Source: "shop", Table: "Lines", Line: 8, Columns: []config.ColumnRule{{Name: "orders_id", Line: 9, Drop: true}}}),
			[]string{`shop.yaml:7: tables.shop.Customers: target name "` + long + `" is 64 bytes; PostgreSQL allows at most 63`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkErrors(t, c.cfg, shopSchemas(), c.want)
		})
	}
}

func checkErrors(t *testing.T, cfg *config.Config, schemas []*sluice.Schema, want []string) {
	t.Helper()
	p, err := Build(cfg, schemas)
	if err == nil {
		t.Fatalf("Build succeeded with %d tables, want errors:\n%s", len(p.Tables), strings.Join(want, "\n"))
	}
	var errs config.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Build returned %T, want config.Errors: %v", err, err)
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// With keys: uuid, a foreign key to a uuid table must be able to hold the
// referenced row's uuid.
func TestBuildErrorsKeysCannotMatch(t *testing.T) {
	schemas := func() []*sluice.Schema {
		s := &sluice.Schema{Source: "s", Engine: "mysql", Tables: []sluice.Table{
			{Name: "Parent", PrimaryKey: []string{"ID"}, Columns: []sluice.Column{col("ID", intT("int", 32, false), false)}},
			// Extra shares Parent's key (a subtype; see subtype_test.go).
			{Name: "Extra", PrimaryKey: []string{"ParentID"}, Columns: []sluice.Column{col("ParentID", intT("int", 32, false), false)},
				ForeignKeys: []sluice.ForeignKey{fkTo([]string{"ParentID"}, "Parent", []string{"ID"})}},
			{Name: "Child", PrimaryKey: []string{"ID"}, Columns: []sluice.Column{
				col("ID", intT("int", 32, false), false), col("ParentID", intT("int", 32, false), true),
			}, ForeignKeys: []sluice.ForeignKey{fkTo([]string{"ParentID"}, "Parent", []string{"ID"})}},
			// Grand references Extra's key, which stays an integer under keys: keep.
			{Name: "Grand", PrimaryKey: []string{"ID"}, Columns: []sluice.Column{
				col("ID", intT("int", 32, false), false), col("ExtraID", intT("int", 32, false), true),
			}, ForeignKeys: []sluice.ForeignKey{fkTo([]string{"ExtraID"}, "Extra", []string{"ParentID"})}},
		}}
		return []*sluice.Schema{s}
	}
	t.Run("type override", func(t *testing.T) {
		cfg := shopConfig(config.KeysUUID, config.TableRule{Source: "s", Table: "Extra", Line: 5, Keys: config.KeysKeep},
			config.TableRule{Source: "s", Table: "Child", Line: 6, Columns: []config.ColumnRule{{Name: "ParentID", Line: 7, Type: "bigint"}}})
		checkErrors(t, cfg, schemas(), []string{
			`shop.yaml:7: tables.s.Child.columns.ParentID: keys: uuid: ParentID references s.Parent, whose key becomes uuid; type bigint cannot match it`,
		})
	})
}
