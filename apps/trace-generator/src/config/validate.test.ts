import { describe, expect, it } from "vitest";
import { crossFieldProblems } from "./validate.ts";

describe("crossFieldProblems", () => {
  it("a batch may be as large as the queue, not larger", () => {
    expect(crossFieldProblems({ batchSize: 512, maxQueueSize: 512 })).toEqual([]);
    expect(crossFieldProblems({ batchSize: 513, maxQueueSize: 512 })).toEqual([
      "--batch-size (513) must not exceed --max-queue-size (512)",
    ]);
  });
});
