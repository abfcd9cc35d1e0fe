package plan

import (
	"slices"
	"testing"

	"github.com/sluicedb/sluice/config"
)

func column(t *testing.T, tbl *Table, name string) Column {
	t.Helper()
	for _, c := range tbl.Columns {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("%s has no column %s", tbl.ID, name)
	return Column{}
}

func table(t *testing.T, p *Plan, id string) *Table {
	t.Helper()
	tbl := p.Table(id)
	if tbl == nil {
		t.Fatalf("plan has no table %s", id)
	}
	return tbl
}

func columnNamesOf(tbl *Table) []string {
	var names []string
	for _, c := range tbl.Columns {
		names = append(names, c.Name)
	}
	return names
}

func TestKeysUUIDSinglePrimaryKey(t *testing.T) {
	p := buildVariant(t, uuidDefaults())
	pt := table(t, p, "clinic.Patients")
	if got := columnNamesOf(pt)[:3]; !slices.Equal(got, []string{"patient_id", "legacy_patient_id", "full_name"}) {
		t.Errorf("first columns = %v: the legacy key must follow the row uuid", got)
	}
	id := column(t, pt, "patient_id")
	if id.Type != "uuid" || id.Role != RoleRowUUID || !id.NotNull || !slices.Equal(id.KeyColumns, []string{"PatientID"}) || id.SQLDefault != "gen_random_uuid()" {
		t.Errorf("row uuid column = %+v, want a uuid with a default, for the application's rows", id)
	}
	// An application row has no legacy key: the column admits NULL.
	legacy := column(t, pt, "legacy_patient_id")
	if legacy.Type != "integer" || legacy.Role != RoleLegacyKey || legacy.NotNull || !slices.Equal(legacy.KeyColumns, []string{"PatientID"}) {
		t.Errorf("legacy column = %+v", legacy)
	}
	if !slices.Equal(pt.PrimaryKey, []string{"patient_id"}) {
		t.Errorf("primary key = %v", pt.PrimaryKey)
	}
	if !slices.ContainsFunc(pt.Indexes, func(ix Index) bool { return ix.Unique && slices.Equal(ix.Columns, []string{"legacy_patient_id"}) }) {
		t.Errorf("no unique index on the legacy column: %+v", pt.Indexes)
	}
	if !slices.Equal(pt.Key, []string{"PatientID"}) {
		t.Errorf("pagination key = %v, want the source key", pt.Key)
	}
}

func TestKeysUUIDCompositePrimaryKey(t *testing.T) {
	p := buildVariant(t, uuidDefaults())
	ot := table(t, p, "clinic.Orders")
	if got := columnNamesOf(ot); !slices.Equal(got, []string{"id", "legacy_id", "order_no", "branch", "patient_id", "ordered_on"}) {
		t.Errorf("columns = %v", got)
	}
	id := column(t, ot, "id")
	if id.Type != "uuid" || id.Role != RoleRowUUID || !slices.Equal(id.KeyColumns, []string{"OrderNo", "Branch"}) {
		t.Errorf("id = %+v", id)
	}
	legacy := column(t, ot, "legacy_id")
	if legacy.Type != "text" || legacy.Role != RoleLegacyKey || !slices.Equal(legacy.KeyColumns, []string{"OrderNo", "Branch"}) {
		t.Errorf("legacy = %+v", legacy)
	}
	if c := column(t, ot, "order_no"); c.Role != RoleValue || c.Type != "integer" {
		t.Errorf("order_no = %+v: the original key columns stay values", c)
	}
	if !slices.Equal(ot.PrimaryKey, []string{"id"}) {
		t.Errorf("primary key = %v", ot.PrimaryKey)
	}
	if !slices.ContainsFunc(ot.Indexes, func(ix Index) bool { return ix.Unique && slices.Equal(ix.Columns, []string{"order_no", "branch"}) }) {
		t.Errorf("no unique index on the original key: %+v", ot.Indexes)
	}
}

func TestKeysUUIDForeignKeys(t *testing.T) {
	p := buildVariant(t, uuidDefaults())
	// A single-column foreign key becomes the uuid of the referenced row.
	ref := column(t, table(t, p, "clinic.Orders"), "patient_id")
	if ref.Type != "uuid" || ref.Role != RoleRefUUID || ref.RefSource != "clinic" || ref.RefTable != "Patients" ||
		!slices.Equal(ref.KeyColumns, []string{"PatientID"}) || !ref.NotNull {
		t.Errorf("patient_id = %+v", ref)
	}
	// A composite one adds a uuid column whose key columns follow the
	// referenced primary key's order, whatever the foreign key's order.
	lines := table(t, p, "clinic.OrderLines")
	oid := column(t, lines, "orders_id")
	if oid.Role != RoleRefUUID || oid.RefTable != "Orders" || !slices.Equal(oid.KeyColumns, []string{"OrderNo", "Branch"}) {
		t.Errorf("orders_id = %+v", oid)
	}
	if c := column(t, lines, "branch"); c.Role != RoleValue {
		t.Errorf("branch = %+v: the foreign key columns stay values", c)
	}
	want := []ForeignKey{{Name: "order_lines_orders_id_fkey", Columns: []string{"orders_id"}, RefTable: "orders", RefColumns: []string{"id"}}}
	if !slices.EqualFunc(lines.ForeignKeys, want, fkEqual) {
		t.Errorf("foreign keys = %+v, want %+v", lines.ForeignKeys, want)
	}
	// A reference declared in the config crosses sources.
	drug := column(t, table(t, p, "clinic.Patients"), "pharmacy_drug_id")
	if drug.Role != RoleRefUUID || drug.RefSource != "pharmacy" || drug.RefTable != "Drugs" {
		t.Errorf("pharmacy_drug_id = %+v", drug)
	}
	// A foreign key to a skipped table is left out.
	if fks := table(t, p, "pharmacy.Drugs").ForeignKeys; len(fks) != 0 {
		t.Errorf("drugs keeps a foreign key to a skipped table: %+v", fks)
	}
}

func fkEqual(a, b ForeignKey) bool {
	return a.Name == b.Name && slices.Equal(a.Columns, b.Columns) && a.RefTable == b.RefTable && slices.Equal(a.RefColumns, b.RefColumns)
}

func TestKeysKeep(t *testing.T) {
	p := buildVariant(t, keepDefaults())
	for _, tbl := range p.Tables {
		for _, c := range tbl.Columns {
			if c.Role != RoleValue {
				t.Errorf("%s.%s has role %s under keys: keep", tbl.ID, c.Name, c.Role)
			}
		}
	}
	if pk := table(t, p, "clinic.Orders").PrimaryKey; !slices.Equal(pk, []string{"orderNo", "branch"}) {
		t.Errorf("orders primary key = %v", pk)
	}
	want := []ForeignKey{{Name: "orderLines_branch_orderNo_fkey", Columns: []string{"branch", "orderNo"}, RefTable: "orders", RefColumns: []string{"branch", "orderNo"}}}
	if fks := table(t, p, "clinic.OrderLines").ForeignKeys; !slices.EqualFunc(fks, want, fkEqual) {
		t.Errorf("foreign keys = %+v, want %+v", fks, want)
	}
}

func TestTablePlan(t *testing.T) {
	p := buildVariant(t, uuidDefaults())
	pt := table(t, p, "clinic.Patients")
	if slices.Contains(pt.ReadColumns, "Notes") || slices.Contains(columnNamesOf(pt), "notes") {
		t.Errorf("the dropped column is planned: %v / %v", pt.ReadColumns, columnNamesOf(pt))
	}
	if pt.ReadColumns[0] != "PatientID" || len(pt.ReadColumns) != 27 {
		t.Errorf("read columns = %v", pt.ReadColumns)
	}
	if pt.Chunks != 7 || pt.ChunkRows != 20000 || pt.Where != "Status <> 'deleted'" || pt.Rows != 123456 {
		t.Errorf("chunks %d of %d, where %q, rows %d", pt.Chunks, pt.ChunkRows, pt.Where, pt.Rows)
	}
	if d := column(t, pt, "is_active").Default; d == nil || *d != "true" {
		t.Errorf("default = %v", d)
	}
	if z := column(t, pt, "birth_date").ZeroDates; z != config.ZeroDatesNull {
		t.Errorf("zero dates = %q", z)
	}
	audit := table(t, p, "clinic.AuditLog")
	if audit.Key != nil || audit.Chunks != 1 || audit.ChunkRows != 5000 || audit.Keys != config.KeysKeep {
		t.Errorf("keyless table: key %v, %d chunks of %d, keys %s", audit.Key, audit.Chunks, audit.ChunkRows, audit.Keys)
	}
	if k := table(t, p, "pharmacy.Stock").Key; !slices.Equal(k, []string{"rowid"}) {
		t.Errorf("stock key = %v", k)
	}
	if k := table(t, p, "clinic.Settings").Key; !slices.Equal(k, []string{"Name"}) {
		t.Errorf("settings key = %v", k)
	}
	if p.Table("pharmacy.Suppliers") != nil {
		t.Error("the skipped table is planned")
	}
	for _, tbl := range p.Tables {
		if tbl.DependsOn != nil {
			t.Errorf("%s depends on %v; foreign keys are added after the load", tbl.ID, tbl.DependsOn)
		}
	}
}
