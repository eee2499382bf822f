// CPU time, memory and bytes read of a running process, from /proc (Linux): what the pipeline benchmark
// reports per process. CPU is user + system time of every thread, in seconds; memory is the resident set
// now (the trial keeps the highest of its samples); bytes read are /proc/<pid>/io's rchar, the read(2)
// family on files and sockets alike (Go reads its sockets with read(2)), which for Traefik and Jaeger is
// what reaches them over the wire.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface ProcessSample {
  readonly cpuSeconds: number;
  readonly rssMiB: number;
  /** /proc/<pid>/io's rchar: bytes read so far (0 where the file may not be read). */
  readonly readBytes: number;
}

let ticksPerSecond: number | undefined;
/** The kernel's clock ticks per second (USER_HZ), in which /proc/<pid>/stat counts CPU time. */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticksPerSecond;
}

/** utime + stime in ticks from a /proc/<pid>/stat line. The command name may hold spaces and parentheses:
 *  the fields are counted from the last ")". */
export function cpuTicksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(stat.slice(0, 80))}`);
  return utime + stime;
}

/** A kB figure ("VmRSS:   1234 kB") from /proc/<pid>/status, in MiB. */
export function statusMiB(status: string, field: "VmRSS" | "VmHWM"): number {
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1];
  return kb === undefined ? 0 : Math.round(Number(kb) / 102.4) / 10;
}

/** rchar from /proc/<pid>/io: every byte the process read, from files and sockets alike. */
export function readCharsOf(io: string): number {
  const value = /^rchar:\s+(\d+)$/m.exec(io)?.[1];
  return value === undefined ? 0 : Number(value);
}

const readIo = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/io`, "utf8");
  } catch {
    // Another user's process without CAP_SYS_PTRACE: its bytes are unknown, not the benchmark's failure.
    return "";
  }
};

/** The process's figures now, or undefined once it has exited. */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return {
      cpuSeconds: cpuTicksOf(stat) / clockTicks(),
      rssMiB: statusMiB(status, "VmRSS"),
      readBytes: readCharsOf(readIo(pid)),
    };
  } catch {
    return undefined;
  }
}
