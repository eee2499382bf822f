// `make docs`: regenerates the docs' generated blocks (scripts/docs/readme-blocks.ts) from their sources,
// formatted as `make lint` expects them.
import { runWithoutOptions } from "../cli/command.ts";
import { say } from "../cli/ui.ts";
import { writeRegenerated } from "../docs/readme-blocks.ts";

if (import.meta.main)
  runWithoutOptions(
    "docs",
    "Regenerates the docs' generated tables from their sources (versions, make targets, auth modes, results).",
    async () => {
      for (const file of await writeRegenerated()) say(`${file}: generated blocks regenerated`);
    },
  );
