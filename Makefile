# Every target is a one-liner into scripts/. hack/run provides the pinned toolchain (Node 24, pnpm) and
# the workspace dependencies, so no target needs anything installed globally. POSIX sh, so that macOS's
# make and shell run it as they are.
# `## text` after a target is its help line; `##@ Group` starts a group in `make help`.
SHELL := /bin/sh
.DEFAULT_GOAL := help
RUN := hack/run

##@ Getting started
.PHONY: help setup
help: ## Show this help: every target, grouped, with what it does
	@awk -f hack/lib/make-help.awk $(MAKEFILE_LIST)
setup: ## Install the pinned toolchain (Node 24, pnpm) and the workspace dependencies
	@$(RUN) node scripts/commands/setup.ts

##@ Clusters (make up sets up what is missing: a Docker engine on Debian, kind, kubectl, the images)
.PHONY: up verify jaeger traces prometheus status logs send down rotate revoke regenerate-credentials path
up: ## Set up what is missing, create the kind clusters, deploy the pipeline and prove traces cross (safe to re-run; AUTH=basic|mtls|both, EDGES=n, IMAGES_ARCHIVE=file, PIN_OVERRIDES=file)
	@$(RUN) node scripts/commands/up.ts $(if $(AUTH),--auth $(AUTH)) $(if $(EDGES),--edges '$(EDGES)') $(if $(IMAGES_ARCHIVE),--images-archive '$(IMAGES_ARCHIVE)')
verify: ## Prove traces crossed edge → remote and the gateway rejects bad clients (pass/fail table)
	@$(RUN) node scripts/commands/verify.ts
jaeger: ## Open Jaeger: port-forward its UI to http://localhost:16686 (Ctrl-C to stop; PORT=n for another port)
	@$(RUN) node scripts/commands/jaeger.ts $(if $(PORT),--port $(PORT))
traces: ## Print recent traces from Jaeger as trees in the terminal, with the edge's Kubernetes attributes (TRACE=id for one, SERVICE=name, LIMIT=n)
	@$(RUN) node scripts/commands/traces.ts $(if $(TRACE),--trace $(TRACE)) $(if $(SERVICE),--service $(SERVICE)) $(if $(LIMIT),--limit $(LIMIT))
prometheus: ## Open Prometheus (the pipeline's metrics and alerts): port-forward it to http://localhost:9090 (PORT=n for another port)
	@$(RUN) node scripts/commands/prometheus.ts $(if $(PORT),--port $(PORT))
status: ## Show both clusters' workloads, the gateway address, the pipeline's health, certificate expiry and where the credentials are
	@$(RUN) node scripts/commands/status.ts
logs: ## Show the edge and remote collectors' logs (FOLLOW=1 to stream, TAIL=n lines)
	@$(RUN) node scripts/commands/logs.ts $(if $(FOLLOW),--follow) $(if $(TAIL),--tail $(TAIL))
send: ## Send traces from this machine straight to the gateway (ARGS="..." for the trace generator)
	@$(RUN) node scripts/commands/send.ts -- $(ARGS)
down: ## Delete the clusters (the remote and every edge) and stop the Docker engine make up started (PURGE=1 also deletes its data and the generated CA, certificates and credentials)
	@$(RUN) node scripts/commands/down.ts $(if $(PURGE),--purge)
rotate: ## Renew what expires within 30 days and roll it out with nothing refused (WHAT=client,server,ca,credentials to choose)
	@$(RUN) node scripts/commands/rotate.ts $(if $(WHAT),--what $(WHAT))
revoke: ## Make the remote refuse one edge of the fleet from now on, restarting no edge (EDGE=edge-2)
	@$(RUN) node scripts/commands/revoke.ts $(if $(EDGE),--edge '$(EDGE)')
regenerate-credentials: ## New basic-auth credentials, rolled out if the clusters run (CERTS=1: new CA and certificate too)
	@$(RUN) node scripts/commands/regenerate-credentials.ts $(if $(CERTS),--certificates)
path: ## Print the export line that puts make up's own kind and kubectl first on PATH, for the labs (eval its output in your shell)
	@$(RUN) node scripts/commands/path.ts

