package spatial

import "fmt"

// The geometry types of WKB, numbered as OGC numbers them.
const (
	Point              = 1
	LineString         = 2
	Polygon            = 3
	MultiPoint         = 4
	MultiLineString    = 5
	MultiPolygon       = 6
	GeometryCollection = 7
)

var typeNames = [...]string{"", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"}

// Geom is a decoded geometry. Coordinates hold 2, 3 (Z or M) or 4 (Z and M)
// values per position, as Z and M say.
type Geom struct {
	Type  int
	Z, M  bool
	SRID  uint32        // 0 when unknown; only the outermost geometry carries one
	Coord [][]float64   // Point (none when empty) and LineString positions
	Rings [][][]float64 // Polygon rings, the exterior first
	Parts []*Geom       // members of a Multi* or a GeometryCollection
}

// dims is how many values each position has.
func (g *Geom) dims() int {
	n := 2
	if g.Z {
		n++
	}
	if g.M {
		n++
	}
	return n
}

// memberType is the type every member of a Multi* must have; 0 for a
// collection, whose members may be of any type.
func memberType(t int) int {
	switch t {
	case MultiPoint:
		return Point
	case MultiLineString:
		return LineString
	case MultiPolygon:
		return Polygon
	}
	return 0
}

func checkType(t int) error {
	if t < Point || t > GeometryCollection {
		return fmt.Errorf("unknown geometry type %d", t)
	}
	return nil
}
