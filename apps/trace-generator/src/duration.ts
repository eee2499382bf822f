// Durations as people write them in flags and YAML: "250us", "20ms", "1.5s", "2m", "1h". Bare numbers are
// refused on purpose: "20" could mean seconds or milliseconds.
const UNITS: Readonly<Record<string, number>> = Object.freeze({
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
});
const PATTERN = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/;

export const DURATION_HINT = 'a duration like "20ms", "1.5s" or "2m"';

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, string];
  return Number(amount) * (UNITS[unit] ?? Number.NaN);
}

export function formatDuration(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}us`;
  if (ms < 1000) return `${Math.round(ms * 10) / 10}ms`;
  return `${Math.round(ms / 100) / 10}s`;
}
