package demo

import (
	"hash/fnv"
	"math/rand/v2"
)

// plan is everything the databases must agree on before any row is
// written, so that they can be written in parallel and still reference each
// other: how many rows each table gets, which patients hold bad values and
// which patients of the west clinic are also patients of clinical.
type plan struct {
	clinics, clinicians, patients, visits, prescriptions int
	manufacturers, drugs, interactions                   int
	warehouses, stockItems, movements, audit             int
	bad                                                  badPlan
	west                                                 westPlan
}

func newPlan(rows int) plan {
	clinics := max(3, rows/250)
	bad := newBadPlan(rows)
	return plan{
		clinics:       clinics,
		clinicians:    max(2*clinics, rows/40),
		patients:      rows,
		visits:        rows * 3 / 2,
		prescriptions: rows,
		manufacturers: len(manufacturerNames),
		drugs:         400,
		interactions:  600,
		warehouses:    max(3, rows/5000),
		stockItems:    max(4, rows/4),
		movements:     max(4, rows/2),
		audit:         max(20, rows/2),
		bad:           bad,
		west:          newWestPlan(rows, bad),
	}
}

// seed is fixed: the estate must be the same on every machine and every run.
const seed uint64 = 0x5111ce

// tableRand returns the random stream of one table. Each table has its own,
// so that the order in which tables are written cannot change their rows.
func tableRand(source, table string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(source + "." + table))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	return lo + r.IntN(hi-lo+1)
}

// chance reports true with probability pct percent.
func chance(r *rand.Rand, pct int) bool {
	return r.IntN(100) < pct
}

// pick returns a random element of list.
func pick[T any](r *rand.Rand, list []T) T {
	return list[r.IntN(len(list))]
}
