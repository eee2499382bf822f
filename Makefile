# Every target is a one-liner into scripts/. scripts/run provides the pinned toolchain (Node 24, pnpm)
# and the workspace dependencies, so no target needs anything installed globally.
# `## text` after a target is its help line; `##@ Group` starts a group in `make help`.
SHELL := bash
.DEFAULT_GOAL := help
RUN := scripts/run

##@ Getting started
.PHONY: help setup
help: ## Show this help: every target, grouped, with what it does
	@awk -f scripts/lib/make-help.awk $(MAKEFILE_LIST)
setup: ## Install the pinned toolchain (Node 24, pnpm) and the workspace dependencies
	@$(RUN) node scripts/commands/setup.ts

##@ Clusters (need Docker, kind, kubectl)
.PHONY: up verify jaeger prometheus status logs send down rotate regenerate-credentials
up: ## Create both kind clusters, deploy the pipeline and prove traces cross (safe to re-run; AUTH=basic|mtls|both, IMAGES_ARCHIVE=file, PIN_OVERRIDES=file)
	@$(RUN) node scripts/commands/up.ts $(if $(AUTH),--auth $(AUTH))
verify: ## Prove traces crossed edge → remote and the gateway rejects bad clients (pass/fail table)
	@$(RUN) node scripts/commands/verify.ts
jaeger: ## Open Jaeger: port-forward its UI to http://localhost:16686 (Ctrl-C to stop; PORT=n for another port)
	@$(RUN) node scripts/commands/jaeger.ts $(if $(PORT),--port $(PORT))
prometheus: ## Open Prometheus (the pipeline's metrics and alerts): port-forward it to http://localhost:9090 (PORT=n for another port)
	@$(RUN) node scripts/commands/prometheus.ts $(if $(PORT),--port $(PORT))
status: ## Show both clusters' workloads, the gateway address, the pipeline's health, certificate expiry and where the credentials are
	@$(RUN) node scripts/commands/status.ts
logs: ## Show the edge and remote collectors' logs (FOLLOW=1 to stream, TAIL=n lines)
	@$(RUN) node scripts/commands/logs.ts $(if $(FOLLOW),--follow) $(if $(TAIL),--tail $(TAIL))
send: ## Send traces from this machine straight to the gateway (ARGS="..." for the trace generator)
	@$(RUN) node scripts/commands/send.ts -- $(ARGS)
down: ## Delete both clusters (PURGE=1 also deletes the generated CA, certificate and credentials)
	@$(RUN) node scripts/commands/down.ts $(if $(PURGE),--purge)
rotate: ## Renew what expires within 30 days and roll it out with nothing refused (WHAT=client,server,ca,credentials to choose)
	@$(RUN) node scripts/commands/rotate.ts $(if $(WHAT),--what $(WHAT))
regenerate-credentials: ## New basic-auth credentials, rolled out if the clusters run (CERTS=1: new CA and certificate too)
	@$(RUN) node scripts/commands/regenerate-credentials.ts $(if $(CERTS),--certificates)

##@ Images (make up needs no pulls inside the clusters)
.PHONY: images images-save images-offline
images: ## Pull every image the pins name onto this machine, once (make up loads them into both clusters)
	@$(RUN) node scripts/commands/images.ts pull
images-save: ## Save the pinned images into one archive for an offline workshop (IMAGES_ARCHIVE=file; then IMAGES_ARCHIVE=file make up)
	@$(RUN) node scripts/commands/images.ts save
images-offline: ## Build every image from source where no registry is reachable (as in CI); prints the PIN_OVERRIDES file for make up
	@$(RUN) scripts/images/offline.sh

##@ Local topology (no Docker)
.PHONY: local local-verify tools
local: ## Run the whole pipeline on loopback (real collector, Traefik gateway, Jaeger, both apps) in the foreground; Ctrl-C stops it (AUTH=basic|mtls|both, ARGS="--rate 20")
	@$(RUN) node scripts/commands/local.ts $(if $(AUTH),--auth $(AUTH)) $(ARGS)
local-verify: ## Run make verify's checks against the running `make local` (in a second terminal)
	@$(RUN) node scripts/commands/local-verify.ts
tools: ## Build the Go binaries (collector, Jaeger, Traefik, kube-linter, Kubernetes for the offline images, ...) at the pinned versions, cached by version
	@scripts/tools/go-tools.sh all

##@ Quality
.PHONY: test test-clusters lint format typecheck contract manifests bench-sample-service bench-trace-generator bench-pipeline docs
test: ## Run the whole suite: lint, type-check, build the Go tools, every test (unit, contract, local end-to-end), then the real clusters
	@$(RUN) pnpm run test
test-clusters: ## The real-cluster suite alone: make up, verify, status, logs, jaeger, send, rotation, outages, down against two kind clusters
	@$(RUN) pnpm run test:clusters
lint: ## Lint (ESLint) and check formatting (Prettier)
	@$(RUN) pnpm run lint
format: ## Rewrite files with Prettier and apply ESLint's automatic fixes
	@$(RUN) pnpm run format
typecheck: ## Type-check apps, scripts and tests (strict TypeScript)
	@$(RUN) pnpm run typecheck
contract: ## Offline contract tests of clusters/ and manifests/: schemas, cross-references, kube-linter, real collector and Jaeger
	@$(RUN) pnpm exec vitest run scripts/contract
manifests: ## Render both clusters' manifests (kubectl kustomize, as make up does; images from versions.env) into .cache/manifests/
	@$(RUN) node scripts/commands/manifests.ts
bench-sample-service: ## Benchmark the sample service with tracing off, on and 10% sampled (req/s, p99, CPU/request, RSS)
	@$(RUN) pnpm --filter @otel-e2r/sample-service bench
bench-trace-generator: ## Benchmark the trace generator on one core against telemetrygen (spans/s with zero drops, RSS)
	@$(RUN) node apps/trace-generator/bench/throughput.ts
bench-pipeline: ## Benchmark the secured hop on this machine: max spans/s with zero loss per security layer, CPU/span, RSS, p99 latency (ARGS="--configs tls-basic")
	@$(RUN) node scripts/commands/bench-pipeline.ts $(ARGS)
docs: ## Regenerate the README's generated tables (versions, make targets)
	@$(RUN) node scripts/docs/readme-blocks.ts
