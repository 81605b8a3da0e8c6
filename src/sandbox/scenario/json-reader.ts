// Typed reads of untyped JSON: every value is read with its field path, so the first problem found
// becomes a ScenarioError that names the file and the exact field.
import { ScenarioError } from './scenario-error.js';

/** A JSON object as parsed, before its fields are checked. */
export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Appends a field to a path: `keys[0]` + `policy` → `keys[0].policy`; odd keys are quoted. */
export function fieldPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (!path) return part;
  return part.startsWith('"') ? `${path}[${part}]` : `${path}.${part}`;
}

/** How a wrong value is shown in a message: its kind, with the value itself for a scalar. */
export const describeValue = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;

const accountIdFormat = /^\d{12}$/;
const regionFormat = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Reads untyped JSON with a field path for every value, failing with a ScenarioError on the first problem. */
export class JsonReader {
  constructor(readonly file: string) {}

  /**
   * Callers hold the reader in an explicitly typed name (`const reader: JsonReader = …`): TypeScript narrows
   * after a call that returns `never` only when the call goes through an annotated name.
   */
  fail(path: string, problem: string): never {
    throw new ScenarioError(this.file, path, problem);
  }

  /** An object with only the given fields (plus a free-text `$comment`); required ones must be present. */
  object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): JsonObject {
    if (!isJsonObject(value)) this.fail(path, `must be an object, not ${describeValue(value)}`);
    const known = new Set([...required, ...optional]);
    for (const key of Object.keys(value)) {
      if (key === '$comment' && typeof value[key] === 'string') continue;
      if (!known.has(key)) this.fail(fieldPath(path, key), `unknown field (allowed here: ${[...known].join(', ')})`);
    }
    for (const key of required) {
      if (value[key] === undefined) this.fail(fieldPath(path, key), 'is required');
    }
    return value;
  }

  string(value: unknown, path: string, check?: { pattern: RegExp; hint: string }): string {
    if (typeof value !== 'string') this.fail(path, `must be a string, not ${describeValue(value)}`);
    if (check && !check.pattern.test(value)) this.fail(path, `${JSON.stringify(value)} is not ${check.hint}`);
    return value;
  }

  nonEmptyString(value: unknown, path: string): string {
    const text = this.string(value, path);
    if (text.trim() === '') this.fail(path, 'must not be empty');
    return text;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `must be true or false, not ${describeValue(value)}`);
    return value;
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be a whole number from ${min} to ${max}, not ${describeValue(value)}`);
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
    const text = this.string(value, path);
    if (!(options as readonly string[]).includes(text)) this.fail(path, `${JSON.stringify(text)} is not one of ${options.join(', ')}`);
    return text as T;
  }

  array<T>(value: unknown, path: string, each: (item: unknown, itemPath: string, index: number) => T): T[] {
    if (!Array.isArray(value)) this.fail(path, `must be an array, not ${describeValue(value)}`);
    return value.map((item, index) => each(item, fieldPath(path, index), index));
  }

  stringArray(value: unknown, path: string, options?: readonly string[], { unique = true, nonEmpty = false } = {}): string[] {
    const list = this.array(value, path, (item, itemPath) => (options ? this.oneOf(item, itemPath, options) : this.nonEmptyString(item, itemPath)));
    if (nonEmpty && list.length === 0) this.fail(path, 'must list at least one value');
    if (unique) {
      list.forEach((item, index) => {
        if (list.indexOf(item) !== index) this.fail(fieldPath(path, index), `${JSON.stringify(item)} is listed twice`);
      });
    }
    return list;
  }

  /** An object whose keys are free (names, tags…), each checked by the caller. */
  record(value: unknown, path: string, what: string): JsonObject {
    if (!isJsonObject(value)) this.fail(path, `must be an object of ${what}, not ${describeValue(value)}`);
    return value;
  }

  stringMap(value: unknown, path: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(this.record(value, path, 'string values'))) {
      if (key.trim() === '') this.fail(path, 'keys must not be empty');
      out[key] = this.string(item, fieldPath(path, key));
    }
    return out;
  }

  accountId(value: unknown, path: string): string {
    if (typeof value === 'number') this.fail(path, `account IDs must be strings of 12 digits (quote it: "${value}")`);
    return this.string(value, path, { pattern: accountIdFormat, hint: 'a 12-digit account ID' });
  }

  region(value: unknown, path: string): string {
    return this.string(value, path, { pattern: regionFormat, hint: 'a Region such as us-east-1' });
  }
}
