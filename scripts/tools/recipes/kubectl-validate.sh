# kubectl-validate: offline schema validation for the contract tests.
recipe_key() { pin KUBECTL_VALIDATE_VERSION; }
recipe_build() { GOBIN="$1" go install "sigs.k8s.io/kubectl-validate@v$(pin KUBECTL_VALIDATE_VERSION)"; }
