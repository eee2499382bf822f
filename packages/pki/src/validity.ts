// The checks every CA and certificate request goes through: bad options are reported all at once, each
// naming the value and what was expected, and nothing is signed that would outlive its CA.
// Tolerate small clock differences between the laptop, kind nodes and CI runners.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Window {
  notBefore: Date;
  notAfter: Date;
}

export function problemsWithValidity(days: unknown): string[] {
  return typeof days === "number" && Number.isInteger(days) && days > 0 && days <= 3650
    ? []
    : [`validityDays is ${String(days)}; expected a whole number of days from 1 to 3650`];
}

export function fail(what: string, problems: string[]): void {
  if (problems.length > 0) throw new Error(`${what}:\n  - ${problems.join("\n  - ")}`);
}

export function validity(days: number): Window {
  const now = Date.now();
  return { notBefore: new Date(now - CLOCK_SKEW_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** The certificate's validity window; a problem when it would outlive the CA. */
export function windowWithinCa(
  // Only the CA's expiry matters here (not the CA module's type: ca.ts builds on this one).
  ca: { readonly certificate: { readonly notAfter: Date } },
  options: { validityDays: number; window?: Window },
  problems: string[],
): Window {
  const span = options.window ?? validity(options.validityDays);
  if (problems.length === 0 && span.notAfter > ca.certificate.notAfter)
    problems.push(
      `validityDays ${options.validityDays} outlives the CA (expires ${ca.certificate.notAfter.toISOString()}); expected a shorter validity or a new CA`,
    );
  return span;
}
