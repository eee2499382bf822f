// A container's environment as the kubelet builds it: downward-API fields filled in, then $(NAME)
// references expanded, but only to variables defined EARLIER in the list (a later or unknown one stays
// literally "$(NAME)", which would reach the app as garbage). "$$" escapes a dollar sign.
import { containersOf, workloads, type Container, type K8sObject } from "../../kube/objects.ts";

export function containerEnvironment(
  container: Container,
  fields: Readonly<Record<string, string>>,
): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const variable of container.env ?? []) {
    const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
    if (fieldPath !== undefined) {
      const value = fields[fieldPath];
      if (value === undefined)
        problems.push(
          `${container.name}: ${variable.name} reads field ${fieldPath}, which has no stand-in value`,
        );
      env[variable.name] = value ?? "";
      continue;
    }
    if (variable.value === undefined) continue;
    env[variable.name] = variable.value.replace(
      /\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
      (whole, name?: string) => {
        if (name === undefined) return "$";
        const earlier = env[name];
        if (earlier === undefined) {
          problems.push(
            `${container.name}: ${variable.name} refers to $(${name}), which is not defined before it`,
          );
          return whole;
        }
        return earlier;
      },
    );
  }
  return { env, problems };
}

/** The environment of `workload`'s container `container` in a rendering, as the kubelet builds it. */
export function workloadEnvironment(
  objects: readonly K8sObject[],
  workload: string,
  container: string,
  fields: Readonly<Record<string, string>>,
): { env: Record<string, string>; problems: string[] } {
  const found = workloads(objects).find((w) => w.object.metadata.name === workload);
  const spec = found && containersOf(found.pod).find((c) => c.name === container);
  if (spec === undefined) throw new Error(`no container ${container} in workload ${workload}`);
  return containerEnvironment(spec, fields);
}
