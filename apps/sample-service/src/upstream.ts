// The inventory client checkout calls: POST the reservation to UPSTREAM_URL (another instance of this
// service, or this one), or reserve locally when no upstream is configured. An unreachable or failing
// upstream is a ServiceFailure (502), never bad input.
import type { Config } from "./config.ts";
import { ServiceFailure } from "./errors.ts";

export interface Reservation {
  readonly orderId: string;
  readonly items: readonly { readonly sku: string; readonly quantity: number }[];
}

export type UpstreamConfig = Pick<Config, "upstreamUrl" | "upstreamTimeoutMs">;

export async function reserveInventory(
  config: UpstreamConfig,
  reservation: Reservation,
): Promise<{ reservationId: string }> {
  if (!config.upstreamUrl) return { reservationId: `local-${reservation.orderId.slice(4)}` };
  let response: Response;
  try {
    response = await fetch(config.upstreamUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        orderId: reservation.orderId,
        // Only what the reservation schema accepts: order items carry prices the upstream rejects.
        items: reservation.items.map(({ sku, quantity }) => ({ sku, quantity })),
      }),
      signal: AbortSignal.timeout(config.upstreamTimeoutMs),
    });
  } catch (error) {
    throw new ServiceFailure(
      "UpstreamError",
      "upstream_unreachable",
      502,
      `upstream ${config.upstreamUrl} unreachable: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const body = (await response.json().catch(() => ({}))) as { reservationId?: unknown; message?: unknown };
  if (!response.ok || typeof body.reservationId !== "string")
    throw new ServiceFailure(
      "UpstreamError",
      "upstream_failed",
      502,
      `upstream ${config.upstreamUrl} answered ${response.status}${typeof body.message === "string" ? `: ${body.message}` : ""}`,
    );
  return { reservationId: body.reservationId };
}
