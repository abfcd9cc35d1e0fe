package target

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestWriteBackKeyFillsAnEmptyLegacyColumnOnce(t *testing.T) {
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE public.patients (id uuid PRIMARY KEY, legacy_id integer, name text)")
	id := uuid.New()
	mustExec(t, conn, "INSERT INTO public.patients VALUES ($1, NULL, 'new')", id)
	w := WriteBack{Schema: "public", Table: "patients", Where: []string{"id"}, Values: []any{id}, LegacyColumn: "legacy_id", Key: "41"}
	took, err := tg.WriteBackKey(ctx, w)
	if err != nil || !took {
		t.Fatalf("write back: %v, %v", took, err)
	}
	if n := queryInt(t, conn, "SELECT legacy_id FROM public.patients WHERE id = $1", id); n != 41 {
		t.Fatalf("legacy_id = %d, want 41", n)
	}
	w.Key = "42"
	if took, err := tg.WriteBackKey(ctx, w); err != nil || took {
		t.Fatalf("second write back: %v, %v; want the key kept", took, err)
	}
	var xid string
	if err := conn.QueryRow(ctx, "SELECT xid::xid::text FROM sluice.writebacks ORDER BY xid LIMIT 1").Scan(&xid); err != nil {
		t.Fatal(err)
	}
	if found, err := tg.IsWriteBack(ctx, xid); err != nil || !found {
		t.Fatalf("is write-back %s: %v, %v", xid, found, err)
	}
	if found, err := tg.IsWriteBack(ctx, "3"); err != nil || found {
		t.Fatalf("is write-back 3: %v, %v; want false", found, err)
	}
	if err := tg.PruneWriteBacks(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if found, _ := tg.IsWriteBack(ctx, xid); found {
		t.Fatalf("write-back %s still known after pruning", xid)
	}
}
