// `make up`: both kind clusters, the pipeline, and the proof that traces crossed. Every step converges:
// run it again on a running setup and it creates, rebuilds and reloads nothing. On failure it names the
// step, shows the tail of what failed, exports kind's and the collectors' logs to .logs/ and leaves the
// clusters up for inspection.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { overrides, resolve } from "../lib/pinned.ts";
import { clusters, gateway, ports } from "../lib/topology.ts";
import { versions } from "../lib/versions.ts";
import { ensureCertificates } from "../lib/certificates.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { ensureClusters, existingClusters } from "../clusters/clusters.ts";
import { checkQueueDisk } from "../clusters/queue-disk.ts";
import { LOGS_DIR } from "../clusters/config.ts";
import { exportDiagnostics } from "../clusters/diagnostics.ts";
import { installGatewayApiCrds, proveGatewayRoutes } from "../clusters/gateway-api.ts";
import {
  describeAdjustments,
  detectHostAdjustments,
  type HostAdjustments,
} from "../clusters/host-adjustments.ts";
import { buildAppImages, loadImages } from "../images/apps.ts";
import { ensurePinnedImages } from "../images/sources.ts";
import { checkMemory, preflight, type Plan } from "../provision/preflight.ts";
import { provisionClusterTools, useClusterTools } from "../provision/cluster-tools.ts";
import { startEngine } from "../provision/engine.ts";
import { applySecrets, type SecretMaterial } from "../clusters/secrets.ts";
import {
  credentialsAnnotation,
  fleetMaterial,
  planFleet,
  removeSurplusEdges,
  type FleetPlan,
} from "../clusters/fleet.ts";
import { memoryNeeded } from "../clusters/config.ts";
import { MAX_EDGES, chooseEdgeCount, rememberEdgeCount } from "../lib/fleet.ts";
import { runSteps, type Step } from "../cli/steps.ts";
import { clearTheWay, removeRetired } from "../clusters/retired.ts";
import { bold, cyan, say } from "../cli/ui.ts";
import { defaultVerifyOptions, verify } from "../clusters/verify.ts";
import { type ImageRefs } from "../kube/render.ts";
import { deployManifests } from "../clusters/manifests.ts";
import { logCommandsTo } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { STATE_DIR, chooseAuthMode, ensureCredentials, rememberAuthMode } from "../lib/state.ts";
import { AUTH_MODES, authModes, DEFAULT_AUTH_MODE, type AuthMode } from "../lib/auth-modes.ts";

interface UpContext {
  stateDir: string;
  plan?: Plan;
  /** How the edge proves itself (AUTH=…, else what the state folder remembers, else basic). */
  auth: AuthMode;
  /** How many edge clusters (EDGES=…, else what the state folder remembers, else 1). */
  edges: number;
  fleet?: FleetPlan;
  verify: boolean;
  archive?: string;
  images?: ImageRefs;
  adjustments?: HostAdjustments;
  material?: SecretMaterial;
}

/**
 * Host ports preflight must find free. OTEL_E2R_PREFLIGHT_GATEWAY_PORT stands in for the gateway port in
 * the tests, so they never depend on (or grab) the real port 30443 of the machine running them.
 */
export function portsToCheck(existing: ReadonlySet<string>): number[] {
  const port = Number(process.env.OTEL_E2R_PREFLIGHT_GATEWAY_PORT ?? gateway.hostPort);
  // The remote cluster, when it exists, is what holds the gateway port: that is not a conflict.
  return existing.has(clusters.remote.name) ? [] : [port];
}

const nodeImage = () => resolve(versions().KIND_NODE_IMAGE);

