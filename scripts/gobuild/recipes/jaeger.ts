// Jaeger v2. Its go.mod carries replace directives, so it is built from a throwaway main module that repeats
// them, takes Jaeger's requirements as its own and starts from Jaeger's go.sum (whose hashes the checksum
// database vouches for via Jaeger's module): exactly the code `go install` would build.
import { join } from "node:path";
import { versions } from "../../lib/versions.ts";
import { parseGoMod, replaceArgs, requireArgs, type Recipe } from "../recipe.ts";

const MODULE = "github.com/jaegertracing/jaeger";

export const jaeger: Recipe = {
  group: "local",
  binaries: ["jaeger"],
  key: () => `${versions().JAEGER_VERSION}-module-${versions().JAEGER_MODULE_VERSION}`,
  async build(out, go) {
    const work = join(out, "build");
    const mod = parseGoMod(await go.throwawayLike(work, `${MODULE}@v${versions().JAEGER_MODULE_VERSION}`));
    await go.go(["mod", "edit", ...replaceArgs(mod.replaces), ...requireArgs(mod.requires)], { cwd: work });
    // Stripped like the other tools: no symbol table or DWARF to link, the biggest binary of the set.
    await go.go(
      ["build", "-mod=mod", "-ldflags", "-s -w", "-o", join(out, "jaeger"), `${MODULE}/cmd/jaeger`],
      {
        cwd: work,
      },
    );
  },
};
