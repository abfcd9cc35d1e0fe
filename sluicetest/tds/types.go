package tds

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ColType is a column's SQL Server type.
type ColType struct {
	Name      string // system type name, lower case: "int", "nvarchar", ...
	Length    int    // characters (char types) or bytes (binary types); Max for (max); 0 when not sized
	Precision int    // decimal, numeric
	Scale     int    // decimal, numeric; fractional digits of time, datetime2, datetimeoffset
	Collation *Collation
	Alias     string // the alias (user-defined) type the column was declared with
}

// Max is ColType.Length of a (max) type.
const Max = -1

// systemType describes one SQL Server system type.
type systemType struct {
	id        int // sys.types.system_type_id
	userID    int // sys.types.user_type_id (differs for hierarchyid, geometry, geography, sysname)
	maxLength int // sys.types.max_length
	precision int
	scale     int
	kind      typeFamily
}

// typeFamily groups types by their wire encoding and value representation.
type typeFamily int

const (
	famInt typeFamily = iota
	famBit
	famDecimal
	famMoney
	famFloat
	famChar     // char, varchar: code-page bytes
	famNChar    // nchar, nvarchar: Unicode
	famBinary   // binary, varbinary, timestamp
	famText     // text: code-page bytes
	famNText    // ntext
	famImage    // image
	famDate     // date
	famTime     // time(n)
	famDateTime // datetime, smalldatetime
	famDateTime2
	famDateTimeOffset
	famGUID
	famXML
	famUDT
	famVariant
)

var systemTypes = map[string]systemType{
	"image":            {34, 34, 16, 0, 0, famImage},
	"text":             {35, 35, 16, 0, 0, famText},
	"uniqueidentifier": {36, 36, 16, 0, 0, famGUID},
	"date":             {40, 40, 3, 10, 0, famDate},
	"time":             {41, 41, 5, 16, 7, famTime},
	"datetime2":        {42, 42, 8, 27, 7, famDateTime2},
	"datetimeoffset":   {43, 43, 10, 34, 7, famDateTimeOffset},
	"tinyint":          {48, 48, 1, 3, 0, famInt},
	"smallint":         {52, 52, 2, 5, 0, famInt},
	"int":              {56, 56, 4, 10, 0, famInt},
	"smalldatetime":    {58, 58, 4, 16, 0, famDateTime},
	"real":             {59, 59, 4, 24, 0, famFloat},
	"money":            {60, 60, 8, 19, 4, famMoney},
	"datetime":         {61, 61, 8, 23, 3, famDateTime},
	"float":            {62, 62, 8, 53, 0, famFloat},
	"sql_variant":      {98, 98, 8016, 0, 0, famVariant},
	"ntext":            {99, 99, 16, 0, 0, famNText},
	"bit":              {104, 104, 1, 1, 0, famBit},
	"decimal":          {106, 106, 17, 38, 38, famDecimal},
	"numeric":          {108, 108, 17, 38, 38, famDecimal},
	"smallmoney":       {122, 122, 4, 10, 4, famMoney},
	"bigint":           {127, 127, 8, 19, 0, famInt},
	"hierarchyid":      {240, 128, 892, 0, 0, famUDT},
	"geometry":         {240, 129, -1, 0, 0, famUDT},
	"geography":        {240, 130, -1, 0, 0, famUDT},
	"varbinary":        {165, 165, 8000, 0, 0, famBinary},
	"varchar":          {167, 167, 8000, 0, 0, famChar},
	"binary":           {173, 173, 8000, 0, 0, famBinary},
	"char":             {175, 175, 8000, 0, 0, famChar},
	"timestamp":        {189, 189, 8, 0, 0, famBinary},
	"nvarchar":         {231, 231, 8000, 0, 0, famNChar},
	"nchar":            {239, 239, 8000, 0, 0, famNChar},
	"xml":              {241, 241, -1, 0, 0, famXML},
	"sysname":          {231, 256, 256, 0, 0, famNChar},
}

// systemTypeNames lists the system types in sys.types order.
func systemTypeNames() []string {
	names := make([]string, 0, len(systemTypes))
	for n := range systemTypes {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(systemTypes[a].userID, systemTypes[b].userID) })
	return names
}

func (t ColType) sys() systemType { return systemTypes[t.Name] }

func (t ColType) family() typeFamily { return t.sys().kind }

// IsMax reports a (max) type, or xml or a large UDT, sent as PLP.
func (t ColType) IsMax() bool {
	switch t.family() {
	case famXML:
		return true
	case famUDT:
		return true
	}
	return t.Length == Max
}

// MaxLength is the column's sys.columns.max_length: bytes, -1 for (max).
func (t ColType) MaxLength() int {
	switch t.family() {
	case famChar, famBinary:
		if t.Name == "timestamp" {
			return 8
		}
		return t.Length
	case famNChar:
		if t.Length == Max {
			return Max
		}
		return 2 * t.Length
	case famDecimal:
		return decimalBytes(t.Precision)
	case famTime, famDateTime2, famDateTimeOffset:
		extra := map[typeFamily]int{famTime: 0, famDateTime2: 3, famDateTimeOffset: 5}[t.family()]
		return timeBytes(t.Scale) + extra
	}
	return t.sys().maxLength
}

