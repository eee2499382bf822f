// The real binaries the local topology builds from the pinned modules: the collector (OCB, the same
// version and component set as the image) and Jaeger v2 (itself a collector distribution). Their
// component lists, the collector's version, and their own config validation.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import type { ComponentKind } from "./checks/collector-config.ts";
import { toolPath } from "../gobuild/build.ts";

export type Components = Readonly<Record<ComponentKind, ReadonlySet<string>>>;

export type Distribution = "otelcol" | "jaeger";

const components = new Map<Distribution, Promise<Components>>();

/** `<binary> components`: the component types compiled into the binary. */
export function collectorComponents(distribution: Distribution = "otelcol"): Promise<Components> {
  let listed = components.get(distribution);
  if (listed !== undefined) return listed;
  listed = (async () => {
    const { stdout } = await execa(await toolPath(distribution), ["components"]);
    const output = parse(stdout) as Partial<Record<ComponentKind, { name: string }[] | null>>;
    const names = (kind: ComponentKind) => new Set((output[kind] ?? []).map((c) => c.name));
    return Object.freeze({
      receivers: names("receivers"),
      processors: names("processors"),
      exporters: names("exporters"),
      extensions: names("extensions"),
      connectors: names("connectors"),
    });
  })();
  components.set(distribution, listed);
  return listed;
}

/** "0.158.0" from `otelcol --version`. */
export async function collectorVersion(): Promise<string> {
  const { stdout } = await execa(await toolPath("otelcol"), ["--version"]);
  const match = /version (\S+)/.exec(stdout);
  if (!match) throw new Error(`unexpected output of otelcol --version: ${stdout}`);
  return match[1] as string;
}

/** `<binary> validate` on a config text with exactly the given environment; returns its complaints. */
export async function collectorValidate(
  configText: string,
  env: Readonly<Record<string, string>>,
  distribution: Distribution = "otelcol",
): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), "contract-otelcol-"));
  try {
    const file = join(dir, "config.yaml");
    writeFileSync(file, configText);
    const result = await execa(await toolPath(distribution), ["validate", `--config=${file}`], {
      env: { ...env },
      extendEnv: false,
      reject: false,
    });
    return result.exitCode === 0 ? undefined : (result.stderr || result.stdout).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
