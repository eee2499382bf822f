// Go programs in a memory-limited container: GOMEMLIMIT near 80% of the limit makes the Go runtime collect
// harder before the kernel's OOM killer acts, and the collector's memory_limiter (MEMORY_LIMIT_MIB) must
// refuse data below that soft limit, or it would never get the chance to.
import type { K8sObject } from "../../kube/objects.ts";
import { containersOf, describe, workloads } from "../../kube/objects.ts";

const UNITS: Readonly<Record<string, number>> = {
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  MiB: 1,
  GiB: 1024,
  KiB: 1 / 1024,
};

/** "512Mi", "1Gi", "410MiB" → MiB; undefined for anything else. */
export function mebibytes(quantity: string | undefined): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([KMG]iB?)$/.exec(quantity ?? "");
  if (!match) return undefined;
  const unit = UNITS[match[2] as string];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

export function checkGoMemoryLimits(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { object, pod } of workloads(objects))
    for (const container of containersOf(pod)) {
      const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
      if (env.GOMEMLIMIT === undefined) continue;
      const who = `${describe(object)} container ${container.name}`;
      const limit = mebibytes(
        (container as { resources?: { limits?: { memory?: string } } }).resources?.limits?.memory,
      );
      const soft = mebibytes(env.GOMEMLIMIT);
      if (limit === undefined || soft === undefined) {
        problems.push(`${who}: GOMEMLIMIT=${env.GOMEMLIMIT} needs a memory limit and a value like 410MiB`);
        continue;
      }
      const ratio = soft / limit;
      if (ratio < 0.7 || ratio > 0.85)
        problems.push(
          `${who}: GOMEMLIMIT=${env.GOMEMLIMIT} is ${Math.round(ratio * 100)}% of the ${limit} MiB limit; expected about 80%`,
        );
      const limiter = env.MEMORY_LIMIT_MIB === undefined ? undefined : Number(env.MEMORY_LIMIT_MIB);
      if (limiter !== undefined && !(limiter <= soft))
        problems.push(
          `${who}: memory_limiter's MEMORY_LIMIT_MIB=${env.MEMORY_LIMIT_MIB} is above GOMEMLIMIT=${env.GOMEMLIMIT}`,
        );
    }
  return problems;
}
