// The scenarios shipped in the package's scenarios/ folder, which `--scenario NAME` loads by name.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ScenarioSummary {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  /** The training exercise's difficulty, when it declares one. */
  readonly difficulty?: string;
}

/** Built-in scenarios in teaching order: the empty world first, then the playbook's root causes. */
const builtInOrder = [
  'blank',
  'no-iam-delegation',
  'missing-kms-actions',
  'cross-account-one-side',
  'key-disabled',
  'key-pending-deletion',
  'ebs-grant-denied',
  'boundary-leaves-out-kms',
  'cross-account-caller-side',
  'finance-export-context',
  // Issue 8's cause families: the request, the organization, conditions.
  'wrong-region',
  'key-usage-mismatch',
  'key-updating',
  'alias-cross-account',
  'encryption-context-condition',
  'source-ip-perimeter',
  'scp-allow-list',
  'rcp-tag-perimeter',
  'grant-context-mismatch',
  'contractor-guardrail',
  'aws-managed-key-direct',
  // Issue 8's look-alikes of a denial and the principals and grants AWS sees differently.
  'invoice-context-mismatch',
  'rotated-alias-decrypt',
  'new-grant-deploy',
  'recreated-role',
  // Layers and rules kms-doctor cannot read, inferred from the error or the key's manager.
  'session-policy-scoped-down',
  'vpc-endpoint-policy',
  'aws-managed-key-cross-account',
  'operation-not-cross-account',
];

/** Looks for the built-in scenarios folder walking up from this module (src/sandbox/scenario or dist/src/sandbox/scenario). */
export function builtInScenariosDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, 'scenarios');
    if (existsSync(join(candidate, 'blank.json'))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`the built-in scenarios folder was not found above ${fileURLToPath(import.meta.url)}`);
    directory = parent;
  }
}

/** The names of the scenarios in `directory`, in teaching order; unranked ones follow alphabetically. */
export function builtInNames(directory: string): string[] {
  const names = readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length));
  const rank = (name: string) => (builtInOrder.includes(name) ? builtInOrder.indexOf(name) : builtInOrder.length);
  // File names are ASCII: code-unit order is alphabetical, without localeCompare's collator (its first
  // use costs ~5-20 ms, and the wizard's first frame waits for this list).
  return names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The built-in scenarios, in teaching order, with the title and summary each file declares. */
let summaries: readonly ScenarioSummary[] | undefined;

/**
 * The built-in scenarios' summaries, read once per process: the plain first frame and Ink's frame both
 * list them (the files ship with the program and do not change while it runs).
 */
export function builtInScenarios(): readonly ScenarioSummary[] {
  return (summaries ??= readSummaries());
}

function readSummaries(): ScenarioSummary[] {
  const directory = builtInScenariosDirectory();
  return builtInNames(directory).map((name) => {
    let title = name;
    let summary = '';
    let difficulty: string | undefined;
    try {
      const raw = JSON.parse(readFileSync(join(directory, `${name}.json`), 'utf8')) as Record<string, unknown>;
      if (typeof raw.title === 'string') title = raw.title;
      if (typeof raw.summary === 'string') summary = raw.summary;
      const training = raw.training as { difficulty?: unknown } | undefined;
      if (typeof training?.difficulty === 'string') difficulty = training.difficulty;
    } catch {
      // A broken built-in still shows up by name; loading it reports the problem.
    }
    return { name, title, summary, ...(difficulty !== undefined ? { difficulty } : {}) };
  });
}
