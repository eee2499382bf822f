// Every image is pinned (a tag other than "latest", or a digest), and the collector and Jaeger images
// carry exactly the versions in manifests/versions/versions.env.
import type { K8sObject } from "../../kube/objects.ts";
import { containersOf, describe, workloads } from "../../kube/objects.ts";

export interface ImageRef {
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/** Splits "registry:port/repo:tag@sha256:…"; a colon before the last slash belongs to the registry. */
export function parseImage(image: string): ImageRef {
  const [nameAndTag, digest] = image.split("@", 2) as [string, string | undefined];
  const slash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > slash;
  return {
    repository: hasTag ? nameAndTag.slice(0, colon) : nameAndTag,
    tag: hasTag ? nameAndTag.slice(colon + 1) : undefined,
    digest,
  };
}

function images(objects: readonly K8sObject[]) {
  return workloads(objects).flatMap(({ object, pod }) =>
    containersOf(pod).map((container) => ({
      who: `${describe(object)} container ${container.name}`,
      image: container.image ?? "",
    })),
  );
}

export function checkImagesPinned(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { who, image } of images(objects)) {
    const ref = parseImage(image);
    if (image === "") problems.push(`${who} has no image`);
    else if (ref.digest === undefined && (ref.tag === undefined || ref.tag === "latest"))
      problems.push(
        `${who} uses image "${image}", which is not pinned: ${ref.tag === undefined ? "no tag means :latest" : ":latest"}; pin a version tag or a digest`,
      );
    else if (ref.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(ref.digest))
      problems.push(`${who} uses image "${image}", whose digest is not sha256:<64 hex digits>`);
  }
  return problems;
}

/** Images of these repositories must carry exactly this tag (e.g. OTELCOL_IMAGE → OTELCOL_VERSION). */
export function checkImageVersions(
  objects: readonly K8sObject[],
  expected: Readonly<Record<string, string>>,
): string[] {
  const problems: string[] = [];
  for (const { who, image } of images(objects)) {
    const ref = parseImage(image);
    const want = expected[ref.repository];
    if (want === undefined) continue;
    if (ref.tag !== want)
      problems.push(`${who} uses ${image}, but versions.env pins ${ref.repository}:${want}`);
  }
  return problems;
}
