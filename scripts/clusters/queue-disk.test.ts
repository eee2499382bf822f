import { describe, expect, it } from "vitest";
import { exitCodes } from "../lib/exit-codes.ts";
import { diskNeeded, judgeRoom, queueBound } from "./queue-disk.ts";

describe("the edge's queue against the node's disk", () => {
  it("reads a byte bound from the edge collector's config: 256 MiB for each of its two queues", () => {
    expect(queueBound()).toEqual({
      bytesPerQueue: 256 * 1024 ** 2,
      queues: 2,
      hostPath: "/var/lib/otelcol-edge",
    });
    expect(diskNeeded(queueBound())).toBe(1024 ** 3);
  });

  it.each([
    [2 * 1024 ** 3, /^edge queue: 2 queues × 256 MiB, up to 1024 MiB on disk; 2048 MiB free on the node$/],
    [1024 ** 3, /; 1024 MiB free on the node$/],
  ])("passes %d bytes free", (room, line) => {
    expect(judgeRoom(room, queueBound(), "edge-control-plane")).toMatch(line);
  });

  it("refuses less, naming the node, what it has, what the queue may take and what to do", () => {
    let thrown: unknown;
    try {
      judgeRoom(1024 ** 3 - 1, queueBound(), "edge-control-plane");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ exitCode: exitCodes.notEnoughDisk });
    expect((thrown as Error).message).toMatch(
      /^the edge node edge-control-plane has 1023 MiB free for its persistent queue \(2 queues × 256 MiB, up to 1024 MiB on disk\) at \/var\/lib\/otelcol-edge in the node's container, .*docker system df.*queue_size in manifests\/edge\/collector\/config\.yaml; then run make up again$/,
    );
  });
});
