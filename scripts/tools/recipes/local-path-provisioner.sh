# The storage provisioner kind installs as the default StorageClass.
recipe_key() { pin LOCAL_PATH_PROVISIONER_VERSION; }
recipe_build() {
  GOBIN="$1" go install -ldflags "-s -w" \
    "github.com/rancher/local-path-provisioner@v$(pin LOCAL_PATH_PROVISIONER_VERSION)"
}
