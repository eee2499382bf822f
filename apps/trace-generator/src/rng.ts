// Seeded randomness. Every trace gets its own generator derived from (run seed, trace index), so trace N
// is identical across runs with the same seed no matter how workers interleave, and IDs are 128-bit
// streams rather than 32-bit ones (a 32-bit state would repeat trace IDs within a million traces).
import type { IdGenerator } from "@opentelemetry/sdk-trace";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** 32 random bits as an unsigned integer. */
  uint32(): number;
}

const TWO_32 = 4294967296;

/** sfc32: small, fast, 128-bit state; seeded from the run seed and the trace index. */
export function rngFor(seed: number, index: number): Rng {
  let a = seed >>> 0;
  let b = Math.floor(seed / TWO_32) >>> 0;
  let c = index >>> 0;
  let d = (Math.floor(index / TWO_32) ^ 0x9e3779b9) >>> 0;
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Nearby seeds start from nearby states: mix before use.
  for (let i = 0; i < 15; i++) uint32();
  return { uint32, next: () => uint32() / TWO_32 };
}

export const randomSeed = (): number => Math.floor(Math.random() * Number.MAX_SAFE_INTEGER);

export function uniformInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng.next() * (max - min + 1));
}

export function chance(rng: Rng, probability: number): boolean {
  return probability >= 1 || (probability > 0 && rng.next() < probability);
}

/** Standard normal via Box–Muller (one value per call; simplicity over speed). */
export function normal(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]: log(0) would be -Infinity
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Two hex digits per byte value: ID formatting was the generator's single hottest function. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const hex8 = (n: number): string =>
  (HEX[n >>> 24] as string) +
  (HEX[(n >>> 16) & 255] as string) +
  (HEX[(n >>> 8) & 255] as string) +
  (HEX[n & 255] as string);

/**
 * Trace and span IDs drawn from whichever trace generator is current. The emitters set `current`
 * synchronously right before each startSpan call, so IDs follow the seed; with none set, IDs are random.
 */
export class SeededIdGenerator implements IdGenerator {
  current: Rng | undefined;
  readonly #fallback = rngFor(randomSeed(), randomSeed());

  #draw(): number {
    return (this.current ?? this.#fallback).uint32();
  }

  generateTraceId(): string {
    for (;;) {
      const a = this.#draw();
      const b = this.#draw();
      const c = this.#draw();
      const d = this.#draw();
      // All-zero is the one invalid trace ID.
      if ((a | b | c | d) !== 0) return hex8(a) + hex8(b) + hex8(c) + hex8(d);
    }
  }

  generateSpanId(): string {
    for (;;) {
      const a = this.#draw();
      const b = this.#draw();
      if ((a | b) !== 0) return hex8(a) + hex8(b);
    }
  }
}
