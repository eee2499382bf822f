# telemetrygen: an independent OTLP client for cross-checks and benchmarks.
recipe_key() { pin TELEMETRYGEN_VERSION; }
recipe_build() {
  GOBIN="$1" go install \
    "github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen@v$(pin TELEMETRYGEN_VERSION)"
}
