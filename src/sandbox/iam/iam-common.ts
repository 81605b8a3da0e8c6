// The vocabulary every IAM operation shares: the operation signature, IAM's error codes and wording,
// name and path checks that fail with the SDK-style validation messages, entity lookups that ignore
// case (IAM names are unique regardless of case) and the ARNs IAM derives from names.
import { AwsError } from '../errors.js';
import { integerParam, requiredParam, structureListParam, type QueryParams } from '../query-protocol.js';
import type { IncomingCall } from '../service-call.js';
import type { AccountState, GroupState, RoleState, SandboxState, UserState } from '../state.js';

export type QueryResult = Record<string, unknown> | undefined;
/** One Query-protocol operation: parameters in, the `<Action>Result` content out (undefined: none). */
export type QueryOperation = (call: IncomingCall, params: QueryParams) => Promise<QueryResult>;
export type OperationTable = Readonly<Record<string, QueryOperation>>;

export const iamNamespace = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const stsNamespace = 'https://sts.amazonaws.com/doc/2011-06-15/';

// HTTP statuses as botocore's IAM model declares them for each error shape.
export const noSuchEntity = (message: string): AwsError => new AwsError('NoSuchEntity', message, 404);
export const entityAlreadyExists = (message: string): AwsError => new AwsError('EntityAlreadyExists', message, 409);
export const limitExceeded = (message: string): AwsError => new AwsError('LimitExceeded', message, 409);
export const deleteConflict = (message: string): AwsError => new AwsError('DeleteConflict', message, 409);
export const malformedPolicy = (message: string): AwsError => new AwsError('MalformedPolicyDocument', message, 400);
export const invalidInputError = (message: string): AwsError => new AwsError('InvalidInput', message, 400);

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

/** The message AWS's request validation uses for one failed constraint. */
export function validationFailure(param: string, value: string, constraint: string): AwsError {
  return new AwsError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${lowerFirst(param)}' failed to satisfy constraint: ${constraint}`,
  );
}

export interface StringRule {
  readonly pattern: RegExp;
  /** The pattern as AWS prints it in validation errors. */
  readonly patternText: string;
  readonly min: number;
  readonly max: number;
}

export const nameRule = (max: number): StringRule => ({ pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+', min: 1, max });

export function checkString(param: string, value: string, rule: StringRule): string {
  if (value.length < rule.min) throw validationFailure(param, value, `Member must have length greater than or equal to ${rule.min}`);
  if (value.length > rule.max) throw validationFailure(param, value, `Member must have length less than or equal to ${rule.max}`);
  if (!rule.pattern.test(value)) {
    throw validationFailure(param, value, `Member must satisfy regular expression pattern: ${rule.patternText}`);
  }
  return value;
}

export const requiredName = (params: QueryParams, param: string, max = 64): string => checkString(param, requiredParam(params, param), nameRule(max));

const pathRule: StringRule = { pattern: /^(\/|\/[\u0021-\u007f]+\/)$/, patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)', min: 1, max: 512 };

export function pathParam(params: QueryParams): string {
  const path = params.get('Path');
  return path === undefined ? '/' : checkString('Path', path, pathRule);
}

export function tagsParam(params: QueryParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of structureListParam(params, 'Tags')) {
    const key = tag.get('Key');
    if (key === undefined || key === '') throw validationFailure('Tags', '', 'Member must not be null');
    setEntry(tags, key, tag.get('Value') ?? '');
  }
  return tags;
}

export const tagsXml = (tags: Readonly<Record<string, string>>): Record<string, unknown> =>
  Object.keys(tags).length === 0 ? {} : { Tags: { member: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } };

/**
 * Stores a value under a key chosen by a client. A plain assignment would treat a name such as
 * "__proto__" (valid in IAM) as the object's prototype instead of an entry.
 */
export function setEntry<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

export function getEntry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function byName<T extends { name: string }>(items: Readonly<Record<string, T>>, name: string): T | undefined {
  const lower = name.toLowerCase();
  return getEntry(items, name) ?? Object.values(items).find((item) => item.name.toLowerCase() === lower);
}

function requireByName<T extends { name: string }>(items: Readonly<Record<string, T>>, name: string, noun: 'user' | 'role' | 'group'): T {
  const found = byName(items, name);
  if (!found) throw noSuchEntity(`The ${noun} with name ${name} cannot be found.`);
  return found;
}

export const findUser = (account: AccountState, name: string): UserState | undefined => byName(account.users, name);
export const findRole = (account: AccountState, name: string): RoleState | undefined => byName(account.roles, name);
export const findGroup = (account: AccountState, name: string): GroupState | undefined => byName(account.groups, name);

export const requireUser = (account: AccountState, name: string): UserState => requireByName(account.users, name, 'user');
export const requireRole = (account: AccountState, name: string): RoleState => requireByName(account.roles, name, 'role');
export const requireGroup = (account: AccountState, name: string): GroupState => requireByName(account.groups, name, 'group');

/** The caller's own account: IAM operations always act there. */
export function callerAccount(state: SandboxState, call: IncomingCall): AccountState {
  const account = getEntry(state.accounts, call.caller.accountId);
  if (!account) throw new AwsError('ServiceFailure', 'Request processing has failed due to some unknown error, exception or failure.', 500);
  return account;
}

export const iamArn = (accountId: string, kind: 'user' | 'role' | 'group' | 'policy', path: string, name: string): string =>
  `arn:aws:iam::${accountId}:${kind}${path}${name}`;

export const boundaryXml = (arn: string | undefined): Record<string, unknown> =>
  arn === undefined ? {} : { PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn } };

/** IAM's quotas count policy characters without whitespace. */
export const policySize = (document: string): number => document.replace(/\s/g, '').length;

/** IAM hands policy documents back URL-encoded (RFC 3986), as GetRolePolicy and GetPolicyVersion do. */
export const encodedDocument = (document: string): string => encodeURIComponent(document);

export interface Page<T> {
  readonly items: T[];
  readonly more: Record<string, unknown>;
}

/** MaxItems/Marker pagination; the marker is the position of the next item. */
export function paginate<T>(params: QueryParams, items: readonly T[]): Page<T> {
  const maxItems = integerParam(params, 'MaxItems', { min: 1, max: 1000 }) ?? 100;
  const marker = params.get('Marker');
  const start = marker === undefined ? 0 : Number(marker);
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw invalidInputError(`Invalid Marker: ${marker}`);
  const end = Math.min(items.length, start + maxItems);
  const truncated = end < items.length;
  return { items: items.slice(start, end), more: { IsTruncated: truncated, ...(truncated ? { Marker: String(end) } : {}) } };
}
