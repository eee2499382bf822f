# Traefik v3, the remote cluster's Gateway API implementation. Its go.mod carries replace directives, so
# it is built from a throwaway main module that repeats them, starts from Traefik's own go.sum and takes
# its requirements as ours (as jaeger.sh does). Three things in its build list are not on the module
# proxy, so the recipe writes small substitutes at build time; none touches the Kubernetes providers,
# TLS, the HTTP/2 and gRPC proxy, the file provider or ping:
#   1. github.com/traefik/traefik/dynamic/ext, a nested module of Traefik's repository that its module
#      zip leaves out: two empty structs.
#   2. github.com/containous/go-http-auth, Traefik's fork of github.com/abbot/go-http-auth: upstream plus
#      the one method Traefik calls that upstream lacks. Only the basicAuth/digestAuth middlewares use it.
#   3. lego's DNS providers whose SDK the proxy refuses: dropped from lego's provider switch, so choosing
#      one is an error. Only ACME DNS-01 challenges use them, and the project runs no ACME.

# lego DNS providers left out, each with the module the proxy refuses (403) for it.
TRAEFIK_DROPPED_DNS_PROVIDERS=(
  alidns=github.com/go-acme/alidns-20150109/v5
  aliesa=github.com/go-acme/esa-20240910/v3
  azion=github.com/aziontech/azionapi-go-sdk
  dnsimple=github.com/dnsimple/dnsimple-go/v9
  edgedns=github.com/akamai/AkamaiOPEN-edgegrid-golang/v13
  edgeone=github.com/go-acme/tencentedgdeone
  huaweicloud=github.com/huaweicloud/huaweicloud-sdk-go-v3
  oraclecloud=github.com/nrdcg/oci-go-sdk/common/v1065
  oraclecloud=github.com/nrdcg/oci-go-sdk/dns/v1065
  regfish=github.com/regfish/regfish-dnsapi-go
  sakuracloud=github.com/sacloud/sacloud-sdk-go
  tencentcloud=github.com/go-acme/tencentclouddnspod
  ucloud=github.com/ucloud/ucloud-sdk-go
  yandexcloud=github.com/yandex-cloud/go-sdk/services/dns
)
# The newest upstream go-http-auth the proxy has; it already has CheckSecret, which v0.4.0 lacks.
TRAEFIK_HTTP_AUTH=github.com/abbot/go-http-auth@v0.4.1-0.20220112235402-e1cee1c72f2f

# The recipe's own hash is in the key, so changing a substitution rebuilds.
recipe_key() { printf '%s-recipe-%s' "$(pin TRAEFIK_VERSION)" "$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-8)"; }

recipe_build() {
  local out=$1 module=github.com/traefik/traefik/v3 version dir sub from to ver entry drop=() date
  version="v$(pin TRAEFIK_VERSION)"
  dir=$(module_dir "$module@$version")
  throwaway_module "$out/build" "$module@$version"
  # Relative to the build folder, so the binary's build info names no temporary path.
  sub=./substitutes
  cp "$dir/go.sum" go.sum && chmod u+w go.sum

  while read -r from _ to ver; do
    case "$from" in
      github.com/traefik/traefik/dynamic/ext) traefik_dynamic_ext "$sub/dynamic-ext" || return 1; to=$sub/dynamic-ext ver= ;;
      github.com/abbot/go-http-auth) traefik_http_auth "$sub/go-http-auth" || return 1; to=$sub/go-http-auth ver= ;;
      *) [[ -n "$ver" ]] || die "Traefik's go.mod replaces $from with a folder ($to) this recipe does not know" ;;
    esac
    go mod edit -replace "$from=$to${ver:+@$ver}" || return 1
  done < <(sed -n -e 's/^replace[[:space:]]\+\([^(].*\)/\1/p' -e '/^replace (/,/^)/{/^replace (\|^)\|^[[:space:]]*\/\/\|^[[:space:]]*$/!p}' "$dir/go.mod")
  # shellcheck disable=SC2046
  go mod edit $(sed -n 's/^exclude[[:space:]]\+\([^ ]*\) \(.*\)/-exclude=\1@\2/p' "$dir/go.mod") || return 1

  traefik_lego "$sub/lego" "$dir" || return 1
  go mod edit -replace "github.com/go-acme/lego/v5=$sub/lego" || return 1
  for entry in "${TRAEFIK_DROPPED_DNS_PROVIDERS[@]}"; do drop+=("${entry#*=}"); done
  # Traefik's requirements become ours, less the refused SDKs and lego v4 (only a test of Traefik's
  # imports it, and its go.mod would bring the refused SDKs back into the module graph).
  # shellcheck disable=SC2046
  go mod edit $({ sed -n '/^require (/,/^)/p' "$dir/go.mod" | grep -v '^require (\|^)'
    sed -n 's/^require[[:space:]]\+\([^(].*\)/\1/p' "$dir/go.mod"; } |
    awk -v drop="${drop[*]} github.com/go-acme/lego/v4" 'BEGIN { split(drop, d, " "); for (i in d) skip[d[i]] = 1 }
      $1 != "" && $1 !~ /^\/\// && !($1 in skip) { print "-require=" $1 "@" $2 }') || return 1

  log "  traefik: substituted github.com/traefik/traefik/dynamic/ext (empty types), containous/go-http-auth" \
    "(${TRAEFIK_HTTP_AUTH#*/} + RequireAuthStale), lego/v5 without DNS providers" \
    "$(printf '%s\n' "${TRAEFIK_DROPPED_DNS_PROVIDERS[@]%%=*}" | sort -u | paste -sd,)"
  # Set the version as Traefik's release build does (.goreleaser.yml.tmpl, .github/workflows/release.yaml),
  # with the module's publication time as build date so the build is reproducible.
  date=$(cd "${TMPDIR:-/tmp}" && go list -m -f '{{.Time.Format "2006-01-02T15:04:05Z"}}' "$module@$version") || return 1
  go build -mod=mod -ldflags "-s -w -X $module/pkg/version.Version=${version#v}
    -X $module/pkg/version.Codename=langres -X $module/pkg/version.BuildDate=$date" \
    -o "$out/traefik" "$module/cmd/traefik" || return 1
  cd "$out" && rm -rf "$out/build"
}

