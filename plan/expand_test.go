package plan

import (
	"reflect"
	"slices"
	"testing"

	"github.com/sluicedb/sluice/config"
)

func TestExpansionOfMergedPart(t *testing.T) {
	p := mergePlan(t)
	parent := table(t, p, "east.Patients")
	rooms := table(t, p, "east.Patients#rooms")
	if rooms.Name != "rooms" || rooms.Source != "east" || rooms.SourceTable != "Patients" || rooms.Engine != "mysql" ||
		!slices.Equal(rooms.Key, parent.Key) || rooms.Rows != parent.Rows || rooms.Chunks != parent.Chunks || rooms.ChunkRows != parent.ChunkRows ||
		rooms.Keys != config.KeysUUID || rooms.Strategy != config.StrategyMerge || rooms.Database != "clinical" || rooms.Schema != "public" {
		t.Errorf("rooms = %+v", rooms)
	}
	if want := (Expansion{Parent: "east.Patients", Kind: config.ExpandCount, Column: "NumRooms"}); !reflect.DeepEqual(*rooms.Expansion, want) {
		t.Errorf("expansion = %+v, want %+v", *rooms.Expansion, want)
	}
	pk := []string{"PatientID"}
	keyType := intT("int(11)", 32, false)
	wantCols := []Column{
		{Name: "id", Type: "uuid", NotNull: true, Role: RoleExpandUUID, KeyColumns: pk, SourceType: keyType, SQLDefault: "gen_random_uuid()"},
		{Name: "patients_id", Type: "uuid", NotNull: true, Role: RoleRefUUID, KeyColumns: pk, SourceType: keyType,
			RefSource: "east", RefTable: "Patients", ResolveMatch: true},
		{Name: "room_no", Type: "integer", NotNull: true, Role: RoleOrdinal},
		{Name: HashColumn, Type: "bytea", Role: RoleRowHash},
	}
	if !reflect.DeepEqual(rooms.Columns, wantCols) {
		t.Errorf("columns = %+v\nwant %+v", rooms.Columns, wantCols)
	}
	if !slices.Equal(rooms.ReadColumns, []string{"PatientID", "NumRooms"}) || !slices.Equal(rooms.PrimaryKey, []string{"id"}) {
		t.Errorf("read %v, primary key %v", rooms.ReadColumns, rooms.PrimaryKey)
	}
	wantIx := []Index{{Name: "rooms_patients_id_room_no_key", Columns: []string{"patients_id", "room_no"}, Unique: true}}
	wantFK := []ForeignKey{{Name: "rooms_patients_id_fkey", Columns: []string{"patients_id"}, RefTable: "patients", RefColumns: []string{"id"}}}
	if !reflect.DeepEqual(rooms.Indexes, wantIx) || !reflect.DeepEqual(rooms.ForeignKeys, wantFK) {
		t.Errorf("indexes %+v, foreign keys %+v", rooms.Indexes, rooms.ForeignKeys)
	}
	tags := table(t, p, "east.Patients#patient_tags")
	if tags.Expansion.Separator != ";" || tags.Expansion.Kind != config.ExpandList {
		t.Errorf("tags expansion = %+v", tags.Expansion)
	}
	if c := column(t, tags, "tag"); c.Role != RoleElement || c.Type != "text" || c.NotNull {
		t.Errorf("tag = %+v", c)
	}
}

// An expansion of a plain keys: uuid table: default column names, no
// match to wait for, no row hash under create.
func TestExpansionDefaults(t *testing.T) {
	cfg := shopConfig(config.KeysUUID, config.TableRule{Source: "shop", Table: "Customers", Line: 7, Expand: []config.ExpandRule{
		{Table: "aliases", Kind: config.ExpandList, Column: "CustomerName", Line: 8},
		{Table: "emails", Kind: config.ExpandJSON, Column: "Email", Parent: "owner", Line: 9},
	}}, config.TableRule{Source: "shop", Table: "Lines", Line: 10, Columns: []config.ColumnRule{{Name: "orders_id", Line: 11, Drop: true}}})
	p, err := Build(cfg, shopSchemas())
	if err != nil {
		t.Fatal(err)
	}
	aliases := table(t, p, "shop.Customers#aliases")
	if got := columnNamesOf(aliases); !slices.Equal(got, []string{"id", "customers_id", "ordinal", "value"}) {
		t.Errorf("aliases columns = %v", got)
	}
	if aliases.Expansion.Separator != "," || aliases.DependsOn != nil || column(t, aliases, "customers_id").ResolveMatch {
		t.Errorf("aliases = %+v", aliases)
	}
	emails := table(t, p, "shop.Customers#emails")
	if got := columnNamesOf(emails); !slices.Equal(got, []string{"id", "owner", "ordinal", "value"}) || emails.Expansion.Separator != "" {
		t.Errorf("emails columns = %v, expansion %+v", got, emails.Expansion)
	}
	if fk := emails.ForeignKeys; len(fk) != 1 || fk[0].RefTable != "customers" || !slices.Equal(fk[0].RefColumns, []string{"customer_id"}) {
		t.Errorf("emails foreign keys = %+v", fk)
	}
}

func TestComputedColumns(t *testing.T) {
	cfg := shopConfig(config.KeysUUID, config.TableRule{Source: "shop", Table: "Customers", Line: 7,
		Columns: []config.ColumnRule{{Name: "Email", Line: 8, Drop: true}},
		Computed: []config.ComputedRule{
			{Column: "contact", Expr: `Name + " <" + Email + ">"`, Line: 9},
			{Column: "name_length", Expr: `len(Name)`, Type: "integer", Line: 10},
		}}, config.TableRule{Source: "shop", Table: "Lines", Line: 11, Columns: []config.ColumnRule{{Name: "orders_id", Line: 12, Drop: true}}})
	p, err := Build(cfg, shopSchemas())
	if err != nil {
		t.Fatal(err)
	}
	c := table(t, p, "shop.Customers")
	checkPlanned(t, c, map[string]Column{
		"contact":     {Name: "contact", Type: "text", Role: RoleComputed, Expr: `Name + " <" + Email + ">"`},
		"name_length": {Name: "name_length", Type: "integer", Role: RoleComputed, Expr: `len(Name)`},
	})
	// The dropped column is still read: an expression needs it.
	if want := []string{"CustomerID", "Name", "Email", "CustomerName"}; !slices.Equal(c.ReadColumns, want) {
		t.Errorf("read columns = %v, want %v", c.ReadColumns, want)
	}
}
