// Jaeger v2. Its go.mod carries replace directives, so it is built from a throwaway main module that repeats
// them, takes Jaeger's requirements as its own and starts from Jaeger's go.sum (whose hashes the checksum
// database vouches for via Jaeger's module): exactly the code `go install` would build.
import { chmodSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { versions } from "../../lib/versions.ts";
import { parseGoMod, replaceArgs, requireArgs, type Recipe } from "../recipe.ts";

const MODULE = "github.com/jaegertracing/jaeger";

export const jaeger: Recipe = {
  group: "local",
  binaries: ["jaeger"],
  key: () => `${versions().JAEGER_VERSION}-module-${versions().JAEGER_MODULE_VERSION}`,
  async build(out, go) {
    const version = `v${versions().JAEGER_MODULE_VERSION}`;
    const dir = await go.moduleDir(`${MODULE}@${version}`);
    const work = join(out, "build");
    await go.throwawayModule(work, `${MODULE}@${version}`);
    copyFileSync(join(dir, "go.sum"), join(work, "go.sum"));
    chmodSync(join(work, "go.sum"), 0o644);
    const mod = parseGoMod(readFileSync(join(dir, "go.mod"), "utf8"));
    await go.go(["mod", "edit", ...replaceArgs(mod.replaces), ...requireArgs(mod.requires)], { cwd: work });
    await go.go(["build", "-mod=mod", "-o", join(out, "jaeger"), `${MODULE}/cmd/jaeger`], { cwd: work });
  },
};
