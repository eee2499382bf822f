// The normalisation a transcript goes through: each volatile part becomes its placeholder, and nothing
// that names what happened (counts of images, objects, checks; fixed ports) is touched.
import { describe, expect, it } from "vitest";
import { normaliseLine, normaliseTranscript } from "./transcripts.ts";

describe("normaliseLine", () => {
  it.each([
    ["      ✓ created edge, remote (41.6s)", "✓ created edge, remote (<time>)"],
    ["offline images built in 1m12s", "offline images built in <time>"],
    ["about 5 min on this machine", "about <time> on this machine"],
    [
      "  demo   deployment.apps/sample-service   2/2   2   2   96s",
      "demo deployment.apps/sample-service 2/2 2 2 <time>",
    ],
    ["otel-e2r/sample-service:d84628caea688ec0 built", "otel-e2r/sample-service:<hash> built"],
    ["expires 2027-12-05 (in 364 days)", "expires <date> (in <n> days)"],
    ["sample-service-98768874-25qx6 ×92", "sample-service-<pod> ×<n>"],
    ["observability otel-collector-2gltf 1/1 Running", "observability otel-collector-<pod> 1/1 Running"],
    ["at http://127.0.0.1:35109/", "at http://127.0.0.1:<port>/"],
    ["http://localhost:16686 and localhost:30443", "http://localhost:16686 and localhost:30443"],
    ["(23.5 GiB of memory)", "(<size> of memory)"],
    ["edge queue 0% full · 6 refused calls in 5 min", "edge queue <n>% full · <n> refused calls in <time>"],
    ['trace 7e9b47affc92b36ae26d0f2c344c520f: "GET /a" → "GET /b"', 'trace <hash>: "<span>" → "<span>"'],
    ["edge: 5 images, 5 loaded", "edge: 5 images, 5 loaded"],
    ["remote: applied 24 objects from manifests/remote", "remote: applied 24 objects from manifests/remote"],
    ["verify: all 23 checks passed", "verify: all 23 checks passed"],
    ["logs/up-2026-12-05T08-07-03-200Z.log", "logs/up-<timestamp>.log"],
    ['[01/Dec/2026:22:24:31 +0000] "POST', '[<timestamp>] "POST'],
    ["spans, <date> 09:57:11 UTC", "spans, <date> <clock> UTC"],
    [
      "kubectl 1.37.2 (the project's copy: ~/.cache/otel-edge-to-remote/go-bin/kubernetes/1.37.2/kubectl)",
      "kubectl 1.37.2 (the project's copy: ~/.cache/otel-edge-to-remote/go-bin/<tool>/<version>/kubectl)",
    ],
  ])("%s", (line, expected) => {
    expect(normaliseLine(line)).toBe(expected);
  });
});

describe("normaliseTranscript", () => {
  it("writes the run's paths as a reader's, and keeps a repeated progress line once", () => {
    const text = [
      "      state folder /tmp/suite-state-x1: kept",
      "      … building (30s of about 5 min)",
      "      … building (1m00s of about 5 min)",
      "      done",
    ].join("\n");
    expect(normaliseTranscript(text, { replacements: [["/tmp/suite-state-x1", "<repo>/.state"]] })).toBe(
      [
        "state folder <repo>/.state: kept",
        "      … building (<time> of about <time>)",
        "      done",
        "",
      ].join("\n"),
    );
  });
});
