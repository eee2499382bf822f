// `make setup`: hack/run has already provided Node 24, pnpm and the workspace dependencies by the
// time this runs; this reports what is in place so a newcomer can see it worked.
import { execFileSync } from "node:child_process";

const pnpm = execFileSync("pnpm", ["--version"], { encoding: "utf8" }).trim();
console.log(`Node.js ${process.versions.node} (${process.execPath})`);
console.log(`pnpm ${pnpm}`);
console.log("Workspace dependencies installed. Next: make up");
