// Rules between options, checked after each option is valid on its own. (The OTLP options' rules, such
// as "certificates need TLS", live with the OTLP settings in export/otlp-settings.ts.)
import { longFlag } from "./option.ts";
import { OPTIONS } from "./options.ts";
import type { OptionValues } from "./options.ts";

export function crossFieldProblems(values: Pick<OptionValues, "batchSize" | "maxQueueSize">): string[] {
  const { batchSize, maxQueueSize } = values;
  // A batch comes out of the queue: one larger than the queue never fills, so every export would wait
  // for the timer while new spans are dropped.
  if (batchSize > maxQueueSize)
    return [
      `${longFlag(OPTIONS.batchSize)} (${batchSize}) must not exceed ${longFlag(OPTIONS.maxQueueSize)} (${maxQueueSize})`,
    ];
  return [];
}
