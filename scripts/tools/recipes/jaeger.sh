# Jaeger v2. Its go.mod carries replace directives, so it is built from a throwaway main module that
# repeats them and starts from Jaeger's own go.sum (whose hashes the checksum database vouches for via
# Jaeger's module): exactly the same code as `go install` would build.

recipe_key() { printf '%s-module-%s' "$(pin JAEGER_VERSION)" "$(pin JAEGER_MODULE_VERSION)"; }

recipe_build() {
  local out=$1 module=github.com/jaegertracing/jaeger version dir from to ver
  version="v$(pin JAEGER_MODULE_VERSION)"
  dir=$(module_dir "$module@$version")
  throwaway_module "$out/build" "$module@$version"
  cp "$dir/go.sum" go.sum && chmod u+w go.sum
  while read -r from _ to ver; do
    # `replace A => B vX` (single-line form) becomes `go mod edit -replace A=B@vX`.
    go mod edit -replace "$from=$to${ver:+@$ver}" || return 1
  done < <(sed -n 's/^replace[[:space:]]\+//p' "$dir/go.mod")
  # Resolve the build list the way Jaeger's own go.mod does: take its requirements as ours.
  # shellcheck disable=SC2046
  go mod edit $(sed -n '/^require (/,/^)/p' "$dir/go.mod" | grep -v '^require (\|^)' |
    awk '{print "-require=" $1 "@" $2}') || return 1
  go build -mod=mod -o "$out/jaeger" "$module/cmd/jaeger" || return 1
  cd "$out" && rm -rf "$out/build"
}
