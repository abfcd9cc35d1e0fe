package demo

import (
	"math/rand/v2"
	"strings"
	"time"
)

// The two text forms of time the legacy systems store, the only ones the
// estate holds apart from the planted zero dates.
const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04:05"
)

// randomTime returns a time in [from, to) with whole seconds.
func randomTime(r *rand.Rand, from, to time.Time) time.Time {
	span := int64(to.Sub(from) / time.Second)
	return from.Add(time.Duration(r.Int64N(span)) * time.Second)
}

func randomDate(r *rand.Rand, fromYear, toYear int) string {
	return randomTime(r, year(fromYear), year(toYear+1)).Format(dateLayout)
}

func randomDateTime(r *rand.Rand, fromYear, toYear int) string {
	return randomTime(r, year(fromYear), year(toYear+1)).Format(dateTimeLayout)
}

func year(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }

// flag is a TINYINT(1) value: 1 with probability pct percent, else 0.
func flag(r *rand.Rand, pct int) int64 {
	if chance(r, pct) {
		return 1
	}
	return 0
}

// orNull returns v, or NULL with probability pct percent, the way optional
// fields of old forms were left empty.
func orNull(r *rand.Rand, pct int, v any) any {
	if chance(r, pct) {
		return nil
	}
	return v
}

// asciiFold spells a name the way old systems built logins and e-mail
// addresses: lower case, accents dropped, anything else left out.
func asciiFold(s string) string {
	s = strings.ToLower(folds.Replace(s))
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

var folds = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "ae", "å", "aa", "ã", "a", "ą", "a",
	"é", "e", "è", "e", "ê", "e", "ë", "e", "ę", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i", "ı", "i",
	"ó", "o", "ò", "o", "ô", "o", "ö", "oe", "ø", "o", "õ", "o", "Ó", "O", "Ø", "O",
	"ú", "u", "ù", "u", "û", "u", "ü", "ue", "ñ", "n", "ç", "c", "ć", "c", "č", "c",
	"ł", "l", "Ł", "L", "ń", "n", "ř", "r", "ě", "e", "ů", "u", "ğ", "g", "ő", "o", "ű", "u", "ś", "s", "š", "s", "ş", "s", "Ş", "S", "ź", "z", "ż", "z", "ž", "z",
	"ß", "ss", "æ", "ae", "Ö", "Oe", "Ü", "Ue", "Ç", "C", "Å", "Aa", "É", "E",
)

// flagOf is b as a TINYINT(1) value.
func flagOf(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
