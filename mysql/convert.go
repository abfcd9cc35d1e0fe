package mysql

import (
	"bytes"
	"encoding/binary"
	"strconv"

	"github.com/sluicedb/sluice"
)

// convert turns one value of the text protocol into the Go type source.go
// documents for its Kind. raw belongs to the driver: everything returned is
// a copy. nil is NULL; an empty non-nil slice is an empty value.
func convert(t sluice.Type, raw []byte) (any, error) {
	if raw == nil {
		return nil, nil
	}
	switch t.Kind {
	case sluice.KindBool, sluice.KindInt, sluice.KindYear:
		return parseInteger(raw)
	case sluice.KindFloat:
		return strconv.ParseFloat(string(raw), 64)
	case sluice.KindBytes, sluice.KindBit, sluice.KindOther:
		return bytes.Clone(raw), nil
	case sluice.KindDate:
		return parseTime(raw), nil
	case sluice.KindTimestamp, sluice.KindTimestampTZ:
		return parseTime(raw), nil
	case sluice.KindGeometry:
		return geometry(raw), nil
	}
	// decimal (exact text), strings, text, enum, set, json, time, uuid: the
	// bytes as they are, not checked for UTF-8 here.
	return string(raw), nil
}

// geometry splits MySQL's internal spatial form: the SRID in 4 little-endian
// bytes, then the WKB. A value too short to hold an SRID is passed on whole
// as WKB, for the cast to reject with the reason.
func geometry(raw []byte) sluice.Geometry {
	if len(raw) < 4 {
		return sluice.Geometry{WKB: bytes.Clone(raw)}
	}
	return sluice.Geometry{SRID: binary.LittleEndian.Uint32(raw), WKB: bytes.Clone(raw[4:])}
}
