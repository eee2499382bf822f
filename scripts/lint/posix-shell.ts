// The bootstrap that runs before Node exists (the Makefile's shell, hack/run, hack/lib/toolchain.sh) must run
// on any POSIX sh: macOS's bash 3.2, dash, posh, BusyBox. These checks keep it so (`make lint`):
//   - the bootstrap runs under dash and posh, Debian's strict POSIX shells (and under sh);
//   - checkbashisms and `shellcheck --shell=sh` find no bashism;
//   - no GNU-only tool or flag appears on that path (checkbashisms does not look at tools: flock, sed -i,
//     sha256sum, readlink -f … are POSIX-shell-clean and still break on macOS).
// The Linux-only bash scripts (hack/engine, hack/images, .ci/run) are checked by shellcheck as bash.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "../lib/topology.ts";

/** The files that must be POSIX sh. */
export const POSIX_FILES = ["hack/run", "hack/lib/toolchain.sh"] as const;
/** Files whose recipes run under POSIX sh (no shellcheck for a Makefile; the construct scan covers it). */
export const POSIX_RECIPE_FILES = ["Makefile"] as const;
/** Linux-only bash. */
export const BASH_FILES = [
  ".ci/run",
  "hack/engine/docker-engine.sh",
  "hack/engine/runc-without-sys-resource",
  "hack/images/offline.sh",
  "hack/images/lib.sh",
  "hack/images/rootfs.sh",
  "hack/images/kind-node.sh",
] as const;

/** GNU-only (or bash-only) constructs that break on macOS's tools, with what to use instead. */
export const NON_PORTABLE: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /\bflock\b/, why: "flock does not exist on macOS: use a mkdir lock (toolchain_lock)" },
  { pattern: /\bdeclare\s+-A\b|\bmapfile\b|\breadarray\b/, why: "bash 4 only (macOS has bash 3.2)" },
  { pattern: /\[\[/, why: "[[ is bash: use [ ]" },
  { pattern: /\$\{\w+(,,|\^\^)\}/, why: "case conversion in ${…} is bash 4 only" },
  { pattern: /\bsed\b[^\n|]*\s-i\b/, why: "sed -i differs between GNU and BSD sed: write a temporary file" },
  { pattern: /\bsed\b.*\\[+|?]/, why: "\\+, \\| and \\? are GNU sed extensions: use POSIX BRE" },
  { pattern: /\bsha256sum\b/, why: "sha256sum is absent on macOS (shasum -a 256 there): hash in Node" },
  { pattern: /\breadlink\s+-f\b/, why: "readlink -f is GNU: use cd + pwd" },
  { pattern: /\bgrep\s+-\w*P/, why: "grep -P is GNU" },
  { pattern: /\bxargs\s+-\w*r\b/, why: "xargs -r is GNU" },
  { pattern: /\bdate\s+-d\b|\bstat\s+-c\b/, why: "GNU date/stat flags" },
  {
    pattern: /^\s*local\s/m,
    why: "local is not POSIX (posh has it, strict sh may not): prefix the variable",
  },
];

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

/** Non-portable constructs in the given files' text (comments skipped). */
export function scanNonPortable(
  files: readonly string[],
  read = (f: string) => readFileSync(join(REPO_ROOT, f), "utf8"),
): Finding[] {
  const findings: Finding[] = [];
  for (const file of files)
    read(file)
      .split("\n")
      .forEach((text, index) => {
        if (/^\s*#/.test(text)) return;
        for (const { pattern, why } of NON_PORTABLE)
          if (pattern.test(text)) findings.push({ file, line: index + 1, text: text.trim(), why });
      });
  return findings;
}

export interface ToolRun {
  readonly name: string;
  readonly ok: boolean;
  readonly output: string;
}

async function tool(
  name: string,
  file: string,
  args: readonly string[],
  env?: Record<string, string>,
): Promise<ToolRun> {
  const result = await execa(file, args, { cwd: REPO_ROOT, reject: false, all: true, env });
  if ((result as { code?: string }).code === "ENOENT")
    return {
      name,
      ok: false,
      output: `${file} is not installed (Debian: apt-get install ${PACKAGE_OF[file] ?? file})`,
    };
  return { name, ok: result.exitCode === 0, output: String(result.all ?? "").trim() };
}

/** The Debian package of each checker, for the message when one is missing. */
export const PACKAGE_OF: Readonly<Record<string, string>> = {
  shellcheck: "shellcheck",
  checkbashisms: "devscripts",
  posh: "posh",
  dash: "dash",
};

/** Every check of this file; each with its output. */
export async function checkShell(): Promise<ToolRun[]> {
  const findings = scanNonPortable([...POSIX_FILES, ...POSIX_RECIPE_FILES]);
  const runs: ToolRun[] = [
    {
      name: "no GNU-only or bash-only construct on the POSIX path",
      ok: findings.length === 0,
      output: findings.map((f) => `${f.file}:${f.line}: ${f.text}\n    ${f.why}`).join("\n"),
    },
    await tool("shellcheck --shell=sh (bootstrap)", "shellcheck", ["-x", "--shell=sh", ...POSIX_FILES]),
    await tool("checkbashisms (bootstrap)", "checkbashisms", ["--force", "--extra", ...POSIX_FILES]),
    await tool("shellcheck (Linux-only bash)", "shellcheck", [
      "-x",
      "--shell=bash",
      "--severity=warning",
      ...BASH_FILES,
    ]),
  ];
  // The bootstrap itself under each strict shell: it must find (or fetch) the pinned Node and run it.
  for (const shell of ["sh", "dash", "posh"])
    runs.push(
      await tool(`hack/run under ${shell}`, shell, [
        "hack/run",
        "--no-install",
        "node",
        "-e",
        "process.exit(0)",
      ]),
    );
  return runs;
}
