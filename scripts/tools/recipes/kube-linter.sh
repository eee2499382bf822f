# kube-linter's module path is golang.stackrox.io/kube-linter, a vanity host the module proxy does not
# serve here (403); the proxy does serve the same release under its repository path. `go install` refuses
# that path (go.mod declares the vanity one), so build the downloaded module as the main module instead:
# its go.sum pins every dependency, and -mod=readonly keeps it that way.
recipe_key() { pin KUBE_LINTER_VERSION; }
recipe_build() {
  local out=$1 version dir
  version="v$(pin KUBE_LINTER_VERSION)"
  dir=$(module_dir "github.com/stackrox/kube-linter@$version")
  (cd "$dir" && go build -mod=readonly -ldflags "-X golang.stackrox.io/kube-linter/internal/version.version=$version" \
    -o "$out/kube-linter" ./cmd/kube-linter)
}