export const upSteps: readonly Step<UpContext>[] = [
  {
    title: "Preflight: what this machine has, and what make up sets up itself",
    async run(context, note) {
      // kind may be missing (preflight plans for that); until it is there, no cluster exists.
      const existing = await existingClusters().catch(() => new Set<string>());
      context.plan = await preflight(
        {
          ports: portsToCheck(existing),
          archive: context.archive,
          minMemoryBytes: memoryNeeded(context.edges),
        },
        note,
      );
      return context.plan.setUp;
    },
  },
  {
    title: "Docker engine",
    async run(context, note) {
      if (context.plan!.engine.action === "use") return `Docker ${context.plan!.engine.version} answers`;
      const started = await startEngine(note);
      return `${started} (${await checkMemory(memoryNeeded(context.edges))} of memory)`;
    },
  },
  {
    title: "kind and kubectl",
    run: (context, note) => provisionClusterTools(context.plan!.tools, note),
  },
  {
    title: "Images on this machine: the pinned ones, and the app images built here",
    async run(context, note) {
      const pinned = await ensurePinnedImages({ archive: context.archive, buildOffline: true }, note);
      context.images = await buildAppImages(note);
      return pinned;
    },
  },
  {
    title: "Kind clusters: edge and remote, adjusted to this host",
    async run(context, note) {
      context.adjustments = await detectHostAdjustments(nodeImage());
      note(`host adjustments: ${describeAdjustments(context.adjustments)}`);
      context.fleet = planFleet(context.edges, await existingClusters());
      // An edge beyond EDGES goes first: it stops sending before the remote stops accepting it.
      const removed = await removeSurplusEdges(context.stateDir, context.fleet, note);
      // Their folders are gone: every other command must see the smaller fleet, even if a later step fails.
      if (removed.length > 0) rememberEdgeCount(context.edges, context.stateDir);
      const made = await ensureClusters(nodeImage(), context.adjustments, note, context.fleet.wanted);
      return removed.length > 0 ? `${made}; removed ${removed.join(", ")}` : made;
    },
  },
  {
    title: "Images into the clusters (kind load: nothing is pulled inside a cluster)",
    run: (context, note) => loadImages(context.images!, note, context.fleet!.wanted),
  },
  {
    title: "Local CA, gateway and edge certificates, basic-auth credentials (state folder, never printed)",
    async run(context, note) {
      const certs = await ensureCertificates(context.stateDir, { note });
      const creds = ensureCredentials({ stateDir: context.stateDir });
      const fleet = await fleetMaterial(context.stateDir, context.fleet!.edges, certs, creds, note);
      context.material = fleet.material;
      // Remembered before anything is deployed: a re-run after a failure keeps converging to these.
      rememberAuthMode(context.auth, context.stateDir);
      rememberEdgeCount(context.edges, context.stateDir);
      const day = (info: { notAfter: Date }) => info.notAfter.toISOString().slice(0, 10);
      const { outcome } = certs;
      const more = fleet.outcomes.map((line) => `; ${line}`).join("");
      return `CA ${outcome.ca}, gateway certificate ${outcome.server} (expires ${day(certs.server)}), remote collector certificate ${outcome.collector}, client CA ${outcome.clientCa}, edge certificate ${outcome.client} (expires ${day(certs.client)}), credentials ${creds.outcome}${more}; AUTH=${context.auth}${context.edges > 1 ? `; EDGES=${context.edges}` : ""}; in ${context.stateDir}`;
    },
  },
  {
    title: "Secrets in both clusters",
    run: (context, note) => applySecrets(context.material!, note),
  },
  {
    title: "Gateway API CRDs and the manifests (remote first, then edge), the gateway proven to route",
    async run(context, note) {
      // Before anything is deployed, and after the images took their room: a node whose disk a full
      // queue would fill is refused.
      note(await checkQueueDisk());
      await installGatewayApiCrds(note);
      // What an older release left in the way of today's objects (a NodePort, an address) goes first.
      await clearTheWay("remote", note);
      await deployManifests(
        "remote",
        context.images!,
        note,
        context.auth,
        credentialsAnnotation(context.material!),
      );
      // An older release's objects, once their successors run (an upgrade in place).
      await removeRetired("remote", note);
      await proveGatewayRoutes(context.material!.caCertPem, context.auth, note);
      // The edges in parallel: each waits only for its own rollouts.
      await Promise.all(
        context.fleet!.edges.map((edge) => deployManifests(edge, context.images!, note, context.auth)),
      );
      const clusters = context.edges === 1 ? "both clusters" : `the remote and ${context.edges} edges`;
      return `${clusters} rolled out (AUTH=${context.auth}: ${authModes[context.auth].summary})`;
    },
  },
  {
    title: "Verify: traces crossed, the gateway rejects bad clients",
    async run(context) {
      if (!context.verify) return "skipped (--no-verify)";
      const rows = await verify({ ...defaultVerifyOptions, stateDir: context.stateDir });
      const failed = rows.filter((row) => !row.ok);
      if (failed.length > 0)
        throw new Failure(
          `${failed.length} check(s) failed: ${failed.map((row) => row.check).join("; ")}`,
          exitCodes.verifyFailed,
        );
      return `${rows.length} checks passed`;
    },
  },
];

