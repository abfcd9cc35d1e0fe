package cast

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
)

var kGeometry = sluice.Type{Kind: sluice.KindGeometry, Raw: "point"}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// pointWKB is POINT(1 2) in OGC WKB, as MySQL stores it after the SRID.
var pointWKB = mustHex("0101000000000000000000f03f0000000000000040")

var geometryCases = []castCase{
	{from: kGeometry, to: "geometry", in: sluice.Geometry{SRID: 4326, WKB: pointWKB},
		want: mustHex("0101000020e6100000000000000000f03f0000000000000040")},
	{from: kGeometry, to: "geometry(Point,4326)", in: sluice.Geometry{SRID: 4326, WKB: pointWKB},
		want: mustHex("0101000020e6100000000000000000f03f0000000000000040")},
	{from: kGeometry, to: "geography", in: sluice.Geometry{WKB: pointWKB}, want: pointWKB},
	{from: kGeometry, to: "text", in: sluice.Geometry{SRID: 4326, WKB: pointWKB}, want: "SRID=4326;POINT(1 2)"},
	{from: kGeometry, to: "text", in: sluice.Geometry{WKB: pointWKB}, want: "POINT(1 2)"},
	{from: kGeometry, to: "geometry", in: sluice.Geometry{WKB: pointWKB[:10]},
		reason: "not a valid geometry: decode WKB: unexpected end of input"},
	{from: kGeometry, to: "text", in: sluice.Geometry{WKB: []byte{7}},
		reason: "not a valid geometry: decode WKB: byte order 7 at offset 0 is neither 0 nor 1"},
	{from: kText, to: "geometry", in: "POINT(1 2)", reason: "cannot cast string to geometry"},
}

func TestGeometry(t *testing.T) {
	for _, c := range geometryCases {
		f, err := For(c.from, c.to, c.opts)
		if err != nil {
			t.Fatalf("For %s: %v", c.to, err)
		}
		got, err := f(c.in)
		checkResult(t, got, err, c)
	}
}

// PostGIS's types are not in pgx's Map: binary COPY into a column of an
// unknown OID sends a []byte as it is, which geometry's binary input reads
// as EWKB.
func TestGeometryEncodesAsItsBytes(t *testing.T) {
	m := pgtype.NewMap()
	const unknownOID = 1 << 30
	for _, c := range geometryCases {
		want, ok := c.want.([]byte)
		if !ok {
			continue
		}
		got, err := m.Encode(unknownOID, pgtype.BinaryFormatCode, want, nil)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: encoded %x, %v; want %x", c.to, got, err, want)
		}
	}
}
