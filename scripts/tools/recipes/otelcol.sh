# The collector, built with the OpenTelemetry Collector Builder (OCB) from scripts/tools/otelcol-builder.yaml:
# exactly the components the configs in manifests/ use. Keyed by the version and a hash of the rendered
# builder manifest, so adding a component rebuilds it.

# Renders the builder manifest with the pins substituted for ${KEY}.
render_builder_manifest() {
  local text key value
  text=$(<"$ROOT/scripts/tools/otelcol-builder.yaml")
  for key in $(grep -o '\${[A-Z0-9_]*}' <<<"$text" | sort -u | tr -d '${}'); do
    value=$(pin "$key") || exit 1
    text=${text//\$\{$key\}/$value}
  done
  printf '%s\n' "$text"
}

recipe_key() { printf '%s-%s' "$(pin OTELCOL_VERSION)" "$(render_builder_manifest | sha256sum | cut -c1-12)"; }

recipe_build() {
  local out=$1 work="$1/build"
  mkdir -p "$work"
  render_builder_manifest >"$work/builder.yaml"
  GOBIN="$work" go install "go.opentelemetry.io/collector/cmd/builder@v$(pin OTELCOL_VERSION)"
  "$work/builder" --config "$work/builder.yaml" --output-path "$work/src" >"$work/builder.log" 2>&1 ||
    { tail -n 30 "$work/builder.log" >&2; die "the collector builder failed (log: $work/builder.log)"; }
  mv "$work/src/otelcol-e2r" "$out/otelcol"
  rm -rf "$work"
}
