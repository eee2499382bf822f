// 10. Mutual TLS on loopback (AUTH=mtls and AUTH=both): the real edge collector presents its client
// certificate through Traefik's TLS passthrough to the real remote collector, which verifies it. Per mode:
// every row of `make local-verify` passes (each bad client refused by the party named in the row); the TLS
// alerts are the texts docs/troubleshooting.md quotes; and a span that claims another edge's name is
// stored under the name of the edge that authenticated.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { localGatewayTarget, verifyLocal } from "../../local/verify.ts";
import type { AuthMode } from "../../lib/auth-modes.ts";
import { basicAuthHeader } from "../../lib/credentials.ts";
import { processTags } from "../../lib/jaeger-client.ts";
import { exportOnce, oneSpanRequest } from "../../lib/otlp-client.ts";
import { pollUntil } from "../../lib/poll.ts";
import { gateway, REPO_ROOT } from "../../lib/topology.ts";
import { TLS_REFUSALS } from "../../verify/gateway-attempts.ts";
import { formatRows } from "../../verify/pipeline-checks.ts";
import { sessionInfo } from "../../local/session-file.ts";
import { figures, useLocalPipeline } from "./helpers.ts";

const TROUBLESHOOTING = readFileSync(join(REPO_ROOT, "docs/troubleshooting.md"), "utf8");

describe.each([
  ["mtls", 9],
  ["both", 10],
] as [AuthMode, number][])("AUTH=%s on loopback", (auth, slot) => {
  const local = useLocalPipeline(slot, {
    auth,
    generators: [
      { name: "generator-live", scenario: "sample-service", rate: 5 },
      { name: "generator-shop", scenario: "shop", rate: 5 },
    ],
  });

  it("passes every row of make local-verify, each refusal by the party the row names", async () => {
    const rows = await verifyLocal({
      jaegerUrl: local.pipeline.jaegerUrl,
      gateway: localGatewayTarget(sessionInfo(local.pipeline)),
    });
    console.log(formatRows(rows));
    figures(`local-verify AUTH=${auth}`, { rows: rows.length, failed: rows.filter((row) => !row.ok).length });
    expect(
      rows.filter((row) => !row.ok),
      local.output.dump(),
    ).toEqual([]);
    const detail = (check: string) =>
      rows.find((row) => row.check === `gateway: ${check} → rejected`)?.detail;
    // The remote collector's TLS refused each bad certificate with its own alert; docs/troubleshooting.md
    // quotes exactly these texts.
    const quoted = {
      "no client certificate": "tlsv13 alert certificate required",
      "client certificate from a foreign CA": "tlsv1 alert unknown ca",
      "expired client certificate": "ssl/tls alert certificate expired",
      "server-auth-only certificate as a client": "ssl/tls alert bad certificate",
      "TLS 1.1 client": "tlsv1 alert protocol version",
    };
    for (const [check, text] of Object.entries(quoted)) {
      expect(detail(check), check).toContain(text);
      expect(TROUBLESHOOTING, `docs/troubleshooting.md quotes "${text}"`).toContain(text);
    }
    expect(Object.keys(TLS_REFUSALS)).toHaveLength(Object.keys(quoted).length);
    if (auth === "both") {
      expect(detail("valid certificate, wrong password")).toBe(
        "rejected (UNAUTHENTICATED: invalid credentials)",
      );
      expect(detail("valid certificate, no password")).toBe(
        "rejected (UNAUTHENTICATED: no basic auth provided)",
      );
    }
  }, 150_000);

  it("stores a span under the authenticated edge's name, whatever k8s.cluster.name it claims", async () => {
    const session = local.pipeline.session;
    const id = randomBytes(6).toString("hex");
    const outcome = await exportOnce({
      address: local.pipeline.gatewayAddress,
      credentials: grpc.credentials.createSsl(
        Buffer.from(session.caPem),
        readFileSync(session.files.clientKey),
        readFileSync(session.files.clientCert),
      ),
      serverName: gateway.mtlsServerName,
      authorization:
        auth === "both"
          ? basicAuthHeader(session.credentials.username, session.credentials.password)
          : undefined,
      request: oneSpanRequest({
        service: "spoofing-check",
        name: "claims another edge",
        attributes: { "e2r.spoof.id": id },
        resource: { "k8s.cluster.name": "another-edge" },
      }),
      timeoutMs: 5000,
    });
    expect(outcome.message).toBe("OK");
    const names = await pollUntil(
      "the spoofing span in Jaeger",
      async () => {
        const traces = await local.pipeline.jaeger.findTraces({
          service: "spoofing-check",
          tags: { "e2r.spoof.id": id },
          lookback: "1h",
        });
        const spans = traces.flatMap((trace) => trace.spans.map((span) => processTags(trace, span)));
        return spans.length > 0 ? spans.map((tags) => tags["k8s.cluster.name"]) : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(names).toEqual(["edge"]);
  }, 60_000);
});
