// The V8 flags an app's image runs with (its Dockerfile's `ENV … NODE_OPTIONS="…"`), so the apps'
// benchmarks measure what ships rather than Node's defaults.
import { readFileSync } from "node:fs";

/** The flags in a Dockerfile's NODE_OPTIONS, or [] when it sets none. */
export function imageNodeOptions(dockerfile: string): string[] {
  const match = /NODE_OPTIONS="([^"]*)"/.exec(readFileSync(dockerfile, "utf8"));
  return match?.[1]?.split(/\s+/).filter(Boolean) ?? [];
}
