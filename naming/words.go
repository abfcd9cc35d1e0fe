package naming

import "unicode"

// Words splits an identifier into its words, as written: at spaces,
// underscores, hyphens and any other rune that is neither a letter nor a
// digit, before an upper-case letter that follows a lower-case letter or a
// digit ("patientId", "Address2Line"), and before the last capital of an
// acronym that starts a new word ("HTMLParser" is HTML, Parser). Digits stay
// with the word before them ("Address2"), so the rename never invents an
// underscore inside a numbered name.
func Words(name string) []string {
	runes := []rune(name)
	var words []string
	start := -1
	for i, r := range runes {
		if !isWordRune(r) {
			words = flush(words, runes, start, i)
			start = -1
			continue
		}
		if start >= 0 && wordBreak(runes, i) {
			words = flush(words, runes, start, i)
			start = i
		}
		if start < 0 {
			start = i
		}
	}
	return flush(words, runes, start, len(runes))
}

func flush(words []string, runes []rune, start, end int) []string {
	if start < 0 || start >= end {
		return words
	}
	return append(words, string(runes[start:end]))
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordBreak reports whether a new word starts at runes[i], the previous rune
// being part of the current word.
func wordBreak(runes []rune, i int) bool {
	prev, cur := runes[i-1], runes[i]
	if !unicode.IsUpper(cur) {
		return false
	}
	if !unicode.IsUpper(prev) {
		return true // "patientId", "address2Line"
	}
	// Inside a run of capitals, the last one starts the next word when a
	// lower-case letter follows it: "HTMLParser" breaks before "P". A plural
	// "s" ending the word does not: "PatientIDs" is Patient, IDs.
	return i+1 < len(runes) && isLowerLike(runes[i+1]) && !pluralS(runes, i+1)
}

// pluralS reports whether runes[i] is a lone "s" ending its word.
func pluralS(runes []rune, i int) bool {
	return runes[i] == 's' && (i+1 == len(runes) || !isLowerLike(runes[i+1]))
}

// isLowerLike is a letter that continues a capitalised word: lower case, or
// a letter without case (CJK, for instance).
func isLowerLike(r rune) bool {
	return unicode.IsLetter(r) && !unicode.IsUpper(r)
}
