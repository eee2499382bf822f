// Waiting for something to become true, bounded, in one place: every wait of the scripts and tests goes
// through pollUntil (never a bare sleep loop), so each one has a deadline and a message that says what it
// waited for.
//
//   pollUntil(description, probe, { timeoutMs, intervalMs? }) → the first non-undefined probe result;
//   throws `timed out after Ns waiting for <description>` (plus the probe's last error) when time runs out.

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns something other than undefined, and returns that. Errors thrown by the
 * probe (e.g. Jaeger not up yet) count as "not yet"; the last one is part of the timeout message.
 */
export async function pollUntil<T>(
  description: string,
  probe: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await probe();
      if (result !== undefined) return result;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const last = lastError instanceof Error ? lastError.message : JSON.stringify(lastError);
      const why = lastError === undefined ? "" : ` (last error: ${last})`;
      throw new Error(
        `timed out after ${(options.timeoutMs / 1000).toFixed(1)}s waiting for ${description}${why}`,
      );
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(interval, Math.max(0, deadline - Date.now()))),
    );
  }
}
