// The AWS Query protocol used by IAM (2010-05-08) and STS (2011-06-15): form-encoded parameters in,
// XML out, <ErrorResponse> for errors. Lists arrive as `Name.member.N`, structures as `Name.Field`.
import { XMLBuilder } from 'fast-xml-parser';
import { AwsError } from './errors.js';

export type QueryParams = ReadonlyMap<string, string>;

export function parseQueryParams(body: string, rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const source of [rawQuery, body]) {
    for (const [name, value] of new URLSearchParams(source)) params.set(name, value);
  }
  return params;
}

/** A required string parameter; IAM answers a missing one with ValidationError. */
export function requiredParam(params: QueryParams, name: string): string {
  const value = params.get(name);
  if (value === undefined || value === '') {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalParam(params: QueryParams, name: string): string | undefined {
  return params.get(name);
}

/** `Name.member.1`, `Name.member.2`, … in order. */
export function listParam(params: QueryParams, name: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${name}.member.${i}`); i++) values.push(params.get(`${name}.member.${i}`)!);
  return values;
}

/** A list of structures: `Name.member.N.Field` → one record per N. */
export function structureListParam(params: QueryParams, name: string): Map<string, string>[] {
  const items: Map<string, string>[] = [];
  for (let i = 1; ; i++) {
    const prefix = `${name}.member.${i}.`;
    const item = new Map<string, string>();
    for (const [key, value] of params) if (key.startsWith(prefix)) item.set(key.slice(prefix.length), value);
    if (item.size === 0) break;
    items.push(item);
  }
  return items;
}

export function integerParam(params: QueryParams, name: string, range: { min: number; max: number }): number | undefined {
  const raw = params.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${raw}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have value between ${range.min} and ${range.max}`,
    );
  }
  return value;
}

export function booleanParam(params: QueryParams, name: string): boolean | undefined {
  const raw = params.get(name);
  if (raw === undefined) return undefined;
  return raw.toLowerCase() === 'true';
}

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, format: false });

/** Wraps an XML list the way the Query protocol serialises it: <Name><member>…</member></Name>. */
export const members = <T>(items: readonly T[]): { member: T[] } | '' => (items.length === 0 ? '' : { member: [...items] });

export function successXml(namespace: string, action: string, result: Record<string, unknown> | undefined, requestId: string): string {
  const body: Record<string, unknown> = { '@_xmlns': namespace };
  if (result !== undefined) body[`${action}Result`] = result;
  body.ResponseMetadata = { RequestId: requestId };
  return '<?xml version="1.0" encoding="UTF-8"?>' + builder.build({ [`${action}Response`]: body });
}

export function errorXml(namespace: string, error: AwsError, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    builder.build({
      ErrorResponse: {
        '@_xmlns': namespace,
        Error: { Type: error.faultType, Code: error.code, Message: error.message },
        RequestId: requestId,
      },
    })
  );
}
