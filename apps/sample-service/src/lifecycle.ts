// Shutdown work registered by independent modules (the telemetry SDK registers its flush here), run once
// by main.ts after the server has drained. A module, not a parameter, because instrumentation.ts runs
// before main.ts through `node --import` and the two share only the module graph.
type Hook = () => Promise<void>;

const hooks: Hook[] = [];

export function onShutdown(hook: Hook): void {
  hooks.push(hook);
}

/** Runs every hook concurrently; resolves with the failures (hooks never stop each other). */
export async function runShutdownHooks(): Promise<Error[]> {
  const results = await Promise.allSettled(hooks.map((hook) => hook()));
  return results.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
}
