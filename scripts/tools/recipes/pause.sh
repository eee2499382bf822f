# The pod sandbox ("pause") process. Kubernetes' own is C; this one is the project's Go equivalent
# (scripts/images/pause/main.go): it holds the pod's namespaces, reaps zombies and exits on SIGINT/SIGTERM.
recipe_key() { sha256sum "$ROOT/scripts/images/pause/main.go" | cut -c1-12; }
recipe_build() { (cd "$ROOT/scripts/images/pause" && go build -ldflags "-s -w" -o "$1/pause" main.go); }
