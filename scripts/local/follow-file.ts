// Follows a growing log file line by line (like `tail -F`), for the logs a process can only write to a
// file: nginx cannot open the supervisor's stdout (a socket, not a device) as its access log.
import { closeSync, openSync, readSync, statSync } from "node:fs";

/** Calls `onLine` for every complete line appended to `path` from now on; returns a stop function. */
export function followFile(path: string, onLine: (line: string) => void, intervalMs = 250): () => void {
  let offset = 0;
  let partial = "";
  const read = () => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return; // not created yet
    }
    if (size < offset) offset = 0; // truncated or replaced
    if (size === offset) return;
    const buffer = Buffer.alloc(size - offset);
    const fd = openSync(path, "r");
    try {
      readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(fd);
    }
    offset = size;
    const lines = (partial + buffer.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line !== "") onLine(line);
  };
  // Plain polling: fs.watchFile misses a file created before its first stat.
  const timer = setInterval(read, intervalMs);
  timer.unref();
  read();
  return () => {
    clearInterval(timer);
    read();
  };
}
