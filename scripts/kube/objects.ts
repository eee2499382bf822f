// The one model of Kubernetes objects the scripts read and write: what kustomize renders, what bootstrap
// applies (Secrets, namespaces) and what the contract checks inspect. Only the handful of fields the code
// uses are described, loosely; kubectl-validate is what proves the full schema.
import { parseAllDocuments } from "yaml";

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: Record<string, unknown>;
  readonly data?: Readonly<Record<string, string>>;
  /** A Secret's type. */
  readonly type?: string;
  readonly rules?: readonly PolicyRule[];
  readonly roleRef?: { readonly kind: string; readonly name: string };
  readonly subjects?: readonly {
    readonly kind: string;
    readonly name: string;
    readonly namespace?: string;
  }[];
}

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly fieldRef?: { readonly fieldPath: string };
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
  };
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly {
    readonly secretRef?: { readonly name: string };
    readonly configMapRef?: { readonly name: string };
  }[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
}

export interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: number | string };
}

export interface Volume {
  readonly name: string;
  readonly secret?: { readonly secretName: string; readonly items?: readonly { readonly key: string }[] };
  readonly configMap?: { readonly name: string; readonly items?: readonly { readonly key: string }[] };
}

export interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
  readonly serviceAccountName?: string;
}

/** A pod template and the workload that owns it. */
export interface Workload {
  readonly object: K8sObject;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly pod: PodSpec;
}

const WORKLOAD_KINDS = new Set(["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job"]);

/** "Kind namespace/name", how every problem names an object. */
export function describe(object: K8sObject): string {
  const ns = object.metadata.namespace;
  return `${object.kind} ${ns === undefined ? "" : `${ns}/`}${object.metadata.name}`;
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null && typeof object === "object");
}

/** The pod template of a CronJob (for completeness: the manifests have none). */
function cronJobPod(object: K8sObject): PodSpec | undefined {
  const job = (object.spec?.jobTemplate as { spec?: { template?: { spec?: PodSpec } } } | undefined)?.spec;
  return job?.template?.spec;
}

export function workloads(objects: readonly K8sObject[]): Workload[] {
  const result: Workload[] = [];
  for (const object of objects) {
    const namespace = object.metadata.namespace ?? "default";
    if (object.kind === "Pod" && object.spec)
      result.push({
        object,
        namespace,
        labels: object.metadata.labels ?? {},
        pod: object.spec as unknown as PodSpec,
      });
    else if (object.kind === "CronJob") {
      const pod = cronJobPod(object);
      if (pod) result.push({ object, namespace, labels: {}, pod });
    } else if (WORKLOAD_KINDS.has(object.kind)) {
      const template = object.spec?.template as
        { metadata?: { labels?: Record<string, string> }; spec: PodSpec } | undefined;
      if (template)
        result.push({ object, namespace, labels: template.metadata?.labels ?? {}, pod: template.spec });
    }
  }
  return result;
}

export function containersOf(pod: PodSpec): readonly Container[] {
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
}

/** Every container of every workload in `objects`, init containers first. */
export function allContainers(objects: readonly K8sObject[]): readonly Container[] {
  return workloads(objects).flatMap(({ pod }) => containersOf(pod));
}

export function ofKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}
