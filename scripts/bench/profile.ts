// CPU profiles of the collectors under load, for `make bench-pipeline --profile`, without changing the
// build: Linux perf samples the running process's call stacks, and the Go toolchain's `go tool addr2line`
// names the functions from the binary's own line table (it survives the builder's stripping, which drops
// the ELF symbols perf would use). Where the README and docs/architecture.md say the time goes comes from
// these. (The collector's pprof extension would be the usual way; at the pinned collector version the Go
// proxy serves its go.mod but not its source, so the builder cannot include it.)
import { openSync, readSync, closeSync } from "node:fs";
import { execa } from "execa";

export interface FunctionShare {
  readonly name: string;
  /** Share of samples with this function on top of the stack (its own code). */
  readonly flat: number;
  /** Share of samples with this function anywhere on the stack (its own code and what it calls). */
  readonly cum: number;
}

/**
 * The difference between a static Go binary's virtual addresses and the file offsets perf prints: the
 * executable PT_LOAD segment's p_vaddr − p_offset, from the ELF program headers.
 */
export function textDelta(binary: string): bigint {
  const fd = openSync(binary, "r");
  try {
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2)
      throw new Error(`${binary} is not a 64-bit ELF file`);
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const phnum = header.readUInt16LE(0x38);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      const [type, flags] = [table.readUInt32LE(at), table.readUInt32LE(at + 4)];
      if (type === 1 && (flags & 1) === 1)
        return table.readBigUInt64LE(at + 16) - table.readBigUInt64LE(at + 8);
    }
    throw new Error(`${binary} has no executable segment`);
  } finally {
    closeSync(fd);
  }
}

/** Samples from `perf script -F ip` with call stacks: one block of addresses per sample, leaf first. */
export function parseSamples(script: string): bigint[][] {
  return script
    .split(/\n\s*\n/)
    .map((block) =>
      block
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => /^[0-9a-f]+$/i.test(line))
        .map((line) => BigInt(`0x${line}`)),
    )
    .filter((sample) => sample.length > 0);
}

/** Flat and cumulative shares per function, highest flat first. */
export function shares(samples: readonly string[][]): FunctionShare[] {
  const flat = new Map<string, number>();
  const cum = new Map<string, number>();
  for (const stack of samples) {
    if (stack[0] !== undefined) flat.set(stack[0], (flat.get(stack[0]) ?? 0) + 1);
    for (const name of new Set(stack)) cum.set(name, (cum.get(name) ?? 0) + 1);
  }
  const total = Math.max(1, samples.length);
  return [...cum.keys()]
    .map((name) => ({ name, flat: (flat.get(name) ?? 0) / total, cum: (cum.get(name) ?? 0) / total }))
    .sort((a, b) => b.flat - a.flat || b.cum - a.cum);
}

/** perf prints kernel addresses as they are: the upper half of the address space. */
const KERNEL = 0xffff800000000000n;

/** What the time is spent on, by the functions on the stack: a sample counts once per category. */
export const CATEGORIES: readonly (readonly [string, RegExp])[] = Object.freeze([
  ["basic auth (password hash)", /^(golang\.org\/x\/crypto\/bcrypt|github\.com\/GehirnInc\/crypt)\b/],
  ["compression (gzip, zstd)", /^compress\/(flate|gzip)\.|klauspost\/compress/],
  ["TLS", /^crypto\/(tls|aes|cipher|internal)/],
  ["garbage collection", /^runtime\.(gcBgMarkWorker|gcDrain|markroot|scanobject)/],
  ["kernel (network, files)", /^\[kernel\]$/],
]);

export function categoryShares(samples: readonly string[][]): { name: string; share: number }[] {
  const total = Math.max(1, samples.length);
  return CATEGORIES.map(([name, pattern]) => ({
    name,
    share: samples.filter((stack) => stack.some((f) => pattern.test(f))).length / total,
  }));
}

/** Records `seconds` of `pid`'s call stacks (perf, 499 Hz) and names its functions from `binary`. */
export async function captureProfile(
  pid: number,
  binary: string,
  seconds: number,
  file: string,
): Promise<{ functions: FunctionShare[]; categories: { name: string; share: number }[] }> {
  await execa("perf", [
    ...["record", "--quiet", "-e", "cpu-clock", "-F", "499", "-g", "-o", file, "-p", String(pid)],
    ...["--", "sleep", String(seconds)],
  ]);
  const script = await execa("perf", ["script", "-i", file, "-F", "ip"]);
  const delta = textDelta(binary);
  const samples = parseSamples(String(script.stdout));
  const unique = [...new Set(samples.flat())];
  const lines = await execa("go", ["tool", "addr2line", binary], {
    input: unique.map((address) => `0x${(address + delta).toString(16)}`).join("\n"),
  });
  // Two lines per address: the function, then file:line.
  const names = String(lines.stdout)
    .split("\n")
    .filter((_, i) => i % 2 === 0);
  const nameOf = new Map(
    unique.map((address, i) => [address, address >= KERNEL ? "[kernel]" : (names[i] ?? "?")]),
  );
  const named = samples.map((stack) => stack.map((address) => nameOf.get(address) ?? "?"));
  return { functions: shares(named), categories: categoryShares(named) };
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** Profile rows for the report: the categories, then "43.1% flat, 61.0% cum: <function>". */
export function profileRows(profile: Awaited<ReturnType<typeof captureProfile>>, count = 8): string[] {
  return [
    profile.categories.map((c) => `${c.name} ${percent(c.share)}`).join(", "),
    ...profile.functions
      .slice(0, count)
      .map((f) => `${percent(f.flat)} flat, ${percent(f.cum)} cum: ${f.name}`),
  ];
}
