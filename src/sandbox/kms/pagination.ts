// Marker pagination for KMS List* operations. Items are ordered by a stable sort key and a marker
// names the last key returned, so a page stays correct when items are added or removed between
// requests. Markers are opaque and bound to the listing they came from; any other value is refused
// with InvalidMarkerException.
import { AwsError } from '../errors.js';

export interface Page<T> {
  readonly items: T[];
  /** Present (with Truncated: true) only when more items follow. */
  readonly fields: { Truncated: boolean; NextMarker?: string };
}

const invalidMarker = () => new AwsError('InvalidMarkerException', 'The marker that specifies where pagination should next begin is not valid.');

function encode(scope: string, after: string): string {
  return Buffer.from(JSON.stringify({ s: scope, a: after }), 'utf8').toString('base64url');
}

function decode(scope: string, marker: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
  } catch {
    throw invalidMarker();
  }
  const { s, a } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { s?: unknown; a?: unknown };
  if (s !== scope || typeof a !== 'string') throw invalidMarker();
  return a;
}

/**
 * One page of `items`. `scope` identifies the listing (operation and filters) so a marker from
 * another listing is rejected; `sortKey` must be unique per item.
 */
export function paginate<T>(items: readonly T[], sortKey: (item: T) => string, scope: string, limit: number, marker: string | undefined): Page<T> {
  const sorted = [...items].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const after = marker === undefined ? undefined : decode(scope, marker);
  const remaining = after === undefined ? sorted : sorted.filter((item) => sortKey(item) > after);
  const page = remaining.slice(0, limit);
  const last = page[page.length - 1];
  if (remaining.length > page.length && last !== undefined) {
    return { items: page, fields: { Truncated: true, NextMarker: encode(scope, sortKey(last)) } };
  }
  return { items: page, fields: { Truncated: false } };
}
