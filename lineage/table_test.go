package lineage

import (
	"errors"
	"testing"

	"github.com/sluicedb/sluice/plan"
)

func TestFindTable(t *testing.T) {
	p := &plan.Plan{Tables: []*plan.Table{
		{ID: "chinook.Track", Name: "track"},
		{ID: "a.Users", Name: "users"},
		{ID: "b.Users", Name: "users"},
	}}
	for ref, want := range map[string]string{"chinook.Track": "chinook.Track", "track": "chinook.Track", "TRACK": "chinook.Track", "a.Users": "a.Users"} {
		if got, err := findTable(p, ref); err != nil || got.ID != want {
			t.Errorf("findTable(%q) = %v, %v; want %s", ref, got, err, want)
		}
	}
	for ref, ambiguous := range map[string]bool{"users": true, "album": false} {
		_, err := findTable(p, ref)
		var e *UnknownTableError
		if !errors.As(err, &e) || e.Ambiguous != ambiguous {
			t.Errorf("findTable(%q) = %v, want an UnknownTableError (ambiguous: %v)", ref, err, ambiguous)
		}
	}
}
