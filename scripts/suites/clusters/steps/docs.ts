// Step 8 of the real-cluster suite: the docs' console blocks show what this run printed. The run wrote
// its transcripts into docs/transcripts/ (a reviewer sees any change in the diff); a block that no longer
// matches fails here, in the run that changed the output. A run that passed records its times for the docs.
import { expect, it } from "vitest";
import { transcriptProblems } from "../../../docs/console-blocks.ts";
import { projectMarkdown } from "../../../docs/markdown.ts";
import { recordSuiteResults } from "../../../docs/figures.ts";
import {
  nodeMemoryMiB,
  spanCounts,
  throughputFigures,
  transcriptSeconds,
  writtenTranscripts,
} from "../harness.ts";

export function docsSteps(): void {
  it("8. the docs' console blocks show what this run's make targets printed", () => {
    expect(writtenTranscripts.size, "transcripts written by this run").toBeGreaterThan(0);
    const problems = transcriptProblems(projectMarkdown(), writtenTranscripts);
    // The problems are the message too: make test's summary of a failure shows the message, not the diff.
    expect(problems, problems.join("\n")).toEqual([]);
    const { sustainedSpansPerSecond, probes } = throughputFigures;
    recordSuiteResults(
      transcriptSeconds,
      nodeMemoryMiB,
      spanCounts,
      sustainedSpansPerSecond === undefined
        ? undefined
        : { ...throughputFigures, sustainedSpansPerSecond, probes: probes ?? 0 },
    );
  });
}
