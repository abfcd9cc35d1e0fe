package verify

// rowSet is one side of a chunk: its rows encoded one after another in a
// single buffer, with the bytes each row is matched by kept aside. It is
// reused from chunk to chunk, so a worker allocates little once warm.
type rowSet struct {
	buf     []byte
	ends    []int // row i is buf[ends[i-1]:ends[i]]
	keys    []byte
	keyEnds []int // the encoded identity columns of row i
	legs    []byte
	legEnds []int // the encoded legacy key of row i (keys: uuid tables)
	origin  []int // source side: the row's position in the chunk read
	offs    []int // scratch: where each column of the row being added starts
}

func (r *rowSet) reset() {
	r.buf, r.ends = r.buf[:0], r.ends[:0]
	r.keys, r.keyEnds = r.keys[:0], r.keyEnds[:0]
	r.legs, r.legEnds = r.legs[:0], r.legEnds[:0]
	r.origin = r.origin[:0]
}

func (r *rowSet) len() int { return len(r.ends) }

func (r *rowSet) row(i int) []byte { return span(r.buf, r.ends, i) }

func (r *rowSet) key(i int) []byte { return span(r.keys, r.keyEnds, i) }

func (r *rowSet) legacy(i int) []byte { return span(r.legs, r.legEnds, i) }

func span(buf []byte, ends []int, i int) []byte {
	start := 0
	if i > 0 {
		start = ends[i-1]
	}
	return buf[start:ends[i]]
}

// beginRow starts a row; call column before each column's value is appended.
func (r *rowSet) beginRow() { r.offs = r.offs[:0] }

func (r *rowSet) column() { r.offs = append(r.offs, len(r.buf)) }

// endRow closes the row and copies its identity and legacy columns aside.
func (r *rowSet) endRow(s *shape, origin int) {
	r.offs = append(r.offs, len(r.buf))
	for _, i := range s.ident {
		r.keys = append(r.keys, r.buf[r.offs[i]:r.offs[i+1]]...)
	}
	r.keyEnds = append(r.keyEnds, len(r.keys))
	if s.legacy >= 0 {
		r.legs = append(r.legs, r.buf[r.offs[s.legacy]:r.offs[s.legacy+1]]...)
	}
	r.legEnds = append(r.legEnds, len(r.legs))
	r.ends = append(r.ends, len(r.buf))
	r.origin = append(r.origin, origin)
}

// appendFrom copies row j of o.
func (r *rowSet) appendFrom(o *rowSet, j int) {
	r.buf = append(r.buf, o.row(j)...)
	r.ends = append(r.ends, len(r.buf))
	r.keys = append(r.keys, o.key(j)...)
	r.keyEnds = append(r.keyEnds, len(r.keys))
	r.legs = append(r.legs, o.legacy(j)...)
	r.legEnds = append(r.legEnds, len(r.legs))
	r.origin = append(r.origin, o.origin[j])
}
