// Longest test files first, so the two workers finish together instead of one running the slowest file
// alone at the end. vitest's own order uses the last run's durations (node_modules/.vite/vitest), and a
// file it has never run (a fresh checkout in CI, a file just added) goes by file size, which says little:
// the slow files are the ones that start processes. For those, the duration is estimated from the
// process-starting helper calls in the file's source.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Rough cost, in ms, of each call that starts a process (a CLI run, a printed command, a terminal). */
const processStarts: readonly [RegExp, number][] = [
  [/\b(?:runKmsDoctor|spawnKmsDoctor|startSandboxProcess|runAsPrinted|execFile|spawnSync|execFileSync)\(/g, 400],
  [/\btmux\(/g, 100],
  [/\b(?:aws|cliIdentity|runTrainingCall)\(/g, 150],
];

/** A loop over every built-in scenario runs its body once per scenario. */
const perScenario = /Object\.keys\(scenarioOperations\)/;
const scenarioCount = 19;

function estimatedMs(path: string): number {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    return 0;
  }
  const starts = processStarts.reduce((ms, [call, cost]) => ms + (source.match(call)?.length ?? 0) * cost, 0);
  return (perScenario.test(source) ? scenarioCount : 1) * starts + source.length / 100;
}

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const root = this.ctx.config.root;
    const duration = (file: TestSpecification) => {
      const known = cache.getFileTestResults(`${file.project.name}:${relative(root, file.moduleId)}`);
      return known?.duration ?? estimatedMs(file.moduleId);
    };
    const durations = new Map(files.map((file) => [file, duration(file)]));
    return [...files].sort((a, b) => durations.get(b)! - durations.get(a)!);
  }
}
