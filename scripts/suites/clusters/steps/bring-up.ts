// Steps 1–2 of the real-cluster suite: `make up` on a fresh machine as a newcomer runs it, a second `make up`
// that changes nothing, the images on this machine and in an archive, and the image-store failure fixed.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { expect, it } from "vitest";
import { pinnedImages } from "../../../lib/pinned.ts";
import { readEntries } from "../../../images/archive.ts";
import { enginePlatform, importArchive } from "../../../images/apps.ts";
import { ARCHIVE_PINS_ENTRY } from "../../../images/sources.ts";
import { archiveEntry } from "../../../provision/gateway-api-crds.ts";
import { useClusterTools } from "../../../provision/cluster-tools.ts";
import { multiPlatformArchive } from "../../../testing/oci-archive.ts";
import { clusters, gateway, namespaces } from "../../../lib/topology.ts";
import { readGatewayStatus } from "../../../clusters/gateway-api.ts";
import { MINUTES, type SuiteContext } from "../context.ts";
import { TIMED_UP_SIGNAL } from "../../../clusters/config.ts";
import {
  SUITE_LOGS_DIR,
  SUITE_STATE_DIR,
  figures,
  kubectl,
  make,
  podUids,
  printed,
  transcribe,
} from "../harness.ts";
import { stateFiles } from "../../../lib/state.ts";

/** PASS/FAIL rows of make verify's table. */
export const rows = (stdout: string) => stdout.split("\n").filter((line) => /^(PASS|FAIL) {2}/.test(line));

const EXPECTED_ROWS = [
  /service sample-service in Jaeger/,
  /service trace-generator in Jaeger/,
  /sample-service: k8s\.cluster\.name=edge/,
  /trace-generator: k8s\.pod\.name present/,
  /sample-service: k8s\.namespace\.name present/,
  /sample-service: k8s\.deployment\.name present/,
  /edge trace-generator → sample-service/,
  /gateway: no credentials → rejected/,
  /gateway: wrong password → rejected/,
  /gateway: plaintext to the TLS port → rejected/,
  /gateway: client trusting another CA → rejected/,
  /gateway: TLS 1.1 client → rejected .*tlsv1 alert protocol version/,
  /gateway: right CA \+ right credentials → accepted/,
  /Jaeger: nothing from "wrong password"/,
];

/** True when any 12-character stretch of `secret` appears in `text` (catches partial leaks too). */
function containsPartOf(text: string, secret: string): boolean {
  for (let i = 0; i + 12 <= secret.length; i++) if (text.includes(secret.slice(i, i + 12))) return true;
  return false;
}

export function upSteps(context: SuiteContext): void {
  firstUpStep(context);
  clusterStateStep();
  secretsStep();
  secondUpStep(context);
  imagesStep(context);
  imageStoreStep();
}

