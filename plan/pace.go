package plan

// Pace sets how many rows a keyed chunk asks the source for. A read cut by
// chunk_bytes stops taking rows, but the source may still send the rest of
// its LIMIT (MySQL's and PostgreSQL's protocols have the client read a
// result to its end), so the limit follows the row width seen so far: about
// the rows that fill the byte budget, never more than chunk_rows. Migrate
// and verify read the same chunks with it.
type Pace struct {
	rows  int
	bytes int64
	limit int
}

// NewPace starts at chunk_rows, until Fit learns the rows' width.
func NewPace(t *Table) *Pace {
	return &Pace{rows: t.ChunkRows, bytes: t.ChunkBytes, limit: max(t.ChunkRows, 1)}
}

// Limit is the next read's LIMIT.
func (p *Pace) Limit() int { return p.limit }

// Observe adjusts the limit to the average row size of a chunk just read.
func (p *Pace) Observe(rows int, bytes int64) {
	if rows > 0 && bytes > 0 {
		p.Fit(bytes / int64(rows))
	}
}

// Fit sets the limit for rows of about avg bytes: the rows that reach the
// budget (the row that passes it is taken), and an eighth more for rows
// narrower than the average, so that a chunk usually ends by bytes.
func (p *Pace) Fit(avg int64) {
	if p.bytes <= 0 || avg <= 0 {
		return
	}
	n := p.bytes/avg + 1
	n += n / 8
	p.limit = max(int(min(n, int64(p.rows))), 1)
}

// Probes reports whether the first rows are worth measuring before the
// first read: a budget applies and chunk_rows is more than a probe's rows.
func (p *Pace) Probes(probeRows int) bool { return p.bytes > 0 && p.rows > probeRows }
