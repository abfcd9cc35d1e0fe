package engines

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenPicksTheEngineByScheme(t *testing.T) {
	ctx := context.Background()
	missing := "sqlite:" + filepath.Join(t.TempDir(), "absent.db")
	if _, err := Open(ctx, "s", missing); err == nil || errors.Is(err, ErrUnsupported) {
		t.Errorf("a sqlite: URL went to no engine or opened a missing file: %v", err)
	}
	_, err := Open(ctx, "old", "oracle://scott:tiger@db/orcl")
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("oracle:// = %v, want ErrUnsupported", err)
	}
	if strings.Contains(err.Error(), "tiger") {
		t.Errorf("the error shows the password: %v", err)
	}
	for raw, want := range map[string]string{"MySQL://x/y": "mysql", "postgresql://x": "postgresql", "sqlite:a.db": "sqlite", "::": ""} {
		if got := Scheme(raw); got != want {
			t.Errorf("Scheme(%q) = %q, want %q", raw, got, want)
		}
	}
}
