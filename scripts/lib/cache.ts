// The project's cache folder outside the repository (Node, pnpm, Go-built tools, offline images, the Docker
// engine it starts): $OTEL_E2R_CACHE, else $XDG_CACHE_HOME/otel-edge-to-remote, else
// ~/.cache/otel-edge-to-remote. hack/lib/toolchain.sh computes the same folder for the shell side.
import { homedir } from "node:os";
import { join } from "node:path";

export const CACHE_DIR =
  process.env.OTEL_E2R_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "otel-edge-to-remote");
