// A rotation's rollout on loopback (scripts/rotation/rotate.ts): the collectors read the session folder's
// files themselves, so publishing is only Traefik's reload of its certificate; a restart stops and starts
// the process (the edge keeps its persistent queue, and the remote drains its queue on SIGTERM).
import type { Rollout } from "../rotation/types.ts";
import type { LocalPipeline } from "./pipeline.ts";

export function localRollout(pipeline: LocalPipeline): Rollout {
  return {
    publish(side) {
      if (side === "remote") pipeline.refreshGateway();
      return Promise.resolve();
    },
    async restart(side) {
      await pipeline.stop(side);
      await pipeline.start(side);
    },
    // The edge collector reads the very files the rotation wrote: nothing to wait for.
    edgeSees: () => Promise.resolve(),
  };
}
