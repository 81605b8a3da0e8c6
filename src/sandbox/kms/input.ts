// Reads a KMS request body the way KMS's front end does: a member of the wrong JSON type is a
// SerializationException at once, while constraint violations (null, length, range, pattern, enum)
// are collected and reported together as one ValidationException in AWS's wording, e.g.
// "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null".
import { AwsError, validationError } from '../errors.js';

export interface StringRules {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  /** The pattern as AWS prints it, when it differs from the RegExp's source (anchors). */
  readonly patternText?: string;
  readonly enum?: readonly string[];
  /** Sensitive members are never echoed back in messages. */
  readonly sensitive?: boolean;
}

export interface NumberRules {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
}

export interface BlobRules {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly sensitive?: boolean;
}

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

/** How AWS's JSON parser names a value it cannot convert (Coral's own wording). */
function unexpected(value: unknown, expected: string): AwsError {
  if (Array.isArray(value)) return new AwsError('SerializationException', 'Start of list found where not expected');
  if (typeof value === 'object' && value !== null) {
    return new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  const kind = typeof value === 'number' ? 'NUMBER_VALUE' : typeof value === 'boolean' ? 'BOOLEAN_VALUE' : 'STRING_VALUE';
  return new AwsError('SerializationException', `${kind} can not be converted to ${expected}`);
}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class InputReader {
  readonly #input: Readonly<Record<string, unknown>>;
  readonly #errors: string[] = [];

  constructor(input: Readonly<Record<string, unknown>>) {
    this.#input = input;
  }

  /** JSON null means "not sent", as in every AWS JSON protocol. */
  #raw(name: string): unknown {
    const value = Object.hasOwn(this.#input, name) ? this.#input[name] : undefined;
    return value === null ? undefined : value;
  }

  #fail(value: string | undefined, path: string, constraint: string): void {
    const shown = value === undefined ? 'Value' : `Value ${value}`;
    this.#errors.push(`${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  /** Validates one string against its rules; `path` is the member path AWS prints. */
  checkString(value: string, path: string, rules: StringRules): void {
    const shown = rules.sensitive ? undefined : `'${value}'`;
    if (rules.min !== undefined && value.length < rules.min) {
      this.#fail(shown, path, `Member must have length greater than or equal to ${rules.min}`);
    }
    if (rules.max !== undefined && value.length > rules.max) {
      this.#fail(shown, path, `Member must have length less than or equal to ${rules.max}`);
    }
    if (rules.pattern && !rules.pattern.test(value)) {
      this.#fail(shown, path, `Member must satisfy regular expression pattern: ${rules.patternText ?? rules.pattern.source}`);
    }
    if (rules.enum && !rules.enum.includes(value)) {
      this.#fail(shown, path, `Member must satisfy enum value set: [${rules.enum.join(', ')}]`);
    }
  }

  string(name: string, rules: StringRules = {}): string | undefined {
    const value = this.#raw(name);
    const path = lowerFirst(name);
    if (value === undefined) {
      if (rules.required) this.#fail(rules.sensitive ? undefined : 'null', path, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'string') throw unexpected(value, 'a String');
    this.checkString(value, path, rules);
    return value;
  }

  integer(name: string, rules: NumberRules = {}): number | undefined {
    const value = this.#raw(name);
    const path = lowerFirst(name);
    if (value === undefined) {
      if (rules.required) this.#fail('null', path, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) throw unexpected(value, 'an Integer');
    if (rules.min !== undefined && value < rules.min) this.#fail(`'${value}'`, path, `Member must have value greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && value > rules.max) this.#fail(`'${value}'`, path, `Member must have value less than or equal to ${rules.max}`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw unexpected(value, 'a Boolean');
    return value;
  }

  /** A list of strings; `member` rules apply to each entry (an enum is reported for the whole list, as AWS does). */
  stringList(name: string, rules: { required?: boolean; min?: number; max?: number; member?: StringRules } = {}): string[] | undefined {
    const value = this.#raw(name);
    const path = lowerFirst(name);
    if (value === undefined) {
      if (rules.required) this.#fail('null', path, 'Member must not be null');
      return undefined;
    }
    if (!Array.isArray(value)) throw unexpected(value, 'a List');
    const list = value.map((entry) => {
      if (typeof entry !== 'string') throw unexpected(entry, 'a String');
      return entry;
    });
    const shown = `'[${list.join(', ')}]'`;
    if (rules.min !== undefined && list.length < rules.min) this.#fail(shown, path, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && list.length > rules.max) this.#fail(shown, path, `Member must have length less than or equal to ${rules.max}`);
    const member = rules.member;
    if (member?.enum && list.some((entry) => !member.enum!.includes(entry))) {
      this.#fail(shown, path, `Member must satisfy constraint: [Member must satisfy enum value set: [${member.enum.join(', ')}]]`);
    }
    if (member) {
      const perEntry: StringRules = { ...member, enum: undefined };
      list.forEach((entry, index) => this.checkString(entry, `${path}.${index + 1}.member`, perEntry));
    }
    return list;
  }

  /** A map of string to string (EncryptionContext and grant constraints). */
  stringMap(name: string): Record<string, string> | undefined {
    return this.mapOf(this.#raw(name));
  }

  mapOf(value: unknown): Record<string, string> | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw unexpected(value, 'a Map');
    const map: Record<string, string> = {};
    for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
      if (typeof entry !== 'string') throw unexpected(entry, 'a String');
      map[key] = entry;
    }
    return map;
  }

  /** A structure member, checked only for being an object; its fields are read by the caller. */
  structure(name: string, rules: { required?: boolean } = {}): Readonly<Record<string, unknown>> | undefined {
    const value = this.#raw(name);
    if (value === undefined) {
      if (rules.required) this.#fail('null', lowerFirst(name), 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) throw unexpected(value, 'a Structure');
    return value as Record<string, unknown>;
  }

  /** A list of structures (Tags). */
  structureList(name: string, rules: { required?: boolean } = {}): Readonly<Record<string, unknown>>[] | undefined {
    const value = this.#raw(name);
    if (value === undefined) {
      if (rules.required) this.#fail('null', lowerFirst(name), 'Member must not be null');
      return undefined;
    }
    if (!Array.isArray(value)) throw unexpected(value, 'a List');
    return value.map((entry) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw unexpected(entry, 'a Structure');
      return entry as Record<string, unknown>;
    });
  }

  /** A blob member: base64 on the wire. AWS never echoes blob values in validation messages. */
  blob(name: string, rules: BlobRules = {}): Buffer | undefined {
    const value = this.#raw(name);
    const path = lowerFirst(name);
    if (value === undefined) {
      if (rules.required) this.#fail(rules.sensitive ? undefined : 'null', path, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'string') throw unexpected(value, 'a ByteBuffer');
    if (!base64Pattern.test(value)) throw new AwsError('SerializationException', `Invalid base64 value for '${path}'`);
    const bytes = Buffer.from(value, 'base64');
    if (rules.min !== undefined && bytes.length < rules.min) this.#fail(undefined, path, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && bytes.length > rules.max) this.#fail(undefined, path, `Member must have length less than or equal to ${rules.max}`);
    return bytes;
  }

  /** A string field of a nested structure; `path` is where AWS reports it (e.g. tags.1.member.tagKey). */
  nestedString(record: Readonly<Record<string, unknown>>, name: string, path: string, rules: StringRules = {}): string | undefined {
    const value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (value === undefined || value === null) {
      if (rules.required) this.#fail('null', path, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'string') throw unexpected(value, 'a String');
    this.checkString(value, path, rules);
    return value;
  }

  /** Records a constraint violation found by the operation itself (e.g. inside a structure). */
  addError(value: string | undefined, path: string, constraint: string): void {
    this.#fail(value, path, constraint);
  }

  /** Throws the collected ValidationException, if any. */
  check(): void {
    const count = this.#errors.length;
    if (count === 0) return;
    const head = count === 1 ? '1 validation error detected: ' : `${count} validation errors detected: `;
    throw validationError(head + this.#errors.join('; '));
  }
}

/** Key identifiers: 1–2048 ASCII characters. */
export const keyIdRules: StringRules = { min: 1, max: 2048, pattern: /^\p{ASCII}+$/u };
export const grantTokensRules = { max: 10, member: { min: 1, max: 8192 } } as const;
export const principalRules: StringRules = { min: 1, max: 256, pattern: /^[\w+=,.@:/-]+$/ };
export const markerRules: StringRules = { min: 1, max: 1024, pattern: /^[\u0020-\u00FF]*$/ };
