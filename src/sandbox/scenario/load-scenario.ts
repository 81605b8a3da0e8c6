// Finding and parsing a scenario file, before its content is checked and built into state.
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { SandboxState } from '../state.js';
import { buildSandboxState } from './build-state.js';
import { builtInNames, builtInScenariosDirectory } from './built-in-scenarios.js';
import { JsonReader } from './json-reader.js';
import { describeJsonError } from './json-syntax-error.js';
import { ScenarioError } from './scenario-error.js';

/**
 * Loads a scenario: a built-in name (see builtInScenarios) or the path of a .json file.
 * Every field and reference is checked; throws ScenarioError naming the file and field on the first problem.
 */
export async function loadScenario(nameOrPath: string): Promise<SandboxState> {
  const { filePath, displayName } = locateScenario(nameOrPath);
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScenarioError(displayName, '', code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(error)})`);
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(displayName, '', `is not valid JSON: ${describeJsonError(text, (error as Error).message)}`);
  }
  const defaultName = basename(filePath).replace(/\.json$/i, '');
  return buildSandboxState(new JsonReader(displayName), raw, defaultName);
}

/** Where the scenario file is, and how messages name it: as the user wrote it, or scenarios/NAME.json for a built-in. */
function locateScenario(nameOrPath: string): { filePath: string; displayName: string } {
  const looksLikePath = nameOrPath.endsWith('.json') || nameOrPath.includes('/') || nameOrPath.includes('\\');
  if (looksLikePath) return { filePath: resolve(nameOrPath), displayName: nameOrPath };
  const directory = builtInScenariosDirectory();
  const names = builtInNames(directory);
  if (!names.includes(nameOrPath)) {
    throw new ScenarioError(
      nameOrPath,
      '',
      `no built-in scenario has this name (built-in: ${names.join(', ')}); to load a file, give its path ending in .json`,
    );
  }
  return { filePath: join(directory, `${nameOrPath}.json`), displayName: `scenarios/${nameOrPath}.json` };
}
