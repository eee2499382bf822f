// Runs a command with every connection it (or any process it starts) makes outside loopback refused: the
// offline workshop, for real. The command gets a supplementary group that nothing else on the machine has,
// and iptables/ip6tables reject that group's traffic on every interface but lo (the owner match sees the
// supplementary groups of the sending process). The Docker engine, which is not in the group, is not cut:
// what `make up` asks of it is checked by the test itself (nothing pulled).
import { execa } from "execa";

/** A group ID far above any that Debian hands out. */
const CUT_GROUP = 42_424;
const RULE = [
  "OUTPUT",
  "-m",
  "owner",
  "--gid-owner",
  String(CUT_GROUP),
  "--suppl-groups",
  "!",
  "-o",
  "lo",
  "-j",
  "REJECT",
];

export interface NetworkCut {
  /** Prefix for a command line: runs it in the cut group. */
  readonly prefix: readonly string[];
  /** Whether a plain HTTPS request from inside the cut fails (proof that the cut holds). */
  refusesOutside(url: string): Promise<boolean>;
  remove(): Promise<void>;
}

export async function cutNetwork(): Promise<NetworkCut> {
  for (const tables of ["iptables", "ip6tables"]) await execa(tables, ["-I", ...RULE]);
  const groups = (await execa("id", ["-G"])).stdout.trim().split(/\s+/);
  const prefix = ["setpriv", `--groups=${[...groups, String(CUT_GROUP)].join(",")}`, "--"];
  return {
    prefix,
    async refusesOutside(url) {
      const [file = "setpriv", ...args] = [...prefix, "curl", "-sS", "-m", "10", "-o", "/dev/null", url];
      return (await execa(file, args, { reject: false })).exitCode !== 0;
    },
    async remove() {
      for (const tables of ["iptables", "ip6tables"]) await execa(tables, ["-D", ...RULE], { reject: false });
    },
  };
}
