package sluicetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
)

// MixSchema creates the three tables a Mix writes to, in SQL that
// PostgreSQL and MariaDB both take: a (a key), b (a composite key) and c
// (no key).
const MixSchema = `CREATE TABLE a (id int PRIMARY KEY, v varchar(40));
CREATE TABLE b (k1 int, k2 varchar(40), v int, PRIMARY KEY (k1, k2));
CREATE TABLE c (x int, y varchar(40));`

// MixChange is one row change a Mix made: the whole old and new rows
// (nil where there is none), and whether the key changed.
type MixChange struct {
	Kind       sluice.ChangeKind
	Table      string
	Old, New   []any
	KeyChanged bool
}

// MixTx is one transaction of a Mix: its statements, and its changes in
// order.
type MixTx struct {
	Statements []string
	Changes    []MixChange
}

// SQL is the transaction as one script.
func (tx MixTx) SQL() string {
	return "BEGIN; " + strings.Join(tx.Statements, "; ") + "; COMMIT"
}

// Mix makes a bounded, seeded mix of inserts, updates of values and of key
// columns, deletes and truncates over MixSchema's tables, in transactions
// of one to four statements, and keeps the rows it expects, so a test
// knows every change a capture must deliver. Integers are int64, text is
// string, as a source yields them. c's rows are told apart by x, which
// the mix keeps unique.
type Mix struct {
	rng  *rand.Rand
	a    map[int64]string
	b    map[[2]any]int64
	c    map[int64]string
	next int64
	txs  int
	tx   MixTx
}

// NewMix starts a mix; the same seed makes the same transactions.
func NewMix(seed uint64) *Mix {
	return &Mix{rng: rand.New(rand.NewPCG(seed, 1)), a: map[int64]string{}, b: map[[2]any]int64{}, c: map[int64]string{}}
}

// Next makes the next transaction; every 17th truncates c alone.
func (m *Mix) Next() MixTx {
	m.tx = MixTx{}
	if m.txs++; m.txs%17 == 0 {
		m.c = map[int64]string{}
		m.add("TRUNCATE c", MixChange{Kind: sluice.ChangeTruncate, Table: "c"})
		return m.tx
	}
	for range 1 + m.rng.IntN(4) {
		m.op()
	}
	return m.tx
}

