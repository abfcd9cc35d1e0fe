package cast

import (
	"errors"
	"reflect"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
)

// arrayCast converts to an array of a scalar type, as pgtype.Array[any]: its
// text is read by pgx (dimensions and lower bounds kept), then every element
// goes through the element type's own cast, with all its checks.
type arrayCast struct {
	t     target
	codec *pgCodec
	elem  Func
	// asText splits the array text without decoding the elements, so each goes
	// through its own scalar cast from text with every check: pgx would round
	// floats and fractional seconds, read "yes" as true, and unmarshal and
	// reorder json. bytea elements are the exception: their text is an escape
	// form that pgx decodes exactly.
	asText bool
}

func arrayOf(t target, opts Options) (Func, error) {
	et := t.element()
	elem, err := elementCast(et, opts)
	if err != nil {
		return nil, err
	}
	codec, err := newPGCodec("_" + et.pg)
	if err != nil {
		return nil, err
	}
	_, scalar := scalars[et.base]
	asText := (scalar && et.base != "bytea") || et.base == "json" || et.base == "jsonb"
	a := &arrayCast{t: t, codec: codec, elem: elem, asText: asText}
	return a.cast, nil
}

// elementCast casts the Go values pgx decodes elements into.
func elementCast(et target, opts Options) (Func, error) {
	if mk, ok := scalars[et.base]; ok {
		return skipNil(mk(sluice.Type{Kind: sluice.KindOther}, et, opts)), nil
	}
	f, err := mapped(et)
	if err != nil {
		return nil, err
	}
	return skipNil(f), nil
}

func (a *arrayCast) cast(v any) (any, error) {
	arr, err := a.read(v)
	if err != nil {
		return nil, err
	}
	for i, e := range arr.Elements {
		if arr.Elements[i], err = a.elem(e); err != nil {
			return nil, elementError(i, err)
		}
	}
	if arr.Dims == nil {
		arr.Dims = []pgtype.ArrayDimension{} // pgx sends nil dimensions as NULL, not {}
	}
	return arr, nil
}

// elementError names the element (from 1, in storage order) a reason is about.
func elementError(i int, err error) error {
	var ce *Error
	if errors.As(err, &ce) {
		return rejectf("element %d: %s", i+1, ce.Reason)
	}
	return err
}

func (a *arrayCast) read(v any) (pgtype.Array[any], error) {
	switch x := v.(type) {
	case string:
		return a.parse(x)
	case []byte:
		return a.parse(string(x))
	case pgtype.Array[any]:
		x.Elements = append([]any(nil), x.Elements...)
		return x, nil
	}
	return a.fromSlice(v)
}

func (a *arrayCast) parse(s string) (pgtype.Array[any], error) {
	if err := validText(s); err != nil {
		return pgtype.Array[any]{}, err
	}
	if a.asText {
		return a.parseText(s)
	}
	var arr pgtype.Array[any]
	if err := a.codec.scan(s, &arr); err != nil {
		return arr, a.notArray(s, err)
	}
	return arr, nil
}

func (a *arrayCast) parseText(s string) (pgtype.Array[any], error) {
	var texts pgtype.Array[*string]
	if err := a.codec.scan(s, &texts); err != nil {
		return pgtype.Array[any]{}, a.notArray(s, err)
	}
	arr := pgtype.Array[any]{Elements: make([]any, len(texts.Elements)), Dims: texts.Dims, Valid: true}
	for i, p := range texts.Elements {
		if p != nil {
			arr.Elements[i] = *p
		}
	}
	return arr, nil
}

func (a *arrayCast) notArray(s string, err error) error {
	return rejectf("%s is not a valid %s (%v)", quote(s), a.t.ddl, err)
}

// fromSlice takes a Go slice (what a driver may yield for an array) as a
// one-dimensional array.
func (a *arrayCast) fromSlice(v any) (pgtype.Array[any], error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return pgtype.Array[any]{}, unsupported(v, a.t)
	}
	arr := pgtype.Array[any]{Elements: make([]any, rv.Len()), Valid: true}
	for i := range arr.Elements {
		arr.Elements[i] = rv.Index(i).Interface()
	}
	arr.Dims = []pgtype.ArrayDimension{{Length: int32(len(arr.Elements)), LowerBound: 1}}
	return arr, nil
}
