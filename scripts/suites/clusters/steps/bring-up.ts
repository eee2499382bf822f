// Steps 0–2 of the real-cluster suite: the images on this machine, `make up` from nothing, and a second
// `make up` that changes nothing.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { expect, it } from "vitest";
import { overrides, pinnedImages, resolve } from "../../../lib/pinned.ts";
import { clusters, gateway, namespaces } from "../../../lib/topology.ts";
import { readGatewayStatus } from "../../../clusters/gateway-api.ts";
import { MINUTES, type SuiteContext } from "../context.ts";
import { SUITE_LOGS_DIR, SUITE_STATE_DIR, figures, kubectl, make, podUids, printed } from "../harness.ts";
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

export function imagesSteps(context: SuiteContext): void {
  it(
    "make images-offline is cached when its images exist; make images finds every pinned image; make images-save archives them",
    async () => {
      if (overrides().size > 0) {
        const offline = await make("images-offline");
        expect(offline.exitCode, offline.stderr).toBe(0);
        expect(offline.stdout.trim()).toBe(process.env.PIN_OVERRIDES);
        figures("make images-offline (warm)", { seconds: offline.seconds.toFixed(1) });
      }
      const images = await make("images");
      expect(images.exitCode, images.stderr).toBe(0);
      expect(images.stdout).toMatch(new RegExp(`${pinnedImages().length} images present \\(0 pulled`));
      const saved = await make("images-save", {}, { IMAGES_ARCHIVE: context.archive });
      expect(saved.exitCode, saved.stderr).toBe(0);
      const manifest = JSON.parse(
        (await execa("tar", ["-xOf", context.archive, "manifest.json"])).stdout,
      ) as {
        RepoTags: string[] | null;
      }[];
      const tags = manifest.flatMap((entry) => entry.RepoTags ?? []);
      for (const image of pinnedImages().filter((i) => !i.ref.includes("@")))
        expect(tags, `${image.name} in the archive`).toContain(resolve(image.ref));
    },
    30 * MINUTES,
  );
}

export function upSteps(context: SuiteContext): void {
  firstUpStep(context);
  clusterStateStep();
  secretsStep();
  secondUpStep(context);
}

function firstUpStep(context: SuiteContext): void {
  it(
    "1. make up from nothing reaches verified (a missing image comes back from IMAGES_ARCHIVE)",
    async () => {
      // One image this machine loses, which the archive must bring back before anything would pull it.
      await execa("docker", ["rmi", resolve(pinnedImages().find((image) => image.name === "Jaeger")!.ref)]);
      const up = await make("up", {}, { IMAGES_ARCHIVE: context.archive });
      context.times.firstUp = up.seconds;
      expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
      expect(up.stdout).toContain(`loaded ${context.archive}`);
      expect(up.stdout).toMatch(/All 8 steps done/);
      expect(up.stdout).toMatch(/host adjustments: /);
      const table = rows(up.stdout);
      expect(table.filter((row) => row.startsWith("FAIL"))).toEqual([]);
      for (const expected of EXPECTED_ROWS)
        expect(
          table.some((row) => expected.test(row)),
          `a PASS row matching ${expected}`,
        ).toBe(true);
    },
    45 * MINUTES,
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
        'nsenter -t "$(pgrep -f "traefik --providers" | head -1)" -n ss -ltnH',
      ]);
      const ports = stdout
        .trim()
        .split("\n")
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
      expect(printed.some((text) => text.includes("All 8 steps done"))).toBe(true);
      expectNoSecretShown();
    },
    5 * MINUTES,
  );
}

function secondUpStep(context: SuiteContext): void {
  it(
    "2. a second make up converges: creates, rebuilds and reloads nothing, in a fraction of the time",
    async () => {
      const before = [
        await podUids("edge", namespaces.observability),
        await podUids("remote", namespaces.observability),
      ];
      const up = await make("up");
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
      ];
      expect(after).toEqual(before);
      figures("make up", { first_s: context.times.firstUp!.toFixed(1), second_s: up.seconds.toFixed(1) });
      expect(up.seconds).toBeLessThan(context.times.firstUp! / 2);
    },
    20 * MINUTES,
  );
}
