// What the steps of the real-cluster suite share: timings, the port-forward to the remote Jaeger, and the
// image archive the first steps write, and which step failed first.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RemoteJaeger } from "./load.ts";

export interface SuiteContext {
  readonly times: Record<string, number>;
  readonly archive: string;
  jaeger?: RemoteJaeger;
  /** The first `make up` ran on a fresh machine (CI): no engine of the project's, its data deleted. */
  fresh?: boolean;
  /** The first step that failed, by the start of its name; the later steps are skipped. */
  firstFailure?: string;
}

export function createContext(): SuiteContext {
  return { times: {}, archive: join(mkdtempSync(join(tmpdir(), "otel-e2r-archive-")), "images.tar") };
}

export const MINUTES = 60_000;
