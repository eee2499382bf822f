// The Docker engine script's decision: the runc wrapper only for the one failure it works around. The
// script itself runs for real in .ci/run; here the verdict on each outcome of the privileged probe,
// with the error texts Docker prints.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";

const verdict = (code: number, output: string) =>
  execFileSync(
    "bash",
    [
      "-c",
      `source "$1" && probe_verdict "$2" "$3"`,
      "_",
      join(REPO_ROOT, "hack/engine/docker-engine.sh"),
      String(code),
      output,
    ],
    {
      encoding: "utf8",
    },
  ).trim();

describe("hack/engine/docker-engine.sh: the privileged probe's verdict", () => {
  it("takes the plain path when a privileged container starts", () => {
    expect(verdict(0, "")).toBe("ok");
  });

  it("adds the runc wrapper only for the missing-capability failure", () => {
    const caps =
      "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: unable to apply caps: operation not permitted: unknown";
    expect(verdict(125, caps)).toBe("caps");
  });

  it("reports any other failure as it is, without a workaround", () => {
    expect(verdict(125, "docker: Error response from daemon: no space left on device")).toBe(
      "other:docker: Error response from daemon: no space left on device",
    );
  });
});
