import { describe, expect, it } from "vitest";
import { cpuTicksOf, readCharsOf, sampleProcess, statusMiB } from "./proc-stats.ts";

describe("proc-stats", () => {
  it("reads utime + stime after a command name with spaces and parentheses", () => {
    const stat = "4242 (otel col (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 731 269 0 0 20 0 12 0 555 0 0";
    expect(cpuTicksOf(stat)).toBe(1000);
  });

  it("names a line that is not a stat line", () => {
    expect(() => cpuTicksOf("garbage")).toThrow(/not a \/proc\/<pid>\/stat line: "garbage"/);
  });

  it("reads VmRSS and VmHWM in MiB, 0 when absent", () => {
    const status = "Name:\tx\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";
    expect(statusMiB(status, "VmRSS")).toBe(100);
    expect(statusMiB(status, "VmHWM")).toBe(200);
    expect(statusMiB("Name:\tkthread\n", "VmRSS")).toBe(0);
  });

  it("reads rchar from /proc/<pid>/io, 0 when the file could not be read", () => {
    expect(readCharsOf("rchar: 123456\nwchar: 42\nsyscr: 7\n")).toBe(123456);
    expect(readCharsOf("")).toBe(0);
  });

  it("samples this very process, and nothing for a pid that does not exist", () => {
    const before = sampleProcess(process.pid);
    let spin = 0;
    const until = performance.now() + 150;
    while (performance.now() < until) spin++;
    const after = sampleProcess(process.pid);
    expect(spin).toBeGreaterThan(0);
    expect(after!.cpuSeconds).toBeGreaterThan(before!.cpuSeconds);
    expect(after!.rssMiB).toBeGreaterThan(10);
    // Node read its own modules from disk at start.
    expect(after!.readBytes).toBeGreaterThan(0);
    expect(sampleProcess(2 ** 22 + 1)).toBeUndefined();
  });
});
