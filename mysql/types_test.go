package mysql

import (
	"database/sql"
	"reflect"
	"testing"

	"github.com/sluicedb/sluice"
)

func n(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: true} }

func TestMapType(t *testing.T) {
	cases := []struct {
		info columnInfo
		want sluice.Type
	}{
		{columnInfo{DataType: "tinyint", ColumnType: "tinyint(1)"}, sluice.Type{Kind: sluice.KindBool}},
		{columnInfo{DataType: "tinyint", ColumnType: "tinyint(1) unsigned"}, sluice.Type{Kind: sluice.KindBool}},
		{columnInfo{DataType: "tinyint", ColumnType: "tinyint(4)"}, sluice.Type{Kind: sluice.KindInt, Bits: 8}},
		{columnInfo{DataType: "tinyint", ColumnType: "tinyint(10)"}, sluice.Type{Kind: sluice.KindInt, Bits: 8}},
		{columnInfo{DataType: "mediumint", ColumnType: "mediumint(8) unsigned"}, sluice.Type{Kind: sluice.KindInt, Bits: 24, Unsigned: true}},
		{columnInfo{DataType: "bigint", ColumnType: "bigint unsigned"}, sluice.Type{Kind: sluice.KindInt, Bits: 64, Unsigned: true}},
		{columnInfo{DataType: "decimal", ColumnType: "decimal(65,30)", NumericPrecision: n(65), NumericScale: n(30)},
			sluice.Type{Kind: sluice.KindDecimal, Precision: 65, Scale: 30}},
		{columnInfo{DataType: "float", ColumnType: "float"}, sluice.Type{Kind: sluice.KindFloat, Bits: 32}},
		{columnInfo{DataType: "double", ColumnType: "double"}, sluice.Type{Kind: sluice.KindFloat, Bits: 64}},
		{columnInfo{DataType: "char", ColumnType: "char(5)", CharMaxLength: n(5)}, sluice.Type{Kind: sluice.KindString, Length: 5, Fixed: true}},
		{columnInfo{DataType: "varchar", ColumnType: "varchar(100)", CharMaxLength: n(100)}, sluice.Type{Kind: sluice.KindString, Length: 100}},
		{columnInfo{DataType: "mediumtext", ColumnType: "mediumtext", CharMaxLength: n(16777215)}, sluice.Type{Kind: sluice.KindText}},
		{columnInfo{DataType: "binary", ColumnType: "binary(4)", CharMaxLength: n(4)}, sluice.Type{Kind: sluice.KindBytes, Length: 4, Fixed: true}},
		{columnInfo{DataType: "varbinary", ColumnType: "varbinary(10)", CharMaxLength: n(10)}, sluice.Type{Kind: sluice.KindBytes, Length: 10}},
		{columnInfo{DataType: "longblob", ColumnType: "longblob"}, sluice.Type{Kind: sluice.KindBytes}},
		{columnInfo{DataType: "date", ColumnType: "date"}, sluice.Type{Kind: sluice.KindDate}},
		{columnInfo{DataType: "datetime", ColumnType: "datetime(6)", DatetimePrecision: n(6)}, sluice.Type{Kind: sluice.KindTimestamp, Precision: 6}},
		{columnInfo{DataType: "timestamp", ColumnType: "timestamp", DatetimePrecision: n(0)}, sluice.Type{Kind: sluice.KindTimestampTZ}},
		{columnInfo{DataType: "time", ColumnType: "time(3)", DatetimePrecision: n(3)}, sluice.Type{Kind: sluice.KindTime, Precision: 3}},
		{columnInfo{DataType: "year", ColumnType: "year(4)"}, sluice.Type{Kind: sluice.KindYear}},
		{columnInfo{DataType: "json", ColumnType: "json"}, sluice.Type{Kind: sluice.KindJSON}},
		{columnInfo{DataType: "enum", ColumnType: "enum('unsigned','b''c')"}, sluice.Type{Kind: sluice.KindEnum, Values: []string{"unsigned", "b'c"}}},
		{columnInfo{DataType: "set", ColumnType: "set('x','y')"}, sluice.Type{Kind: sluice.KindSet, Values: []string{"x", "y"}}},
		{columnInfo{DataType: "bit", ColumnType: "bit(10)", NumericPrecision: n(10)}, sluice.Type{Kind: sluice.KindBit, Bits: 10}},
		{columnInfo{DataType: "point", ColumnType: "point"}, sluice.Type{Kind: sluice.KindGeometry}},
		{columnInfo{DataType: "geomcollection", ColumnType: "geomcollection"}, sluice.Type{Kind: sluice.KindGeometry}},
		{columnInfo{DataType: "inet6", ColumnType: "inet6"}, sluice.Type{Kind: sluice.KindOther}},
	}
	for _, c := range cases {
		c.want.Raw = c.info.ColumnType
		got, err := mapType(c.info)
		if err != nil {
			t.Errorf("%s: %v", c.info.ColumnType, err)
		} else if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.info.ColumnType, got, c.want)
		}
	}
}

func TestParseValues(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"enum('a')", []string{"a"}},
		{"enum('a','b''c','d\\\\e','f,g','')", []string{"a", "b'c", `d\e`, "f,g", ""}},
		{"set('x)','y(')", []string{"x)", "y("}},
		{"enum('tab\\there')", []string{"tab\there"}},
	}
	for _, c := range cases {
		got, err := parseValues(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q (%v), want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"enum", "enum('a", "enum('a' 'b')", "enum(a)"} {
		if got, err := parseValues(bad); err == nil {
			t.Errorf("%s: got %q, want an error", bad, got)
		}
	}
}
