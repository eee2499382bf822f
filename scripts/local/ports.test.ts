import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { busyPorts, CLUSTER_EQUIVALENT, DEFAULT_PORT_BASE, portPlan } from "./ports.ts";

describe("portPlan", () => {
  it("gives every listener its own port, none of them a collector or Jaeger default", () => {
    const plan = portPlan(undefined);
    const { base, ...ports } = plan;
    expect(base).toBe(DEFAULT_PORT_BASE);
    const values = Object.values(ports);
    expect(new Set(values).size).toBe(values.length);
    for (const taken of [4317, 4318, 8888, 13133, 16685, 16686, 8080]) expect(values).not.toContain(taken);
    expect(Object.keys(ports).sort()).toEqual(Object.keys(CLUSTER_EQUIVALENT).sort());
  });

  it("moves the whole plan with the base", () => {
    const a = portPlan(30000);
    const b = portPlan("30100");
    expect(b.edgeOtlpGrpc - a.edgeOtlpGrpc).toBe(100);
    expect(b.jaegerQuery - a.jaegerQuery).toBe(100);
  });

  it("names a bad base and the range it must be in", () => {
    expect(() => portPlan("abc")).toThrow('LOCAL_PORT_BASE is "abc"; expected a whole number from 1024 to');
    expect(() => portPlan(80)).toThrow("LOCAL_PORT_BASE is 80");
    expect(() => portPlan(65530)).toThrow("LOCAL_PORT_BASE is 65530");
  });
});

describe("busyPorts", () => {
  it("reports a port something already listens on, by number and name, and who holds it", async () => {
    const plan = portPlan(30500);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(plan.gateway, "127.0.0.1", resolve));
    try {
      // This very process listens: ss names it by pid and command line.
      expect(await busyPorts(plan)).toEqual([
        expect.stringMatching(
          new RegExp(`^${plan.gateway} \\(gateway, LISTEN by pid ${process.pid}: .*node.*\\)$`),
        ),
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await busyPorts(plan)).toEqual([]);
  });
});
