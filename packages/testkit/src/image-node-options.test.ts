import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { imageNodeOptions } from "./image-node-options.ts";

describe("imageNodeOptions", () => {
  const dockerfile = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), "dockerfile-")), "Dockerfile");
    writeFileSync(file, text);
    return file;
  };

  it("reads the flags of the ENV line, however they are spaced", () => {
    const file = dockerfile(
      'FROM x\nENV NODE_ENV=production NODE_OPTIONS="--max-semi-space-size=2  --max-old-space-size=100"\n',
    );
    expect(imageNodeOptions(file)).toEqual(["--max-semi-space-size=2", "--max-old-space-size=100"]);
  });

  it("is empty for an image that sets none", () => {
    expect(imageNodeOptions(dockerfile("FROM x\n"))).toEqual([]);
  });
});
