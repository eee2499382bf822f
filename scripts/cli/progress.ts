// Progress of long work (a Go build, an image build): on a terminal, one live line with a spinner, the
// elapsed time and the estimate; elsewhere (CI logs, NO_COLOR), plain lines: one at the start, one whenever
// the detail changes, and one at least every 30 s, so a log never goes quiet for long.
import { useColour } from "./ui.ts";

export interface Progress {
  /** What is happening inside the work now ("kube-apiserver"). */
  detail(text: string): void;
  /** Stops the display and prints the closing line. */
  end(line: string): void;
}

export interface ProgressOptions {
  /** The expected duration, shown as "about N min" beside the elapsed time. */
  estimateSeconds?: number;
  stream?: NodeJS.WriteStream;
  /** Plain-line interval (default 30 s). */
  heartbeatSeconds?: number;
  /** Line prefix (indentation) for the plain lines and the live line. */
  indent?: string;
}

export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function about(seconds: number): string {
  return seconds < 90
    ? `about ${Math.max(1, Math.round(seconds / 10) * 10)} s`
    : `about ${Math.round(seconds / 60)} min`;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function startProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stdout;
  const indent = options.indent ?? "      ";
  const live = useColour(stream);
  const started = performance.now();
  let detail = "";
  let frame = 0;
  const elapsed = () => (performance.now() - started) / 1000;
  const status = () =>
    `${duration(elapsed())}${options.estimateSeconds ? ` of ${about(options.estimateSeconds)}` : ""}`;
  const line = () => `${label}${detail ? `: ${detail}` : ""} (${status()})`;
  const write = (text: string) => stream.write(text);

  if (!live)
    write(`${indent}${label}${options.estimateSeconds ? ` (${about(options.estimateSeconds)})` : ""}\n`);
  const timer = setInterval(
    () => {
      if (live) write(`\r\u001b[2K${indent}${SPINNER[frame++ % SPINNER.length]} ${line()}`);
      else write(`${indent}… ${line()}\n`);
    },
    live ? 120 : (options.heartbeatSeconds ?? 30) * 1000,
  );
  timer.unref();
  return {
    detail(text) {
      if (text === detail) return;
      detail = text;
      if (!live) write(`${indent}… ${line()}\n`);
    },
    end(closing) {
      clearInterval(timer);
      write(`${live ? "\r\u001b[2K" : ""}${indent}${closing}\n`);
    },
  };
}
