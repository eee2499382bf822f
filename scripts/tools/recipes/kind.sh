# kind itself, for machines that lack it (the project's CI). Users install kind their own way.
recipe_key() { pin KIND_VERSION; }
recipe_build() { GOBIN="$1" go install "sigs.k8s.io/kind@v$(pin KIND_VERSION)"; }
