// The import graph of the program's own modules, read from the source text (static and dynamic
// imports, `export … from`), for the boundary tests.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const root = join(import.meta.dirname, "..", "..");

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const specifierPattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

/** Every module of src/ and machines/ with the modules (relative paths) and packages it imports. */
export function importGraph(): Map<string, { readonly modules: string[]; readonly packages: string[] }> {
  const graph = new Map<string, { modules: string[]; packages: string[] }>();
  for (const file of [...filesUnder('src'), ...filesUnder('machines')]) {
    const text = readFileSync(join(root, file), 'utf8');
    const modules: string[] = [];
    const packages: string[] = [];
    for (const match of text.matchAll(specifierPattern)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) modules.push(normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts'));
      else packages.push(specifier);
    }
    graph.set(file, { modules, packages });
  }
  // .tsx files are imported as .js too.
  for (const node of graph.values()) node.modules = node.modules.map((m) => (graph.has(m) ? m : graph.has(m.replace(/\.ts$/, '.tsx')) ? m.replace(/\.ts$/, '.tsx') : m));
  return graph;
}

export const relativeToRoot = (path: string) => relative(root, join(root, path));

/** The strongly connected components with more than one member (import circles), by Tarjan's algorithm. */
export function circles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    on.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (on.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        on.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!indices.has(node)) visit(node);
  return found;
}
