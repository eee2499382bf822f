// Docs are part of the product: every make target and repository path they name exists, links between
// them resolve, the README's versions table matches the pins (the offline lab commands run in
// offline-blocks.integration.test.ts).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";
import { headingAnchors, makeTargets, projectMarkdown, relativeLinks, repoPaths } from "./markdown.ts";
import * as prettier from "prettier";
import { currentBlock, fileOf, README_BLOCKS, regenerated } from "./readme-blocks.ts";
import { consoleBlocks, needsTranscript, transcriptProblems } from "./console-blocks.ts";
import { handTypedBaseline, handTypedFigures, settingFiles } from "./figures.ts";
import { evidence, pieces, quotedMessages } from "./quotes.ts";

const docs = projectMarkdown();
const makefile = readFileSync(join(REPO_ROOT, "Makefile"), "utf8");
const targets = new Set([...makefile.matchAll(/^([a-z][a-z0-9-]*):/gm)].map((m) => m[1]));

describe("docs", () => {
  it("finds the README and the docs folder", () => {
    expect(docs.map((d) => d.path)).toContain("README.md");
  });

  it.each(docs.map((d) => [d.path, d] as const))("%s: every `make <target>` exists", (_path, doc) => {
    const missing = makeTargets(doc.text).filter((t) => !targets.has(t));
    expect(missing, `targets not in the Makefile`).toEqual([]);
  });

  it.each(docs.map((d) => [d.path, d] as const))("%s: every repository path exists", (_path, doc) => {
    const missing = repoPaths(doc.text).filter((p) => !existsSync(join(REPO_ROOT, p)));
    expect(missing, "paths named in backticks that do not exist").toEqual([]);
  });

  it.each(docs.map((d) => [d.path, d] as const))("%s: relative links resolve", (path, doc) => {
    const broken: string[] = [];
    for (const { target, anchor } of relativeLinks(doc.text)) {
      const file = target === "" ? join(REPO_ROOT, path) : normalize(join(REPO_ROOT, dirname(path), target));
      if (!existsSync(file)) {
        broken.push(`${target} (no such file)`);
        continue;
      }
      if (anchor && file.endsWith(".md") && !headingAnchors(readFileSync(file, "utf8")).has(anchor))
        broken.push(`${target}#${anchor} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });

  it.each(README_BLOCKS.map((b) => [b.start, b] as const))(
    "generated block %s is up to date (make docs)",
    (_n, block) => {
      const text = readFileSync(join(REPO_ROOT, fileOf(block)), "utf8");
      expect(currentBlock(text, block), `${fileOf(block)} lacks the block's markers`).toBeDefined();
      expect(currentBlock(text, block)).toBe(block.render());
    },
  );

  // ci-record and the suite's results regenerate these after lint has run: what they write must pass it.
  it.each([...new Set(README_BLOCKS.map(fileOf))])(
    "make docs writes %s as Prettier formats it",
    async (file) => {
      const path = join(REPO_ROOT, file);
      const text = await regenerated(file);
      expect(await prettier.check(text, { ...(await prettier.resolveConfig(path)), filepath: path })).toBe(
        true,
      );
    },
  );

  it.each(docs.map((d) => [d.path, d] as const))(
    "%s: every console block showing a make target's output names its transcript",
    (_path, doc) => {
      const unmarked = consoleBlocks(doc.text)
        .filter((b) => b.transcript === undefined && needsTranscript(b))
        .map((b) => `line ${b.line}: ${b.commands.join("; ")}`);
      expect(unmarked, "mark each with <!-- transcript: <name> --> (docs/transcripts/)").toEqual([]);
    },
  );

  it("every marked console block shows its transcript's lines, in order (docs/transcripts/)", () => {
    expect(transcriptProblems(docs)).toEqual([]);
  });

  const baseline = handTypedBaseline();
  it.each(docs.map((d) => [d.path, d] as const))(
    "%s: no new hand-typed figure in prose (measured ones come from docs/results/ through make docs)",
    (path, doc) => {
      const listed = [...(baseline[path] ?? [])];
      const added: string[] = [];
      for (const figure of handTypedFigures(doc.text)) {
        const at = listed.indexOf(figure);
        if (at < 0) added.push(figure);
        else listed.splice(at, 1);
      }
      expect(
        added,
        "generate it from a results file, or mark an upstream fact <!-- external: … --> or a setting <!-- setting: file -->",
      ).toEqual([]);
      expect(listed, "gone from the prose: remove from scripts/docs/hand-typed-figures.json").toEqual([]);
    },
  );

  it.each(docs.map((d) => [d.path, d] as const))(
    "%s: every <!-- setting: file --> names a file of the repository",
    (_path, doc) => {
      const missing = settingFiles(doc.text).filter((file) => !existsSync(join(REPO_ROOT, file)));
      expect(missing).toEqual([]);
    },
  );

  const troubleshooting = readFileSync(join(REPO_ROOT, "docs", "troubleshooting.md"), "utf8");
  it.each(["make up stops with an exit code", "content digest not found"])(
    "troubleshooting, %s: every quoted message is in a transcript or a test",
    (section) => {
      const quoted = quotedMessages(troubleshooting, section);
      expect(quoted.length).toBeGreaterThan(0);
      const known = evidence();
      expect(quoted.flatMap(pieces).filter((piece) => !known.includes(piece))).toEqual([]);
    },
  );
});
