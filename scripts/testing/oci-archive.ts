// An image archive shaped like the one Docker's containerd image store writes for a pulled multi-platform
// image: an OCI index that names two platforms while the archive holds the content of one only. A real
// engine of that kind (Docker Desktop ≥ 4.34, Docker Engine ≥ 29) is not installable here, so the tests
// build the archive itself, byte for byte what such an engine's `docker save` produces in structure: the
// failure it causes in `kind load` is then real (scripts/suites/clusters), and so is the fix.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import tar from "tar-stream";
import type { Platform } from "../images/archive.ts";

const digest = (data: Buffer | string) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

async function packed(entries: Readonly<Record<string, Buffer | string>>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, data] of Object.entries(entries)) pack.entry({ name, mode: 0o644 }, data);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface FixtureArchive {
  readonly file: string;
  /** The image's name as containerd records it. */
  readonly name: string;
  readonly present: Platform;
  readonly absent: Platform;
}

/**
 * Writes the archive: one image whose index lists `present` (a one-file layer, its config and manifest
 * are in the archive) and `absent` (only named: its manifest is not in the archive).
 */
export async function multiPlatformArchive(
  file: string,
  present: Platform,
  tag = "1",
): Promise<FixtureArchive> {
  const absent: Platform =
    present.architecture === "arm64"
      ? { os: "linux", architecture: "amd64" }
      : { os: "linux", architecture: "arm64", variant: "v8" };
  const layer = await packed({ "hello.txt": "written by the project's image-store test\n" });
  const config = JSON.stringify({
    architecture: present.architecture,
    os: present.os,
    config: { Cmd: ["/hello.txt"] },
    rootfs: { type: "layers", diff_ids: [digest(layer)] },
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: digest(config),
      size: config.length,
    },
    layers: [
      { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: digest(layer), size: layer.length },
    ],
  });
  const missing = JSON.stringify({ schemaVersion: 2, note: "the other platform's manifest, never saved" });
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
      {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: digest(manifest),
        size: manifest.length,
        platform: present,
      },
      {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: digest(missing),
        size: missing.length,
        platform: absent,
      },
    ],
  });
  const name = `docker.io/otel-e2r/image-store-probe:${tag}`;
  const blob = (data: Buffer | string) => `blobs/${digest(data).replace(":", "/")}`;
  writeFileSync(
    file,
    await packed({
      "oci-layout": JSON.stringify({ imageLayoutVersion: "1.0.0" }),
      [blob(layer)]: layer,
      [blob(config)]: config,
      [blob(manifest)]: manifest,
      [blob(index)]: index,
      "index.json": JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [
          {
            mediaType: "application/vnd.oci.image.index.v1+json",
            digest: digest(index),
            size: index.length,
            annotations: { "io.containerd.image.name": name, "org.opencontainers.image.ref.name": tag },
          },
        ],
      }),
      "manifest.json": JSON.stringify([
        { Config: blob(config), RepoTags: [name.replace(/^docker\.io\//, "")], Layers: [blob(layer)] },
      ]),
    }),
  );
  return { file, name, present, absent };
}