// PrecisionScale are sys.columns.precision and scale.
func (t ColType) PrecisionScale() (int, int) {
	switch t.family() {
	case famDecimal:
		return t.Precision, t.Scale
	case famTime:
		return 8 + scaleDigits(t.Scale), t.Scale
	case famDateTime2:
		return 19 + scaleDigits(t.Scale), t.Scale
	case famDateTimeOffset:
		return 26 + scaleDigits(t.Scale), t.Scale
	}
	s := t.sys()
	return s.precision, s.scale
}

// scaleDigits counts the fraction's digits and its point.
func scaleDigits(scale int) int {
	if scale == 0 {
		return 0
	}
	return scale + 1
}

// decimalBytes is the value length of decimal(p): sign byte and magnitude.
func decimalBytes(precision int) int {
	switch {
	case precision <= 9:
		return 5
	case precision <= 19:
		return 9
	case precision <= 28:
		return 13
	}
	return 17
}

// timeBytes is the length of a time of day with scale fractional digits.
func timeBytes(scale int) int {
	switch {
	case scale <= 2:
		return 3
	case scale <= 4:
		return 4
	}
	return 5
}

// String writes the type as T-SQL declares it.
func (t ColType) String() string {
	switch t.family() {
	case famChar, famNChar, famBinary:
		if t.Name == "timestamp" || t.Name == "sysname" {
			return t.Name
		}
		if t.Length == Max {
			return t.Name + "(max)"
		}
		return fmt.Sprintf("%s(%d)", t.Name, t.Length)
	case famDecimal:
		return fmt.Sprintf("%s(%d,%d)", t.Name, t.Precision, t.Scale)
	case famTime, famDateTime2, famDateTimeOffset:
		return fmt.Sprintf("%s(%d)", t.Name, t.Scale)
	}
	return t.Name
}

// typeAliases are spellings that name a system type.
var typeAliases = map[string]string{
	"integer": "int", "dec": "decimal", "rowversion": "timestamp",
	"character": "char", "national": "nchar", "double": "float",
}

// MakeType builds a column type from a name and its arguments as written
// ("nvarchar", ["160"]; "decimal", ["10", "2"]; "varchar", ["max"]),
// applying SQL Server's defaults for omitted arguments.
func MakeType(name string, args []string, coll *Collation) (ColType, error) {
	name = strings.ToLower(name)
	if a, ok := typeAliases[name]; ok {
		name = a
	}
	if _, ok := systemTypes[name]; !ok {
		return ColType{}, fmt.Errorf("type %s is not supported", name)
	}
	t := ColType{Name: name}
	if err := t.applyArgs(args); err != nil {
		return ColType{}, fmt.Errorf("type %s(%s): %w", name, strings.Join(args, ","), err)
	}
	if f := t.family(); f == famChar || f == famNChar || f == famText || f == famNText {
		t.Collation = coll
	}
	return t, nil
}

func (t *ColType) applyArgs(args []string) error {
	nums, max, err := typeArgs(args)
	if err != nil {
		return err
	}
	switch t.family() {
	case famChar, famNChar, famBinary:
		return t.applyLength(nums, max)
	case famDecimal:
		t.Precision, t.Scale = 18, 0
		if len(nums) > 0 {
			t.Precision = nums[0]
		}
		if len(nums) > 1 {
			t.Scale = nums[1]
		}
		if t.Precision < 1 || t.Precision > 38 || t.Scale > t.Precision {
			return fmt.Errorf("precision or scale out of range")
		}
	case famTime, famDateTime2, famDateTimeOffset:
		t.Scale = 7
		if len(nums) > 0 {
			t.Scale = nums[0]
		}
		if t.Scale > 7 {
			return fmt.Errorf("scale above 7")
		}
	case famFloat:
		if t.Name == "float" && len(nums) > 0 && nums[0] <= 24 {
			t.Name = "real"
		}
	default:
		if len(args) > 0 {
			return fmt.Errorf("takes no arguments")
		}
	}
	return nil
}

func (t *ColType) applyLength(nums []int, max bool) error {
	switch {
	case t.Name == "timestamp":
		t.Length = 8
	case t.Name == "sysname":
		t.Length = 128
	case max:
		t.Length = Max
	case len(nums) > 0:
		t.Length = nums[0]
	default:
		t.Length = 1
	}
	if max && !strings.HasPrefix(t.Name, "var") && t.Name != "nvarchar" {
		return fmt.Errorf("max only for varchar, nvarchar, varbinary")
	}
	return nil
}

func typeArgs(args []string) (nums []int, max bool, err error) {
	for _, a := range args {
		if strings.EqualFold(a, "max") {
			max = true
			continue
		}
		n, err := strconv.Atoi(a)
		if err != nil {
			return nil, false, fmt.Errorf("argument %q is not a number", a)
		}
		nums = append(nums, n)
	}
	return nums, max, nil
}
