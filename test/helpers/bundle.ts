// The built program (npm run build → dist/kms-doctor.mjs), which the tests that run the CLI spawn: node
// parses one bundle instead of transpiling hundreds of modules through tsx on every run. Built once per
// test run by the global setup (test/global-setup.ts), and only when a source is newer than the bundle.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export const bundlePath = join(projectRoot, 'dist', 'kms-doctor.mjs');

/** What the bundle is made from. */
const sources = ['src', 'machines', 'scenarios', 'package.json', 'package-lock.json', 'scripts/build.ts'];

/** True when some source file is newer than the bundle (or there is no bundle). */
function stale(): boolean {
  if (!existsSync(bundlePath)) return true;
  const built = statSync(bundlePath).mtimeMs;
  return sources.some((source) => {
    const path = join(projectRoot, source);
    if (!existsSync(path)) return false;
    if (!statSync(path).isDirectory()) return statSync(path).mtimeMs > built;
    return spawnSync('find', [path, '-type', 'f', '-newer', bundlePath, '-print', '-quit'], { encoding: 'utf8' }).stdout.trim() !== '';
  });
}

/** Builds the bundle unless it is newer than every source it is made from. */
export function ensureBundle(): void {
  if (stale()) execFileSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts', 'build.ts')], { cwd: projectRoot, stdio: 'ignore' });
}
