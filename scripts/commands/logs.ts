// `make logs`: every edge collector's and the remote collector's logs (single-node clusters, so one pod
// each). --follow streams them all at once, each line prefixed by its pod.
import { spawn } from "node:child_process";
import { namespaces, type Cluster } from "../lib/topology.ts";
import { fleetCollectors } from "../lib/fleet.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { bold, say } from "../cli/ui.ts";
import { describeCommand, run } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

const command = {
  name: "logs",
  summary: "Prints the edge collectors' and the remote collector's logs.",
  options: { follow: { type: "boolean" }, tail: { type: "string" } },
  help: {
    follow: "keep streaming new lines (Ctrl-C to stop)",
    tail: "lines per collector (default 100; -1 for all)",
  },
} as const;

function logsArgs(cluster: Cluster, target: string, tail: number, follow: boolean): string[] {
  return [
    "--context",
    cluster.context,
    "--namespace",
    namespaces.observability,
    "logs",
    target,
    "--all-containers",
    "--prefix",
    `--tail=${tail}`,
    ...(follow ? ["--follow"] : []),
  ];
}

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    const tail = values.tail === undefined ? 100 : Number(values.tail);
    if (!Number.isInteger(tail) || tail < -1)
      throw new Failure(
        `--tail ${JSON.stringify(values.tail)} is not a whole number of lines (or -1 for all)`,
        exitCodes.usage,
      );
    // The project's kind and kubectl (make up provided them) where the user's will not do.
    await useClusterTools();
    if (values.follow === true) {
      // Both streams at once; Ctrl-C stops both (they share the terminal's process group).
      const children = fleetCollectors().map(({ cluster, target }) => {
        const args = logsArgs(cluster, target, tail, true);
        say(bold(`$ ${describeCommand("kubectl", args)}`));
        return spawn("kubectl", args, { stdio: "inherit" });
      });
      const codes = await Promise.all(
        children.map((c) => new Promise<number>((r) => c.once("exit", (code) => r(code ?? 0)))),
      );
      if (codes.some((code) => code !== 0)) process.exitCode = exitCodes.stepFailed;
      return;
    }
    const failed: string[] = [];
    for (const { cluster, target } of fleetCollectors()) {
      say(bold(`== ${cluster.name}: ${target} (${namespaces.observability})`));
      const result = await run("kubectl", logsArgs(cluster, target, tail, false), { allowFailure: true });
      say((result.exitCode === 0 ? result.stdout : result.stderr).trimEnd());
      if (result.exitCode !== 0) failed.push(cluster.name);
    }
    if (failed.length > 0)
      throw new Failure(
        `could not read the collector's logs of ${failed.join(", ")} (the rest are above): is \`make up\` done, and is each cluster's node running (\`make status\`)?`,
        exitCodes.notReady,
      );
  });
