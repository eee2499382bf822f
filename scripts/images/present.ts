// What this machine's engine has, by image ID: the one place that asks. `make up` asks about a dozen refs
// several times over (pins, stand-ins, app images, what each node lacks), and on a 2-CPU machine every
// docker CLI start costs about 0.15 s, so they go out as one `docker image inspect` with every ref.
import { run } from "../lib/exec.ts";

const inspectArgs = (refs: readonly string[]) => ["image", "inspect", "--format", "{{.Id}}", ...refs];
const inspect = (refs: readonly string[]) => run("docker", inspectArgs(refs), { allowFailure: true });

/**
 * ref → the engine's image ID, or undefined where the engine lacks it. One call prints one line per image
 * it found, in order, and cannot say which were missing; so when any is, each ref is asked on its own.
 */
export async function imageIds(refs: readonly string[]): Promise<Map<string, string | undefined>> {
  if (refs.length === 0) return new Map();
  const all = await inspect(refs);
  const lines = all.stdout.trim().split("\n");
  if (all.exitCode === 0 && lines.length === refs.length)
    return new Map(refs.map((ref, index) => [ref, lines[index]!.trim()]));
  const one = await Promise.all(refs.map((ref) => inspect([ref])));
  return new Map(
    refs.map((ref, index) => [ref, one[index]!.exitCode === 0 ? one[index]!.stdout.trim() : undefined]),
  );
}

/** The engine's image ID of `ref`; fails with docker's own message when the engine lacks it. */
export async function imageId(ref: string): Promise<string> {
  return (await run("docker", inspectArgs([ref]))).stdout.trim();
}

/** The refs the engine lacks, in the order given. */
export async function absent(refs: readonly string[]): Promise<string[]> {
  const ids = await imageIds(refs);
  return refs.filter((ref) => ids.get(ref) === undefined);
}
