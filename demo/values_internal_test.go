package demo

import (
	"testing"
	"unicode"
)

// TestASCIIFoldDropsNoLatinLetter: a Latin letter missing from the fold table
// would vanish from e-mail addresses (Zieliński → zieliski).
func TestASCIIFoldDropsNoLatinLetter(t *testing.T) {
	names := append(append([]string{}, firstNames...), lastNames...)
	for _, name := range names {
		letters := 0
		for _, c := range name {
			if unicode.Is(unicode.Han, c) {
				letters = -1
				break
			}
			if unicode.IsLetter(c) {
				letters++
			}
		}
		if got := asciiFold(name); letters > len(got) {
			t.Errorf("asciiFold(%q) = %q drops letters", name, got)
		}
	}
}