function firstUpStep(context: SuiteContext): void {
  it(
    "1. make up, exactly as the README says, on a fresh machine: sets up what is missing, then creates, deploys and verifies",
    async () => {
      // Only a newcomer's run (no engine, no images) is the first run the docs show.
      const up = await make("up", {}, context.fresh ? { transcript: "make-up-first" } : {});
      context.times.firstUp = up.seconds;
      expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
      expect(up.stdout).toMatch(
        /\[1\/10\] Preflight: what this machine has, and what make up sets up itself/,
      );
      expect(up.stdout).toMatch(/All 10 steps done/);
      expect(up.stdout).toMatch(/host adjustments: /);
      expect(up.stdout).toMatch(/verify: all \d+ checks passed/);
      if (context.fresh) {
        // What a newcomer's machine lacks here, and what make up did about each.
        expect(up.stdout).toContain("engine: no Docker engine answers: make up starts the project's own");
        expect(up.stdout).toMatch(/✓ the project's Docker engine started/);
        expect(up.stdout).toMatch(/kubectl \S+ \(the project's copy/);
        expect(up.stdout).toMatch(/images: no registry reachable .*: building them from source/);
        expect(up.stdout).toMatch(/\d+ images present \(built here from source\)/);
      }
      const table = rows(up.stdout);
      const failed = table.filter((row) => row.startsWith("FAIL"));
      expect(failed, failed.join("\n")).toEqual([]);
      for (const expected of EXPECTED_ROWS)
        expect(
          table.some((row) => expected.test(row)),
          `a PASS row matching ${expected}`,
        ).toBe(true);
      figures("make up (first)", { seconds: up.seconds.toFixed(1), fresh: String(context.fresh === true) });
      // The suite's own kubectl and kind calls use the copies make up chose (make up itself ran as is).
      await useClusterTools();
    },
    90 * MINUTES,
  );
}

function imagesStep(context: SuiteContext): void {
  it(
    "make images finds every pinned image (or its stand-in); make images-save archives one platform each, with the CRDs and the stand-ins' names",
    async () => {
      const images = await make("images");
      expect(images.exitCode, images.stderr).toBe(0);
      expect(images.stdout).toMatch(new RegExp(`${pinnedImages().length} images present \\(0 pulled`));
      const saved = await make("images-save", {}, { env: { IMAGES_ARCHIVE: context.archive } });
      expect(saved.exitCode, saved.stderr).toBe(0);
      expect(saved.stdout).toMatch(/saved \d+ images \(linux\/\w+\) and the Gateway API CRDs/);
      const extras = await readEntries(context.archive, [
        ARCHIVE_PINS_ENTRY,
        archiveEntry(),
        "manifest.json",
      ]);
      expect(extras.get(archiveEntry())).toMatch(/kind: CustomResourceDefinition/);
      const tags = (JSON.parse(extras.get("manifest.json")!) as { RepoTags: string[] | null }[]).flatMap(
        (entry) => entry.RepoTags ?? [],
      );
      const standIns = new Map(
        (extras.get(ARCHIVE_PINS_ENTRY) ?? "")
          .split("\n")
          .filter((line) => line.includes("="))
          .map((line) => line.split("=") as [string, string]),
      );
      for (const image of pinnedImages().filter((i) => !i.ref.includes("@")))
        expect(tags, `${image.name} in the archive`).toContain(standIns.get(image.ref) ?? image.ref);
      figures("make images-save", { seconds: saved.seconds.toFixed(1) });
    },
    30 * MINUTES,
  );
}

/**
 * The failure Docker's containerd image store causes, reproduced: an archive whose index names a platform
 * whose content it lacks. kind's own loader fails on it; the project's loader puts it into the node.
 */
function imageStoreStep(): void {
  it(
    "an image archive as Docker's containerd image store writes it: kind load fails, the project's loader loads it",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "otel-e2r-image-store-"));
      try {
        const platform = await enginePlatform();
        const fixture = await multiPlatformArchive(join(dir, "probe.tar"), platform, `t${Date.now()}`);
        // The troubleshooting page quotes kind's failure from this transcript.
        const plain = await transcribe(
          "kind-load-containerd-store-archive",
          ["kind", "load", "image-archive", fixture.file, "--name", clusters.edge.name],
          [[fixture.file, "image.tar"]],
        );
        expect(plain.exitCode, "kind load of an archive that lacks a platform's content").not.toBe(0);
        expect(`${plain.stdout}\n${plain.stderr}`).toMatch(/content digest sha256:[0-9a-f]+: not found/);
        await importArchive(clusters.edge.name, fixture.file, platform);
        const node = `${clusters.edge.name}-control-plane`;
        const inspect = await execa("docker", ["exec", node, "crictl", "inspecti", fixture.name]);
        expect((JSON.parse(inspect.stdout) as { status: { repoTags: string[] } }).status.repoTags).toContain(
          fixture.name,
        );
        await execa("docker", ["exec", node, "crictl", "rmi", fixture.name]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    5 * MINUTES,
  );
}

function clusterStateStep(): void {
  it(
    "pulled nothing inside a cluster; the Gateway is Programmed at the node's name; Traefik listens on its HTTPS and ping entry points only",
    async () => {
      for (const key of Object.keys(clusters) as (keyof typeof clusters)[]) {
        const events = await kubectl(key, [
          "get",
          "events",
          "--all-namespaces",
          "--field-selector",
          "reason=Pulling",
          "--output",
          "name",
        ]);
        expect(events.trim(), `image pulls in ${key}`).toBe("");
      }
      const status = await readGatewayStatus();
      expect(status).not.toHaveProperty("notFound");
      expect("notFound" in status ? [] : status.conditions).toContainEqual(
        expect.objectContaining({ type: "Programmed", status: "True" }),
      );
      expect("notFound" in status ? [] : status.addresses?.map((a) => a.value)).toEqual([
        gateway.crossClusterHost,
      ]);
      const { stdout } = await execa("docker", [
        "exec",
        `${clusters.remote.name}-control-plane`,
        "sh",
        "-c",
        'nsenter -t "$(pgrep -f "traefik --providers" | head -1)" -n ss -ltnHp',
      ]);
      // The pod's network namespace holds its cert-expiry sidecar's health port too: Traefik's own sockets.
      const ports = stdout
        .trim()
        .split("\n")
        .filter((row) => row.includes('(("traefik",'))
        .map((row) => row.trim().split(/\s+/)[3]!.replace(/^.*:/, ""))
        .sort();
      expect(ports).toEqual([String(gateway.pingPort), String(gateway.listenerPort)].sort());
    },
    5 * MINUTES,
  );
}

/**
 * Every state file is 0600, and no password or private key (one line of each key's body) is in any make
 * output or command log so far. Run after the first `make up` and again after the rotations.
 */
export function expectNoSecretShown(): void {
  const password = readFileSync(join(SUITE_STATE_DIR, stateFiles.password), "utf8");
  const keys = [stateFiles.serverKey, stateFiles.clientKey, stateFiles.caKey, stateFiles.clientCaKey].map(
    (name) => readFileSync(join(SUITE_STATE_DIR, name), "utf8").split("\n")[1]!,
  );
  for (const name of readdirSync(SUITE_STATE_DIR))
    expect((statSync(join(SUITE_STATE_DIR, name)).mode & 0o777).toString(8), name).toBe("600");
  const logs = readdirSync(SUITE_LOGS_DIR)
    .filter((f) => f.startsWith("up-"))
    .map((f) => readFileSync(join(SUITE_LOGS_DIR, f), "utf8"));
  expect(logs.length).toBeGreaterThan(0);
  for (const text of [...logs, ...printed]) {
    expect(containsPartOf(text, password)).toBe(false);
    for (const key of keys) expect(containsPartOf(text, key)).toBe(false);
  }
}

function secretsStep(): void {
  it(
    "kept every secret to the state folder: 0600 files, nothing in any make output or command log",
    () => {
      // make up's own output is among what is checked (the first step's run of it).
      expect(printed.some((text) => text.includes("All 10 steps done"))).toBe(true);
      expectNoSecretShown();
    },
    5 * MINUTES,
  );
}

/** Tells `make test` that the timed `make up` is over: what it held back may start now. */
function timedUpOver(): void {
  const signal = process.env[TIMED_UP_SIGNAL];
  if (signal) writeFileSync(signal, "");
}

function secondUpStep(context: SuiteContext): void {
  it(
    "2. a second make up converges: sets up, creates, rebuilds and reloads nothing, within 30 s",
    async () => {
      const before = [
        await podUids("edge", namespaces.observability),
        await podUids("remote", namespaces.observability),
        await podUids("remote", namespaces.gateway),
      ];
      const up = await make("up", {}, { transcript: "make-up-again" }).finally(timedUpOver);
      context.times.secondUp = up.seconds;
      expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
      expect(up.stdout).toContain("edge, remote already existed");
      expect(up.stdout).toMatch(/sample-service:\S+ unchanged/);
      expect(up.stdout).toMatch(/trace-generator:\S+ unchanged/);
      expect(up.stdout).toContain("every node already had every image");
      expect(up.stdout).toMatch(
        /CA reused, gateway certificate reused .*client CA reused, edge certificate reused/,
      );
      expect(up.stdout).toMatch(/credentials reused/);
      const after = [
        await podUids("edge", namespaces.observability),
        await podUids("remote", namespaces.observability),
        await podUids("remote", namespaces.gateway),
      ];
      expect(after).toEqual(before);
      expect(up.stdout).toContain("nothing to set up");
      figures("make up", { first_s: context.times.firstUp!.toFixed(1), second_s: up.seconds.toFixed(1) });
      expect(up.seconds).toBeLessThanOrEqual(30);
    },
    20 * MINUTES,
  );
}
