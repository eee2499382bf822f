// `make setup`: hack/run has already provided Node 24, pnpm and the workspace dependencies by the
// time this runs; this reports what is in place so a newcomer can see it worked.
import { execa } from "execa";
import { runWithoutOptions } from "../cli/command.ts";
import { say } from "../cli/ui.ts";

if (import.meta.main)
  runWithoutOptions(
    "setup",
    "Reports the toolchain hack/run provided: Node 24, pnpm and the workspace dependencies.",
    async () => {
      const pnpm = (await execa("pnpm", ["--version"])).stdout.trim();
      say(`Node.js ${process.versions.node} (${process.execPath})`);
      say(`pnpm ${pnpm}`);
      say("Workspace dependencies installed. Next: make up");
    },
  );
