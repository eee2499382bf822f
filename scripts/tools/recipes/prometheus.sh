# Prometheus and promtool, the remote cluster's metrics backend and its rule tester. Prometheus 3 tags
# its Go module v0.3MM.P for release 3.MM.P, and its go.mod has no replace directives, so `go install`
# builds it as released, less service discovery and the web UI's compiled assets (the `builtinassets` tag needs an npm build
# first): the HTTP API, the rules and the OTLP receiver are all there, as with Jaeger's UI.
RECIPE_BINARIES=(prometheus promtool)

recipe_key() { printf '%s-module-%s' "$(pin PROMETHEUS_VERSION)" "$(pin PROMETHEUS_MODULE_VERSION)"; }

recipe_build() {
  local module=github.com/prometheus/prometheus version
  version="v$(pin PROMETHEUS_MODULE_VERSION)"
  # The version string Prometheus reports (build_info, --version), set as its release build does.
  # remove_all_sd leaves out every service discovery (cloud SDKs make most of the build): this Prometheus
  # scrapes nothing, everything is pushed to it.
  GOBIN="$1" go install -tags remove_all_sd -ldflags "-s -w -X github.com/prometheus/common/version.Version=$(pin PROMETHEUS_VERSION | sed s/^v//)
    -X github.com/prometheus/common/version.Branch=HEAD" \
    "$module/cmd/prometheus@$version" "$module/cmd/promtool@$version"
}
