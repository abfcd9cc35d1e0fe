package config

import (
	"fmt"
	"strings"
)

// didYouMean returns `; did you mean "x"?` for the candidate closest to word,
// or "" when none is close enough to be a plausible typo.
func didYouMean(word string, candidates []string) string {
	if len(word) > maxSuggestLen {
		return ""
	}
	best, bestDist := "", len(word)/3+1
	w := strings.ToLower(word)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := Distance(w, lc)
		if len(w) >= 3 && strings.HasPrefix(lc, w) {
			d = min(d, 1) // "snake" for "snake_case"
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// maxSuggestLen bounds the quadratic distance computation; no key is this long.
const maxSuggestLen = 64

// Distance is the Levenshtein edit distance between a and b, by runes: how
// "did you mean" suggestions, here and in the plan, find the closest name.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