func (m *Mix) op() {
	switch n := m.rng.IntN(12); {
	case n < 3 || len(m.a)+len(m.b)+len(m.c) < 3:
		m.insert()
	case n < 5:
		m.updateA(n == 4)
	case n < 7:
		m.updateB(n == 6)
	case n < 8:
		m.updateC()
	default:
		m.deleteOne()
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (m *Mix) insert() {
	m.next++
	id := m.next
	switch m.rng.IntN(3) {
	case 0:
		m.a[id] = fmt.Sprint("a", id)
		m.add(fmt.Sprintf("INSERT INTO a VALUES (%d, %s)", id, quote(m.a[id])), MixChange{Kind: sluice.ChangeInsert, Table: "a", New: []any{id, m.a[id]}})
	case 1:
		k := [2]any{id, fmt.Sprint("k", id)}
		m.b[k] = id * 10
		m.add(fmt.Sprintf("INSERT INTO b VALUES (%d, %s, %d)", id, quote(k[1].(string)), id*10), MixChange{Kind: sluice.ChangeInsert, Table: "b", New: []any{id, k[1], id * 10}})
	default:
		m.c[id] = fmt.Sprint("c", id)
		m.add(fmt.Sprintf("INSERT INTO c VALUES (%d, %s)", id, quote(m.c[id])), MixChange{Kind: sluice.ChangeInsert, Table: "c", New: []any{id, m.c[id]}})
	}
}

func (m *Mix) updateA(key bool) {
	id, ok := pick(m.rng, m.a)
	if !ok {
		m.insert()
		return
	}
	v := m.a[id]
	if !key {
		m.a[id] = v + "+"
		m.add(fmt.Sprintf("UPDATE a SET v = %s WHERE id = %d", quote(m.a[id]), id),
			MixChange{Kind: sluice.ChangeUpdate, Table: "a", Old: []any{id, v}, New: []any{id, m.a[id]}})
		return
	}
	m.next++
	delete(m.a, id)
	m.a[m.next] = v
	m.add(fmt.Sprintf("UPDATE a SET id = %d WHERE id = %d", m.next, id),
		MixChange{Kind: sluice.ChangeUpdate, Table: "a", Old: []any{id, v}, New: []any{m.next, v}, KeyChanged: true})
}

func (m *Mix) updateB(key bool) {
	k, ok := pick(m.rng, m.b)
	if !ok {
		m.insert()
		return
	}
	v, where := m.b[k], fmt.Sprintf("k1 = %d AND k2 = %s", k[0], quote(k[1].(string)))
	if !key {
		m.b[k] = v + 1
		m.add(fmt.Sprintf("UPDATE b SET v = %d WHERE %s", v+1, where),
			MixChange{Kind: sluice.ChangeUpdate, Table: "b", Old: []any{k[0], k[1], v}, New: []any{k[0], k[1], v + 1}})
		return
	}
	nk := [2]any{k[0], k[1].(string) + "'"}
	delete(m.b, k)
	m.b[nk] = v
	m.add(fmt.Sprintf("UPDATE b SET k2 = %s WHERE %s", quote(nk[1].(string)), where),
		MixChange{Kind: sluice.ChangeUpdate, Table: "b", Old: []any{k[0], k[1], v}, New: []any{nk[0], nk[1], v}, KeyChanged: true})
}

func (m *Mix) updateC() {
	x, ok := pick(m.rng, m.c)
	if !ok {
		m.insert()
		return
	}
	old := m.c[x]
	m.c[x] = old + "!"
	m.add(fmt.Sprintf("UPDATE c SET y = %s WHERE x = %d", quote(m.c[x]), x),
		MixChange{Kind: sluice.ChangeUpdate, Table: "c", Old: []any{x, old}, New: []any{x, m.c[x]}})
}

func (m *Mix) deleteOne() {
	switch m.rng.IntN(3) {
	case 0:
		if id, ok := pick(m.rng, m.a); ok {
			old := []any{id, m.a[id]}
			delete(m.a, id)
			m.add(fmt.Sprintf("DELETE FROM a WHERE id = %d", id), MixChange{Kind: sluice.ChangeDelete, Table: "a", Old: old})
			return
		}
	case 1:
		if k, ok := pick(m.rng, m.b); ok {
			old := []any{k[0], k[1], m.b[k]}
			delete(m.b, k)
			m.add(fmt.Sprintf("DELETE FROM b WHERE k1 = %d AND k2 = %s", k[0], quote(k[1].(string))), MixChange{Kind: sluice.ChangeDelete, Table: "b", Old: old})
			return
		}
	default:
		if x, ok := pick(m.rng, m.c); ok {
			old := []any{x, m.c[x]}
			delete(m.c, x)
			m.add(fmt.Sprintf("DELETE FROM c WHERE x = %d", x), MixChange{Kind: sluice.ChangeDelete, Table: "c", Old: old})
			return
		}
	}
	m.insert()
}

func (m *Mix) add(stmt string, c MixChange) {
	m.tx.Statements = append(m.tx.Statements, stmt)
	m.tx.Changes = append(m.tx.Changes, c)
}

// pick chooses a key of m, the same one for the same seed and contents.
func pick[K comparable, V any](rng *rand.Rand, m map[K]V) (K, bool) {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	var zero K
	if len(keys) == 0 {
		return zero, false
	}
	slices.SortFunc(keys, func(x, y K) int { return strings.Compare(fmt.Sprint(x), fmt.Sprint(y)) })
	return keys[rng.IntN(len(keys))], true
}
