# Standalone kustomize, for the contract tests.
recipe_key() { pin KUSTOMIZE_VERSION; }
recipe_build() { GOBIN="$1" go install "sigs.k8s.io/kustomize/kustomize/v5@v$(pin KUSTOMIZE_VERSION)"; }
