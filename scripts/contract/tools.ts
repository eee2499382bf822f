// The contract tests' tools run offline: they must never consult a user's cluster.

/** Environment for tools that would otherwise consult the user's cluster: none, the checks are offline. */
export const OFFLINE_ENV = Object.freeze({
  KUBECONFIG: "/nonexistent/kubeconfig-contract-tests-are-offline",
});
