// The real collector binary the local topology builds (OCB, same version and component set as the
// image): its component list, its version, and its own config validation.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import type { ComponentKind } from "./checks/collector-config.ts";
import { toolPath } from "./tools.ts";

export type Components = Readonly<Record<ComponentKind, ReadonlySet<string>>>;

let components: Promise<Components> | undefined;

/** `otelcol components`: the component types compiled into the binary. */
export function collectorComponents(): Promise<Components> {
  components ??= (async () => {
    const { stdout } = await execa(await toolPath("otelcol"), ["components"]);
    const listed = parse(stdout) as Partial<Record<ComponentKind, { name: string }[] | null>>;
    const names = (kind: ComponentKind) => new Set((listed[kind] ?? []).map((c) => c.name));
    return Object.freeze({
      receivers: names("receivers"),
      processors: names("processors"),
      exporters: names("exporters"),
      extensions: names("extensions"),
      connectors: names("connectors"),
    });
  })();
  return components;
}

/** "0.158.0" from `otelcol --version`. */
export async function collectorVersion(): Promise<string> {
  const { stdout } = await execa(await toolPath("otelcol"), ["--version"]);
  const match = /version (\S+)/.exec(stdout);
  if (!match) throw new Error(`unexpected output of otelcol --version: ${stdout}`);
  return match[1] as string;
}

/** `otelcol validate` on a config text with exactly the given environment; returns its complaints. */
export async function collectorValidate(
  configText: string,
  env: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), "contract-otelcol-"));
  try {
    const file = join(dir, "config.yaml");
    writeFileSync(file, configText);
    const result = await execa(await toolPath("otelcol"), ["validate", `--config=${file}`], {
      env: { ...env },
      extendEnv: false,
      reject: false,
    });
    return result.exitCode === 0 ? undefined : (result.stderr || result.stdout).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
