// The project's import graph, and the circles in it. Two modules that import each other (even for a type)
// are one concept split in two, or two concepts that need a third module; either way a reader cannot
// understand one without the other. TypeScript's own pre-processor lists each file's imports, so the
// graph sees exactly what the compiler sees.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const SKIP = new Set(["node_modules", "dist", "coverage", ".git", ".state", ".cache", ".logs"]);
const SOURCE_ROOTS = ["apps", "packages", "scripts"];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The workspace packages' folders by name (@otel-e2r/…), which import specifiers may start with. */
function workspacePackages(root: string): Map<string, string> {
  const packages = new Map<string, string>();
  for (const parent of ["apps", "packages"])
    for (const name of existsSync(join(root, parent)) ? readdirSync(join(root, parent)) : []) {
      const manifest = join(root, parent, name, "package.json");
      if (existsSync(manifest))
        packages.set(
          (JSON.parse(readFileSync(manifest, "utf8")) as { name: string }).name,
          join(root, parent, name),
        );
    }
  return packages;
}

/** The file an import specifier names, if it is one of the project's own; else undefined. */
function resolveSpecifier(
  from: string,
  specifier: string,
  packages: Map<string, string>,
): string | undefined {
  if (specifier.startsWith(".")) return resolve(dirname(from), specifier);
  const match = /^(@otel-e2r\/[^/]+)\/(.+)$/.exec(specifier);
  const folder = match ? packages.get(match[1]!) : undefined;
  // Every workspace package exports "./*" from "./src/*".
  return folder === undefined ? undefined : join(folder, "src", match![2]!);
}

/** Each project file (relative to root) → the project files it imports. */
export function importGraph(root: string): Map<string, string[]> {
  const packages = workspacePackages(root);
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_ROOTS.flatMap((folder) => sourceFiles(join(root, folder)))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = importedFiles
      .map((imported) => resolveSpecifier(file, imported.fileName, packages))
      .filter((target): target is string => target !== undefined && existsSync(target))
      .map((target) => relative(root, target));
    graph.set(relative(root, file), [...new Set(targets)]);
  }
  return graph;
}

/** The graph's circles: its strongly connected components of more than one file (Tarjan's algorithm). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}