# Substitute 1. Traefik's HTTPConfiguration and Router embed ext.HTTP and ext.Router (a hook for its
# commercial edition); the generated DeepCopy copies them by value, so empty structs satisfy every use.
traefik_dynamic_ext() { # dir
  mkdir -p "$1" || return 1
  printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.22\n' >"$1/go.mod"
  cat >"$1/ext.go" <<'EOF'
// Package ext stands in for Traefik's nested dynamic/ext module, which the Go module proxy does not serve.
package ext

// HTTP is embedded in dynamic.HTTPConfiguration; it adds no fields here.
type HTTP struct{}

// Router is embedded in dynamic.Router; it adds no fields here.
type Router struct{}
EOF
}

# Substitute 2. Upstream go-http-auth, plus RequireAuthStale, which the digestAuth middleware calls when
# CheckAuth reports a stale nonce. Upstream's CheckAuth never reports one, so the method rarely runs; it
# answers like RequireAuth with stale=true in the challenge (RFC 7616, section 3.3).
traefik_http_auth() { # dir
  cp -r "$(module_dir "$TRAEFIK_HTTP_AUTH")" "$1" && chmod -R u+w "$1" || return 1
  cat >"$1/zz_e2r_stale.go" <<'EOF'
package auth

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
EOF
}

# Substitute 3. A writable copy of lego whose generated provider switch answers "not in this build" for
# the dropped providers, and whose go.mod no longer requires their SDKs.
traefik_lego() { # dir traefik-dir
  local ver switch entry provider
  ver=$(sed -n 's/^[[:space:]]*github.com\/go-acme\/lego\/v5 \(v[^ ]*\).*/\1/p' "$2/go.mod")
  cp -r "$(module_dir "github.com/go-acme/lego/v5@$ver")" "$1" && chmod -R u+w "$1" || return 1
  switch="$1/providers/dns/zz_gen_dns_providers.go"
  for entry in "${TRAEFIK_DROPPED_DNS_PROVIDERS[@]}"; do
    provider=${entry%%=*}
    (cd "$1" && go mod edit -droprequire "${entry#*=}") || return 1
    sed -i -e "\|^[[:space:]]*\"github.com/go-acme/lego/v5/providers/dns/$provider\"$|d" \
      -e "s|^\([[:space:]]*return\) $provider\.NewDNSProvider()$|\1 nil, fmt.Errorf(\"DNS provider %s is not in this build of Traefik\", name)|" \
      "$switch"
    ! grep -q "providers/dns/$provider\"\|[[:space:]]$provider\." "$switch" ||
      die "lego $ver: the provider switch still uses $provider (its generated file changed shape)"
  done
}
