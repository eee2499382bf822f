// One line naming the machine a measurement was taken on, for the results files the docs quote.
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export function machineDescription(): string {
  let release: string = process.platform;
  try {
    release = /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? release;
  } catch {
    // not Linux: the platform name is all there is
  }
  return `${release}, ${cpus().length} vCPUs (${cpus()[0]?.model.trim() ?? "?"}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`;
}
