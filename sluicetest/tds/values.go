package tds

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// The Go forms of values, by type family:
//   - int types: int64; bit: bool; float, real: float64
//   - decimal, numeric, money, smallmoney: Decimal
//   - char, varchar, text: string of code-page bytes (the collation's)
//   - nchar, nvarchar, ntext, xml: string, UTF-8
//   - binary, varbinary, image, timestamp: []byte
//   - date, datetime, smalldatetime, datetime2: time.Time in UTC
//   - time: time.Duration since midnight
//   - datetimeoffset: time.Time in a fixed zone (its offset)
//   - uniqueidentifier: GUID
//   - hierarchyid, geometry, geography: UDT
//   - sql_variant: Variant
//
// nil is NULL in every type.

// Decimal is an exact number: Unscaled * 10^-Scale.
type Decimal struct {
	Unscaled *big.Int
	Scale    int
}

// Rat returns the decimal's exact value.
func (d Decimal) Rat() *big.Rat {
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil)
	return new(big.Rat).SetFrac(d.Unscaled, den)
}

// String writes the decimal with exactly Scale fractional digits.
func (d Decimal) String() string {
	s := new(big.Int).Abs(d.Unscaled).String()
	if d.Scale > 0 {
		if len(s) <= d.Scale {
			s = strings.Repeat("0", d.Scale-len(s)+1) + s
		}
		s = s[:len(s)-d.Scale] + "." + s[len(s)-d.Scale:]
	}
	if d.Unscaled.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// intDigits counts the decimal's significant digits left of the point.
func (d Decimal) intDigits() int {
	s := new(big.Int).Abs(d.Unscaled).String()
	if n := len(s) - d.Scale; n > 0 && s != "0" {
		return n
	}
	return 0
}

// decimalFromRat rounds r half away from zero to scale digits, as SQL
// Server does when it converts to decimal.
func decimalFromRat(r *big.Rat, scale int) Decimal {
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	num, den := scaled.Num(), scaled.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return Decimal{Unscaled: q, Scale: scale}
}

// GUID is a uniqueidentifier in the byte order of its text form
// (6F9619FF-8B86-D011-...): the wire and storage order differ (see wireGUID).
type GUID [16]byte

func (g GUID) String() string {
	h := strings.ToUpper(hex.EncodeToString(g[:]))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// ParseGUID reads the 36-character text form, with or without braces.
func ParseGUID(s string) (GUID, error) {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "{"), "}")
	var g GUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return g, fmt.Errorf("%q is not a uniqueidentifier", s)
	}
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil {
		return g, fmt.Errorf("%q is not a uniqueidentifier", s)
	}
	copy(g[:], b)
	return g, nil
}

// wire returns the GUID as SQL Server stores and sends it: the first three
// groups little-endian, the last two as written.
func (g GUID) wire() []byte {
	return []byte{g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6],
		g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]}
}

func guidFromWire(b []byte) GUID {
	var w GUID
	copy(w[:], b)
	return GUID{w[3], w[2], w[1], w[0], w[5], w[4], w[7], w[6],
		w[8], w[9], w[10], w[11], w[12], w[13], w[14], w[15]}
}

// compareGUID orders uniqueidentifiers as SQL Server does: by the last six
// bytes of the storage form first, then bytes 8-9, 6-7, 4-5 and 0-3.
func compareGUID(a, b GUID) int {
	wa, wb := a.wire(), b.wire()
	for _, rng := range [][2]int{{10, 16}, {8, 10}, {6, 8}, {4, 6}, {0, 4}} {
		for i := rng[0]; i < rng[1]; i++ {
			if wa[i] != wb[i] {
				if wa[i] < wb[i] {
					return -1
				}
				return 1
			}
		}
	}
	return 0
}

// UDT is a value of a CLR type. The test server keeps its text form, which
// is what ToString() (hierarchyid) and STAsText() (geometry, geography)
// return, and the SRID of a spatial value; Bytes, when a fixture gives
// them, are its serialized form, sent for a plain SELECT of the column.
type UDT struct {
	Type  string // hierarchyid, geometry, geography
	Text  string
	SRID  int
	Bytes []byte
}

// Variant is a sql_variant: a value with its own base type.
type Variant struct {
	Type  ColType
	Value any
}

// midnight returns the date part of t, in UTC.
func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// sinceMidnight is the time of day of t.
func sinceMidnight(t time.Time) time.Duration {
	y, m, d := t.Date()
	return t.Sub(time.Date(y, m, d, 0, 0, 0, 0, t.Location()))
}

// roundDuration rounds a time of day to scale fractional digits.
func roundDuration(d time.Duration, scale int) time.Duration {
	unit := time.Duration(1)
	for i := scale; i < 9; i++ {
		unit *= 10
	}
	return (d + unit/2) / unit * unit
}

// datetimeTicks converts a time of day to datetime's 1/300 s ticks.
func datetimeTicks(d time.Duration) int64 {
	return (int64(d)*300 + 500_000_000) / 1_000_000_000
}

func ticksDuration(ticks int64) time.Duration {
	return time.Duration(ticks * 1_000_000_000 / 300)
}

var sqlEpoch = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
var dateEpoch = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// daysSince counts whole days from epoch to the date of t.
func daysSince(epoch, t time.Time) int64 {
	return (midnight(t).Unix() - epoch.Unix()) / 86400
}
