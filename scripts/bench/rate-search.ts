// The highest rate a trial passes at: doubling from a start rate until a trial fails, then halving the gap
// between the last pass and the first failure a few times. Halving from the start when the first trial
// already fails. Rates are rounded to `step`, so the search ends instead of splitting hairs.
export interface SearchOptions {
  readonly start: number;
  /** The search stops climbing here (the load source's own limit). */
  readonly max: number;
  /** Bisection steps after the first failure. */
  readonly refine: number;
  /** Rates are multiples of this; nothing below it is tried. */
  readonly step: number;
}

export interface SearchResult {
  /** The highest rate that passed, or undefined when none did. */
  readonly best: number | undefined;
  readonly tried: readonly { readonly rate: number; readonly passed: boolean }[];
}

/** make bench-pipeline's rates are multiples of this many spans/s. */
export const SEARCH_STEP = 500;

/** The highest rate a search tries: `max` rounded down to a multiple of the step. A search that passed
 * there never failed, so the configuration's true maximum may lie above it. */
export const searchCeiling = (max: number, step = SEARCH_STEP) =>
  Math.max(step, Math.floor(max / step) * step);

export async function findMaxRate(
  passes: (rate: number) => Promise<boolean>,
  options: SearchOptions,
): Promise<SearchResult> {
  const round = (rate: number) => Math.max(options.step, Math.round(rate / options.step) * options.step);
  const tried: { rate: number; passed: boolean }[] = [];
  const attempt = async (rate: number) => {
    const passed = await passes(rate);
    tried.push({ rate, passed });
    return passed;
  };
  let pass: number | undefined;
  let fail: number | undefined;
  // Climb from a pass, or descend from a failure, until a pass and a failure bracket the limit.
  // The max as a multiple of the step, so a rate rounded onto it is never below it and tried again.
  const max = searchCeiling(options.max, options.step);
  let rate = round(Math.min(options.start, max));
  for (;;) {
    if (await attempt(rate)) {
      pass = rate;
      if (fail !== undefined || rate >= max) break;
      rate = round(Math.min(rate * 2, max));
    } else {
      fail = rate;
      if (pass !== undefined || rate <= options.step) break;
      rate = round(rate / 2);
    }
  }
  for (let i = 0; i < options.refine && pass !== undefined && fail !== undefined; i++) {
    const middle = round((pass + fail) / 2);
    if (middle <= pass || middle >= fail) break;
    if (await attempt(middle)) pass = middle;
    else fail = middle;
  }
  return { best: pass, tried };
}
