// The single-platform rewrite on archives shaped like the containerd image store's (an index naming a
// platform whose content is absent) and like the classic store's. That kind load really fails on the first
// and loads the rewrite is proven against a real kind node by the real-cluster suite.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import tar from "tar-stream";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { multiPlatformArchive } from "../testing/oci-archive.ts";
import { ArchiveProblem, parsePlatform, readEntries, singlePlatformArchive } from "./archive.ts";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function entriesOf(file: string): Promise<string[]> {
  const names: string[] = [];
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    names.push(header.name);
    stream.on("end", next);
    stream.resume();
  });
  await pipeline(createReadStream(file), extract);
  return names;
}

describe("singlePlatformArchive", () => {
  it("keeps only the platform asked for, with every blob it needs and nothing else", async () => {
    dir = mkdtempSync(join(tmpdir(), "archive-test-"));
    const fixture = await multiPlatformArchive(join(dir, "in.tar"), parsePlatform("linux/amd64"));
    const out = join(dir, "out.tar");
    expect(
      await singlePlatformArchive(fixture.file, out, parsePlatform("linux/amd64"), {
        extra: { "otel-e2r/x.txt": "x\n" },
      }),
    ).toBe(true);
    const index = JSON.parse((await readEntries(out, ["index.json"])).get("index.json")!) as {
      manifests: {
        mediaType: string;
        platform: { architecture: string };
        annotations: Record<string, string>;
      }[];
    };
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0]!.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(index.manifests[0]!.platform.architecture).toBe("amd64");
    // The image keeps its name, and the index blob that named the absent platform is gone.
    expect(index.manifests[0]!.annotations["io.containerd.image.name"]).toBe(fixture.name);
    const names = await entriesOf(out);
    expect(names.filter((n) => n.startsWith("blobs/"))).toHaveLength(3);
    expect(names).toContain("otel-e2r/x.txt");
  });

  it("refuses, naming the image and the platforms it holds, when the wanted platform is not in the archive", async () => {
    dir = mkdtempSync(join(tmpdir(), "archive-test-"));
    const fixture = await multiPlatformArchive(join(dir, "in.tar"), parsePlatform("linux/amd64"));
    const attempt = singlePlatformArchive(fixture.file, join(dir, "out.tar"), parsePlatform("linux/arm64"));
    await expect(attempt).rejects.toBeInstanceOf(ArchiveProblem);
    await expect(attempt).rejects.toThrow(
      /image-store-probe:1 has no linux\/arm64 content in the archive \(it holds linux\/amd64\); pull it for that platform first/,
    );
  });

  it("passes a classic docker-archive (manifest.json only) through unchanged, extras added", async () => {
    dir = mkdtempSync(join(tmpdir(), "archive-test-"));
    const pack = tar.pack();
    pack.entry(
      { name: "manifest.json" },
      '[{"Config":"abc.json","RepoTags":["x:1"],"Layers":["l/layer.tar"]}]',
    );
    pack.entry({ name: "abc.json" }, "{}");
    pack.entry({ name: "l/layer.tar" }, "layer");
    pack.finalize();
    const { createWriteStream } = await import("node:fs");
    await pipeline(pack, createWriteStream(join(dir, "in.tar")));
    const out = join(dir, "out.tar");
    expect(
      await singlePlatformArchive(join(dir, "in.tar"), out, parsePlatform("linux/amd64"), {
        extra: { "e.txt": "e" },
      }),
    ).toBe(false);
    expect((await entriesOf(out)).sort()).toEqual(["abc.json", "e.txt", "l/layer.tar", "manifest.json"]);
  });
});