##@ Images (make up needs no pulls inside the clusters)
.PHONY: images images-save images-offline
images: ## Pull every image the pins name onto this machine, once (make up loads them into both clusters)
	@$(RUN) node scripts/commands/images.ts pull
images-save: ## Save the pinned images and the Gateway API CRDs into one archive for an offline workshop, one platform per image (IMAGES_ARCHIVE=file, PLATFORM=linux/arm64; then IMAGES_ARCHIVE=file make up)
	@$(RUN) node scripts/commands/images.ts save $(if $(IMAGES_ARCHIVE),--archive '$(IMAGES_ARCHIVE)') $(if $(PLATFORM),--platform $(PLATFORM))
images-offline: ## Build every image from source, as make up does where no registry answers; prints the PIN_OVERRIDES file
	@$(RUN) node scripts/commands/images.ts offline

##@ Local topology (no Docker)
.PHONY: local local-verify tools
local: ## Run the whole pipeline on loopback (real collector, Traefik gateway, Jaeger, both apps) in the foreground; Ctrl-C stops it (AUTH=basic|mtls|both, ARGS="--rate 20")
	@$(RUN) node scripts/commands/local.ts $(if $(AUTH),--auth $(AUTH)) $(ARGS)
local-verify: ## Run make verify's checks against the running `make local` (in a second terminal)
	@$(RUN) node scripts/commands/local-verify.ts
tools: ## Build the Go binaries (collector, Jaeger, Traefik, kube-linter, Kubernetes for the offline images, ...) at the pinned versions, cached by version
	@$(RUN) node scripts/commands/tools.ts all

##@ Quality
.PHONY: test test-unit test-offline test-clusters lint format typecheck contract manifests bench-sample-service bench-trace-generator bench-pipeline docs
test: ## Run the whole suite, setting up what it needs as make up does: lint, type check, the unit, offline and clusters tiers (Go builds in the background)
	@$(RUN) node scripts/commands/test.ts
test-unit: ## The fast tier alone: apps, packages and scripts, no real binaries (seconds)
	@$(RUN) pnpm exec vitest run --project unit
test-offline: ## The offline tier alone: the integration tests (real processes: our commands, the apps, ESLint), contract tests and the local end-to-end suites, with the real collector, Traefik, Jaeger and Prometheus
	@$(RUN) pnpm exec vitest run --project offline
test-clusters: ## The real-cluster suite alone: make up from nothing, verify, status, logs, traces, send, rotation, outages, the offline archive, down
	@$(RUN) pnpm exec vitest run --project clusters
lint: ## Lint (ESLint), check formatting (Prettier) and the shell: the POSIX bootstrap under dash and posh, checkbashisms, shellcheck
	@$(RUN) node scripts/commands/lint.ts
format: ## Rewrite files with Prettier and apply ESLint's automatic fixes
	@$(RUN) pnpm run format
typecheck: ## Type-check apps, scripts and tests (strict TypeScript)
	@$(RUN) pnpm run typecheck
contract: ## Offline contract tests of clusters/ and manifests/: schemas, cross-references, kube-linter, real collector and Jaeger
	@$(RUN) pnpm exec vitest run scripts/contract
manifests: ## Render exactly what make up applies to each cluster, the auth mode's overlays included, into .cache/manifests/ (AUTH=basic|mtls|both)
	@$(RUN) node scripts/commands/manifests.ts $(if $(AUTH),--auth $(AUTH))
bench-sample-service: ## Benchmark the sample service with tracing off, on and 10% sampled (req/s, p99, CPU/request, RSS)
	@$(RUN) pnpm --filter @otel-e2r/sample-service bench
bench-trace-generator: ## Benchmark the trace generator on one core against telemetrygen (spans/s with zero drops, RSS)
	@$(RUN) node apps/trace-generator/bench/throughput.ts
bench-pipeline: ## Benchmark the secured hop on this machine: max spans/s with zero loss per security layer (medians of several rounds), CPU and bytes per span, RSS, p99 latency (ARGS="--configs tls-basic"; --record for the docs)
	@$(RUN) node scripts/commands/bench-pipeline.ts $(ARGS)
docs: ## Regenerate the docs' generated tables (versions, make targets, auth modes, the cold set-up's costs)
	@$(RUN) node scripts/commands/docs.ts
