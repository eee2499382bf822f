// Flag values the commands share, each checked in one place: the problem text names the flag, the bad
// value and what was expected.

/** undefined when `value` is host:port, else the problem, e.g. `--gateway "nowhere" is not host:port …`. */
export function parseHostPort(flag: string, value: string, example: string): string | undefined {
  return /^[^:\s]+:\d{1,5}$/.test(value)
    ? undefined
    : `${flag} ${JSON.stringify(value)} is not host:port (e.g. ${example})`;
}