function printNextSteps(): void {
  say();
  say(bold("Next:"));
  say(
    `  ${cyan("make jaeger")}   open Jaeger at http://localhost:${ports.jaegerQuery} (port-forward; Ctrl-C to stop)`,
  );
  say(
    `  ${cyan("make traces")}   the newest traces as trees in this terminal (where the Jaeger UI cannot be had)`,
  );
  say(`  ${cyan("make send")}     send your own traces from this machine straight to the gateway`);
  say(`  ${cyan("make status")}   workloads, gateway address, certificate expiry, where the credentials are`);
  say(`  ${cyan("make logs")}     the edge and remote collectors' logs`);
  say(
    `  the labs in docs/labs/ walk through what to try next; \`make down\` deletes the clusters and stops what make up started`,
  );
}

const command = {
  name: "up",
  summary:
    "Creates the kind clusters (the remote and EDGES edges), deploys the pipeline and verifies that traces cross from edge to remote.",
  options: {
    "no-verify": { type: "boolean" },
    auth: { type: "string" },
    edges: { type: "string" },
    "images-archive": { type: "string" },
  },
  help: {
    "no-verify": "skip the last step (run `make verify` later)",
    "images-archive":
      "load the pinned images from this archive (make's IMAGES_ARCHIVE; written by make images-save)",
    auth: `how the edge proves itself: ${AUTH_MODES.join(", ")} (default: the last one deployed, else ${DEFAULT_AUTH_MODE})`,
    edges: `how many edge clusters, 1 to ${MAX_EDGES}, each with its own credential (make's EDGES; default: the last number deployed, else 1)`,
  },
} as const;

/** Checks what the command takes (AUTH, EDGES, IMAGES_ARCHIVE, PIN_OVERRIDES) before doing anything. */
function environment(
  auth: string | undefined,
  edgesAsked: string | undefined,
  archive: string | undefined,
): { archive?: string; auth: AuthMode; edges: number } {
  const problems: string[] = [];
  const attempt = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch (error) {
      problems.push((error as Error).message);
      return undefined;
    }
  };
  attempt(() => overrides());
  const mode = attempt(() => chooseAuthMode(auth, STATE_DIR).mode);
  const edges = attempt(() => chooseEdgeCount(edgesAsked, STATE_DIR));
  if (mode === "mtls" && edges !== undefined && edges > 1)
    problems.push(
      `AUTH=mtls with EDGES=${edges}${edgesAsked?.trim() ? "" : " (remembered from the last make up; make up AUTH=mtls EDGES=1 takes the fleet back to one edge)"}: in this mode the remote tells senders apart by nothing (one client CA signs every edge's certificate, and the collector does not hand a certificate's subject to its processors), so every edge would be recorded as "edge". Use AUTH=basic or AUTH=both for a fleet: the sender's name then comes from its credential`,
    );
  if (problems.length > 0 || mode === undefined || edges === undefined)
    throw new Failure(problems.join("\n"), exitCodes.usage);
  if (archive !== undefined && archive !== "" && !existsSync(archive))
    throw new Failure(
      `IMAGES_ARCHIVE is ${JSON.stringify(archive)}, which does not exist; expected an archive written by \`make images-save\``,
      exitCodes.usage,
    );
  return { archive, auth: mode, edges };
}

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    const env = environment(values.auth, values.edges, values["images-archive"]);
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    mkdirSync(LOGS_DIR, { recursive: true });
    const runLog = join(LOGS_DIR, `up-${stamp}.log`);
    logCommandsTo(runLog);
    // The project's kind and kubectl from an earlier run, where the user's will not do.
    await useClusterTools();
    await runSteps(
      upSteps,
      {
        stateDir: STATE_DIR,
        auth: env.auth,
        edges: env.edges,
        verify: values["no-verify"] !== true,
        archive: env.archive,
      },
      { onFailure: async (failed) => void (await exportDiagnostics(failed.number, runLog, stamp)) },
    );
    printNextSteps();
  });
