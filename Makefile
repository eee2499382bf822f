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
	@$(RUN) node scripts/setup.ts

##@ Quality
.PHONY: test lint format typecheck docs
test: ## Run the whole suite: lint, type-check, build the Go tools, then every test (unit, contract, end-to-end)
	@$(RUN) pnpm run test
lint: ## Lint (ESLint) and check formatting (Prettier)
	@$(RUN) pnpm run lint
format: ## Rewrite files with Prettier and apply ESLint's automatic fixes
	@$(RUN) pnpm run format
typecheck: ## Type-check apps, scripts and tests (strict TypeScript)
	@$(RUN) pnpm run typecheck
docs: ## Regenerate the README's generated tables (versions, make targets)
	@$(RUN) node scripts/docs/readme-blocks.ts
