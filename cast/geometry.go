package cast

import (
	"regexp"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/spatial"
)

// spatialType matches PostGIS's types as DDL writes them, with or without
// a shape and an SRID: "geometry", "geometry(point,4326)", "geography".
var spatialType = regexp.MustCompile(`^(geometry|geography)\s*(\(\s*[a-z]+\s*(,\s*\d+\s*)?\))?$`)

// toGeometry converts a spatial value into the EWKB that binary COPY sends
// to a PostGIS column (its binary input reads EWKB). The SRID travels with
// the value; a column constrained to another SRID or shape refuses the row
// at COPY, which makes it a reject with PostGIS's reason.
func toGeometry(_ sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		g, err := decodeGeometry(v, t)
		if err != nil {
			return nil, err
		}
		return g.EWKB(), nil
	}
}

func decodeGeometry(v any, t target) (*spatial.Geom, error) {
	sg, ok := v.(sluice.Geometry)
	if !ok {
		return nil, unsupported(v, t)
	}
	g, err := spatial.DecodeWKB(sg.WKB)
	if err != nil {
		return nil, rejectf("not a valid geometry: %v", err)
	}
	if sg.SRID != 0 {
		g.SRID = sg.SRID
	}
	return g, nil
}

// geometryText writes a spatial value as EWKT ("SRID=4326;POINT(1 2)"), the
// form a text column holds where the target has no PostGIS.
func geometryText(g sluice.Geometry, t target) (string, error) {
	geom, err := decodeGeometry(g, t)
	if err != nil {
		return "", err
	}
	return geom.EWKT(), nil
}
