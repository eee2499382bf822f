// kind cluster configs, checked offline: field names against kind's own v1alpha4 Go types (read from the
// sigs.k8s.io/kind module at KIND_VERSION, so a typo is caught as kind itself would reject it), and the
// values the two clusters must agree on.
import { BlockList, isIPv4 } from "node:net";

/** Struct name → (yaml key → Go type), parsed from kind's pkg/apis/config/v1alpha4/types.go. */
export type GoStructs = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function parseGoStructs(source: string): GoStructs {
  const structs = new Map<string, Map<string, string>>();
  for (const match of source.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
    const fields = new Map<string, string>();
    for (const line of (match[2] as string).split("\n")) {
      const field = /^\s+\w+\s+(\S+)\s+`yaml:"([^",]*)/.exec(line);
      if (field && field[2] !== "") fields.set(field[2] as string, field[1] as string);
      // An inline embedded struct (TypeMeta) contributes its fields.
      const inline = /^\s+(\w+)\s+`yaml:",inline"/.exec(line);
      if (inline) fields.set(`...${inline[1]}`, inline[1] as string);
    }
    structs.set(match[1] as string, fields);
  }
  for (const fields of structs.values())
    for (const [key, type] of [...fields])
      if (key.startsWith("...")) {
        fields.delete(key);
        for (const [k, t] of structs.get(type) ?? []) fields.set(k, t);
      }
  return structs;
}

/** Every key that kind's types do not define, as a path (e.g. "nodes[0].extraPortMapping"). */
export function unknownFields(value: unknown, type: string, structs: GoStructs, path = ""): string[] {
  const element = type.replace(/^\*/, "");
  if (element.startsWith("[]"))
    return Array.isArray(value)
      ? value.flatMap((item, i) => unknownFields(item, element.slice(2), structs, `${path}[${i}]`))
      : [];
  const fields = structs.get(element);
  if (fields === undefined || value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childType = fields.get(key);
    const childPath = path === "" ? key : `${path}.${key}`;
    if (childType === undefined)
      return [`${childPath} (kind ${element} has: ${[...fields.keys()].join(", ")})`];
    return unknownFields(child, childType, structs, childPath);
  });
}

export interface KindCluster {
  readonly name?: string;
  readonly networking?: { readonly podSubnet?: string; readonly serviceSubnet?: string };
  readonly nodes?: readonly {
    readonly image?: string;
    readonly extraPortMappings?: readonly {
      readonly containerPort: number;
      readonly hostPort?: number;
      readonly listenAddress?: string;
    }[];
  }[];
}

function parseCidr(cidr: string): { address: string; prefix: number } | undefined {
  const [address, prefix] = cidr.split("/");
  if (
    address === undefined ||
    !isIPv4(address) ||
    prefix === undefined ||
    !/^\d+$/.test(prefix) ||
    Number(prefix) > 32
  )
    return undefined;
  return { address, prefix: Number(prefix) };
}

/** Pod and Service ranges of all clusters: valid IPv4 CIDRs, no two overlapping. */
export function checkSubnets(clusters: Readonly<Record<string, KindCluster>>): string[] {
  const problems: string[] = [];
  const ranges: { label: string; cidr: string; net: { address: string; prefix: number } }[] = [];
  for (const [file, cluster] of Object.entries(clusters))
    for (const key of ["podSubnet", "serviceSubnet"] as const) {
      const cidr = cluster.networking?.[key];
      const label = `${file} networking.${key}`;
      if (cidr === undefined) {
        problems.push(`${label} is not set: kind's default would be the same in both clusters`);
        continue;
      }
      const net = parseCidr(cidr);
      if (net === undefined) problems.push(`${label} "${cidr}" is not an IPv4 CIDR`);
      else ranges.push({ label, cidr, net });
    }
  for (const [i, a] of ranges.entries())
    for (const b of ranges.slice(i + 1)) {
      // Two CIDRs overlap exactly when one contains the other's network address.
      const inA = new BlockList();
      inA.addSubnet(a.net.address, a.net.prefix);
      const inB = new BlockList();
      inB.addSubnet(b.net.address, b.net.prefix);
      if (inA.check(b.net.address) || inB.check(a.net.address))
        problems.push(`${a.label} ${a.cidr} overlaps ${b.label} ${b.cidr}`);
    }
  return problems;
}
