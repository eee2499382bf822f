import { describe, expect, it } from "vitest";
import { headingAnchors, makeTargets, offlineBlocks, relativeLinks, repoPaths } from "./markdown.ts";

describe("markdown extraction", () => {
  it("finds make targets, not their variables or prose", () => {
    const text = "Run `make up`, then `make down PURGE=1`; `make local local-verify`. We make sure of it.";
    expect(makeTargets(text).sort()).toEqual(["down", "local", "local-verify", "up"]);
    expect(makeTargets("```console\n$ make test\n```")).toEqual(["test"]);
    expect(makeTargets("```text\n  make send     send your own traces\n```")).toEqual(["send"]);
    // Output and messages that mention make in a sentence are not commands.
    expect(makeTargets("```console\n$ make up\n[1/10] Preflight: what make up sets up itself\n```")).toEqual([
      "up",
    ]);
    expect(makeTargets("`no engine. make up can install one, as root: sudo make up`")).toEqual([]);
  });

  it("finds repository paths in backticks, trimming punctuation", () => {
    const text = "See `manifests/edge/`, `scripts/local/README.md`. Not `src/x.ts` or `apps/<name>/`.";
    expect(repoPaths(text)).toEqual(["manifests/edge/", "scripts/local/README.md"]);
    const command =
      "```console\n$ hack/run node apps/trace-generator/src/main.ts --help\n$ cat .cache/manifests/x.yaml\n```";
    expect(repoPaths(command)).toEqual(["hack/run", "apps/trace-generator/src/main.ts"]);
  });

  it("finds relative links with anchors and skips external ones", () => {
    const text = "[a](docs/a.md#part) [b](https://x.org) [c](#local) [d](../README.md)";
    expect(relativeLinks(text)).toEqual([
      { target: "docs/a.md", anchor: "part" },
      { target: "", anchor: "local" },
      { target: "../README.md", anchor: undefined },
    ]);
  });

  it("derives GitHub heading anchors, ignoring code blocks", () => {
    const text = "# Lab 3: Explore traces\n## What's next?\n```\n# not a heading\n```\n## What's next?";
    expect([...headingAnchors(text)]).toEqual(["lab-3-explore-traces", "whats-next", "whats-next-1"]);
  });

  it("extracts offline blocks with their expected output", () => {
    const text = "```bash offline\nmake help\n```\n\n```text expected\nUsage\n```\n```bash\nmake up\n```";
    expect(offlineBlocks(text)).toEqual([{ script: "make help\n", expected: ["Usage"] }]);
  });
});
