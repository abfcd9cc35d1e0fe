package dashboard

import (
	"crypto/subtle"
	"embed"
	"io/fs"
	"net/http"

	"github.com/sluicedb/sluice/target"
)

//go:embed assets
var assets embed.FS

// Database is a target database the dashboard shows.
type Database struct {
	Name   string // the config's name for it, or its database name
	URL    string // redacted (sluice.RedactURL): it is shown
	Target *target.Target
}

// Source is a source database, as the config names it.
type Source struct {
	Name   string `json:"name"`
	Engine string `json:"engine"`
	URL    string `json:"url"` // redacted
}

// Options configure the dashboard.
type Options struct {
	Databases []Database
	Sources   []Source
	// Token, when set, is required of every request: as a bearer token, or
	// as the cookie that /login?token=... sets.
	Token string
	// Extra is mounted as is (for /metrics), behind the same token.
	Extra map[string]http.Handler
}

// tokenCookie holds the token in the browser after /login.
const tokenCookie = "sluice_token"

// New returns the dashboard's handler.
func New(o Options) http.Handler {
	s := &server{dbs: o.Databases, sources: o.Sources, audits: newAuditCache()}
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets")
	mux.Handle("GET /", http.FileServerFS(static))
	s.routes(mux)
	for path, h := range o.Extra {
		mux.Handle(path, h)
	}
	return headers(login(o.Token, mux))
}

// headers forbid everything the page does not need: no inline script, no
// other origin, no framing, no sniffing a JSON answer into HTML.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// login requires the token, when there is one: /login?token=T sets it as
// an HttpOnly cookie and goes to the dashboard; an API client sends it as
// "Authorization: Bearer T".
func login(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			if !same(r.URL.Query().Get("token"), token) {
				http.Error(w, "wrong token", http.StatusUnauthorized)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: token, Path: "/", HttpOnly: true,
				SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		if !authorized(r, token) {
			http.Error(w, "this dashboard needs its token: open /login?token=... or send Authorization: Bearer ...", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func authorized(r *http.Request, token string) bool {
	if c, err := r.Cookie(tokenCookie); err == nil && same(c.Value, token) {
		return true
	}
	const bearer = "Bearer "
	auth := r.Header.Get("Authorization")
	return len(auth) > len(bearer) && same(auth[len(bearer):], token)
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
