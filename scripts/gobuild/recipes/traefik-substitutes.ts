// The Go source of Traefik's substitutes (see traefik.ts), written by the recipe at build time. Both are the
// project's own code, not copies of upstream's.

/**
 * Substitute 1. Traefik's HTTPConfiguration and Router embed ext.HTTP and ext.Router (a hook for its
 * commercial edition); the generated DeepCopy copies them by value, so empty structs satisfy every use.
 */
export const DYNAMIC_EXT = {
  "go.mod": "module github.com/traefik/traefik/dynamic/ext\n\ngo 1.22\n",
  "ext.go": `// Package ext stands in for Traefik's nested dynamic/ext module, which the Go module proxy does not serve.
package ext

// HTTP is embedded in dynamic.HTTPConfiguration; it adds no fields here.
type HTTP struct{}

// Router is embedded in dynamic.Router; it adds no fields here.
type Router struct{}
`,
} as const;

/**
 * Substitute 2: upstream go-http-auth plus RequireAuthStale, which the digestAuth middleware calls when
 * CheckAuth reports a stale nonce. Upstream's CheckAuth never reports one, so the method rarely runs; it
 * answers like RequireAuth with stale=true in the challenge (RFC 7616, section 3.3).
 */
export const HTTP_AUTH_STALE = `package auth

import "net/http"

// RequireAuthStale is RequireAuth with stale=true in the challenge: the client may retry with the new
// nonce without asking the user for credentials again.
func (da *DigestAuth) RequireAuthStale(w http.ResponseWriter, r *http.Request) {
	da.RequireAuth(staleChallengeWriter{w, da.Headers.V().Authenticate}, r)
}

type staleChallengeWriter struct {
	http.ResponseWriter
	header string
}

func (s staleChallengeWriter) WriteHeader(code int) {
	if v := s.Header().Get(s.header); v != "" {
		s.Header().Set(s.header, v+", stale=true")
	}
	s.ResponseWriter.WriteHeader(code)
}
`;
