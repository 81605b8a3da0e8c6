// kms-doctor's own version, from the package.json it was installed with. Read at run time by walking up
// from this module, because it runs from src/ (tsx), from dist/ or from dist/chunks/ (the bundle).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'kms-doctor' && typeof manifest.version === 'string') return (cached = manifest.version);
    } catch {
      // no package.json here: look one directory up
    }
    dir = dirname(dir);
  }
  return (cached = 'unknown');
}
