package engines

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dburl"
)

// A malformed URL is refused before any connection, saying what is wrong
// with it, its password hidden (even the bad escape in one).
func TestOpenSaysWhatIsWrongWithAURL(t *testing.T) {
	const escapeHint = " (a % must be followed by two hex digits; write %25 for a % itself)"
	for raw, want := range map[string]string{
		"mysql://root@127.0.0.1:99999/test":           `source s: bad URL mysql://root@127.0.0.1:99999/test: port "99999" is out of range: must be 1-65535`,
		"mysql://root@127.0.0.1:33a06/test":           `source s: bad URL mysql://root@127.0.0.1:33a06/test: port "33a06" is not a number: must be 1-65535`,
		"mysql://ro%zzot@host/db":                     `source s: bad URL mysql://ro%zzot@host/db: invalid percent escape "%zz" in the user name` + escapeHint,
		"mysql://root:s3%zzcret@host/db":              `source s: bad URL mysql://root:xxxxx@host/db: invalid percent escape in the password` + escapeHint,
		"mysql://root@host:0/db":                      `source s: bad URL mysql://root@host:0/db: port "0" is out of range: must be 1-65535`,
		"mysql://root@h/d%g1":                         `source s: bad URL mysql://root@h/d%g1: invalid percent escape "%g1" in the database` + escapeHint,
		"mysql:root@h/db":                             `source s: bad URL mysql:xxxxx@h/db: want mysql://user:password@host:port/database`,
		"mysql://root@[::1:3306/db":                   `source s: bad URL mysql://root@[::1:3306/db: unclosed [ in the host "[::1:3306": write an IPv6 address as [::1]:port`,
		"postgres://u:pw@h:70000/db":                  `source s: bad URL postgres://u:xxxxx@h:70000/db: port "70000" is out of range: must be 1-65535`,
		"postgresql://u@h1:5432,h2:5x/db":             `source s: bad URL postgresql://u@h1:5432,h2:5x/db: port "5x" is not a number: must be 1-65535`,
		"postgres://u@h/db?sslmode=%":                 `source s: bad URL postgres://u@h/db?sslmode=%: invalid percent escape "%" in the parameters` + escapeHint,
		"sqlserver://sa:pw@h:1433a?database=x":        `source s: bad URL sqlserver://sa:xxxxx@h:1433a?database=x: port "1433a" is not a number: must be 1-65535`,
		"sqlserver://sa:pw@h:123456789012345678901/i": `source s: bad URL sqlserver://sa:xxxxx@h:123456789012345678901/i: port "123456789012345678901" is out of range: must be 1-65535`,
	} {
		_, err := Open(context.Background(), "s", raw)
		var bad *dburl.Error
		if err == nil || err.Error() != want || !errors.As(err, &bad) {
			t.Errorf("%s:\n got %v\nwant %s", raw, err, want)
		}
		if err != nil && (strings.Contains(err.Error(), "pw") || strings.Contains(err.Error(), "s3")) {
			t.Errorf("%s: the error shows the password: %v", raw, err)
		}
	}
}
