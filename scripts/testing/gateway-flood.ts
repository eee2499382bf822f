// A client without credentials that tries to make the gateway hold as much as it can: several HTTP/2
// connections, each with many OTLP export calls whose bodies never finish (a gRPC frame that announces
// 4 MiB and sends 64 KiB), so that every call it gets past the gateway stays in flight at the remote
// collector, which reads a whole message before it checks the credentials. What the gateway answers
// says which of its limits held. Raw HTTP/2 (node:http2), because a gRPC client would neither leave a
// message unfinished nor open more streams than the server allows.
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { setTimeout as delay } from "node:timers/promises";
import { parse } from "yaml";
import { LIMITS_FILE, TRAEFIK_COMMON_ARGS } from "../local/traefik-config.ts";

const EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/** The bounds as the manifests set them: calls in flight per source, streams per connection, header bytes. */
export function preAuthLimits(): { inFlight: number; streams: number; headerBytes: number } {
  const limits = parse(readFileSync(LIMITS_FILE, "utf8")) as {
    http: { middlewares: Record<string, { inFlightReq?: { amount: number } }> };
  };
  const flag = (name: string) =>
    Number(
      TRAEFIK_COMMON_ARGS.find((arg) => arg.startsWith(`--entrypoints.websecure.${name}=`))?.split("=")[1],
    );
  return {
    inFlight: limits.http.middlewares["pre-auth-limits"]!.inFlightReq!.amount,
    streams: flag("http2.maxConcurrentStreams"),
    headerBytes: flag("http.maxHeaderBytes"),
  };
}

export interface FloodTarget {
  readonly host: string;
  readonly port: number;
  readonly ca: Buffer;
  /** The name the gateway's certificate is checked against (its SNI). */
  readonly servername: string;
  /** Where the flood comes from (another loopback address than the good client's, in the local topology). */
  readonly localAddress?: string;
}

export interface FloodOutcome {
  /** Calls the gateway passed on and that were still open when the flood looked (held at the collector). */
  readonly held: number;
  /** Calls answered with HTTP 429 by the in-flight limit. */
  readonly tooMany: number;
  /** Any other answer, by HTTP status or error code. */
  readonly other: Readonly<Record<string, number>>;
  /** What the gateway announced in its SETTINGS frame. */
  readonly maxConcurrentStreams: number | undefined;
  readonly maxHeaderListSize: number | undefined;
}

function connect(target: FloodTarget): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://${target.host}:${target.port}`, {
      ca: target.ca,
      servername: target.servername,
      ...(target.localAddress === undefined ? {} : { localAddress: target.localAddress }),
    });
    session.once("remoteSettings", () => resolve(session));
    session.once("error", reject);
  });
}

/** A gRPC message prefix announcing `length` bytes, uncompressed. */
function framePrefix(length: number): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(length, 1);
  return prefix;
}

const exportHeaders = () => ({
  ":method": "POST",
  ":path": EXPORT_PATH,
  "content-type": "application/grpc",
  te: "trailers",
});

type Answer = { kind: "status"; status: number } | { kind: "error"; code: string } | { kind: "held" };

/** One call whose body never ends; resolves with what the gateway answered, or "held" after `waitMs`. */
function unfinishedCall(session: http2.ClientHttp2Session, waitMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const stream = session.request(exportHeaders());
    const timer = setTimeout(() => resolve({ kind: "held" }), waitMs);
    stream.once("response", (headers) => {
      clearTimeout(timer);
      resolve({ kind: "status", status: Number(headers[":status"]) });
    });
    stream.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ kind: "error", code: error.code ?? error.message });
    });
    stream.write(Buffer.concat([framePrefix(4 * 1024 * 1024), Buffer.alloc(64 * 1024)]));
  });
}

/**
 * Opens `connections` × `streams` unfinished calls at once, waits `waitMs` for the answers, and closes
 * everything. `whileHeld` runs while the held calls are still open (the good client's turn).
 */
export async function flood(
  target: FloodTarget,
  shape: { connections: number; streams: number; waitMs: number },
  whileHeld: () => Promise<void> = async () => {},
): Promise<FloodOutcome> {
  const sessions = await Promise.all(Array.from({ length: shape.connections }, () => connect(target)));
  try {
    const settings = sessions[0]!.remoteSettings;
    const answers = await Promise.all(
      sessions.flatMap((session) =>
        Array.from({ length: shape.streams }, () => unfinishedCall(session, shape.waitMs)),
      ),
    );
    await whileHeld();
    const other: Record<string, number> = {};
    for (const answer of answers) {
      const key =
        answer.kind === "status" ? String(answer.status) : answer.kind === "error" ? answer.code : "";
      if (key !== "" && key !== "429") other[key] = (other[key] ?? 0) + 1;
    }
    return {
      held: answers.filter((a) => a.kind === "held").length,
      tooMany: answers.filter((a) => a.kind === "status" && a.status === 429).length,
      other,
      maxConcurrentStreams: settings.maxConcurrentStreams,
      maxHeaderListSize: settings.maxHeaderListSize,
    };
  } finally {
    for (const session of sessions) session.destroy();
    await delay(100);
  }
}

/** The flood both suites send: more calls than the in-flight bound, fewer per connection than the streams bound. */
export const FLOOD_SHAPE = Object.freeze({ connections: 4, streams: 24, waitMs: 5000 });

/** What the gateway showed, in the terms of its limits; equal to expectedOutcome() when every limit held. */
export function observedLimits(outcome: FloodOutcome) {
  const { headerBytes } = preAuthLimits();
  const header = outcome.maxHeaderListSize ?? 0;
  return {
    streamsPerConnection: outcome.maxConcurrentStreams,
    // Go's HTTP/2 server announces the header bound plus 32 bytes per field of its own accounting; a
    // client that sends more is refused (Node's client will not even try, so this reads the setting).
    headerBound: header >= headerBytes && header < headerBytes + 1024 ? headerBytes : header,
    held: outcome.held,
    tooMany: outcome.tooMany,
    other: outcome.other,
  };
}

export function expectedOutcome(): ReturnType<typeof observedLimits> {
  const limits = preAuthLimits();
  const calls = FLOOD_SHAPE.connections * FLOOD_SHAPE.streams;
  return {
    streamsPerConnection: limits.streams,
    headerBound: limits.headerBytes,
    held: limits.inFlight,
    tooMany: calls - limits.inFlight,
    other: {},
  };
}
