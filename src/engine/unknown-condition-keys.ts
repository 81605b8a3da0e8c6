// Condition keys whose value kms-doctor cannot know from here (the caller's source IP, VPC endpoint,
// MFA, token age, the confused-deputy keys…, and keys whose read failed), and the values worth trying
// for them. A key that is unknown is not "missing": a negated condition such as StringNotEquals
// aws:PrincipalOrgID matches a missing key, so treating unknown as missing invents explicit denies.
// The diagnosis evaluates each unknown key both ways (absent, and each value the policies name or
// exclude) and reports a result that depends on one as condition-unknown. Pure.
import type { RequestContext } from './kms-request-context.js';
import { statementsOf } from './policy-statements.js';

/** Keys AWS fills from the network, the session or the calling service: never readable from here. */
const neverKnownHere: readonly RegExp[] = [
  /^aws:sourceip$/,
  /^aws:sourcevpc$/,
  /^aws:sourcevpce$/,
  /^aws:sourcevpcarn$/,
  /^aws:vpcsourceip$/,
  /^aws:multifactorauthpresent$/,
  /^aws:multifactorauthage$/,
  /^aws:tokenissuetime$/,
  /^aws:sourcearn$/,
  /^aws:sourceaccount$/,
  /^aws:sourceorgid$/,
  /^aws:sourceorgpaths$/,
  /^aws:sourceidentity$/,
  /^aws:useragent$/,
  /^aws:referer$/,
  /^aws:federatedprovider$/,
];

/** Keys readable from here, unknown only when their read failed or was not made. */
const knownWhenRead: readonly RegExp[] = [
  /^aws:principalorgid$/,
  /^aws:principalorgpaths$/,
  /^aws:principaltag\//,
  /^aws:resourcetag\//,
  /^kms:resourcealiases$/,
  /^aws:userid$/,
  /^kms:encryptioncontext:/,
  /^kms:encryptioncontextkeys$/,
];

export interface UnknownKey {
  /** The key as the policy spells it. */
  readonly key: string;
  /** Values worth trying: those the policies name (wildcards filled), and one they do not. */
  readonly candidates: readonly string[];
}

/** Bounds that keep the number of evaluations small (each unknown key is varied alone). */
const maxKeys = 6;
const maxCandidates = 4;

interface Clause {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

function clausesOf(document: unknown): Clause[] {
  const clauses: Clause[] = [];
  for (const statement of statementsOf(document)) {
    const condition = statement.condition;
    if (typeof condition !== 'object' || condition === null) continue;
    for (const [operator, entries] of Object.entries(condition as Record<string, unknown>)) {
      if (typeof entries !== 'object' || entries === null) continue;
      for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
        const values = (Array.isArray(value) ? value : [value]).map((v) => String(v));
        clauses.push({ operator, key, values });
      }
    }
  }
  return clauses;
}

/** A concrete value that satisfies a policy's pattern: wildcards filled in, a CIDR's first address. */
function sampleOf(operator: string, value: string): string | undefined {
  const op = operator.toLowerCase().replace(/^for(any|all)value:/, '').replace(/ifexists$/, '');
  if (op === 'null') return undefined;
  if (op.includes('ipaddress')) {
    const [address] = value.split('/');
    return address && /^\d+\.\d+\.\d+\.\d+$/.test(address) ? address : undefined;
  }
  return value.replace(/\*/g, 'x').replace(/\?/g, 'x');
}

function otherValueFor(clauses: readonly Clause[]): string {
  if (clauses.some((c) => c.operator.toLowerCase().includes('ipaddress'))) return '203.0.113.7';
  if (clauses.some((c) => c.operator.toLowerCase().replace(/ifexists$/, '') === 'bool')) return 'false';
  return 'kms-doctor-other-value';
}

/**
 * The condition keys the documents test that are unknown here: never knowable, or knowable but not in
 * the context and not known to be absent (`knownAbsent`), and not given by the user.
 */
export function unknownConditionKeys(documents: readonly unknown[], context: RequestContext, knownAbsent: (key: string) => boolean): UnknownKey[] {
  const inContext = new Set(Object.keys(context).map((k) => k.toLowerCase()));
  const byKey = new Map<string, { key: string; clauses: Clause[] }>();
  for (const document of documents) {
    for (const clause of clausesOf(document)) {
      const lower = clause.key.toLowerCase();
      if (inContext.has(lower)) continue;
      const never = neverKnownHere.some((p) => p.test(lower));
      const readable = knownWhenRead.some((p) => p.test(lower));
      if (!never && !(readable && !knownAbsent(lower))) continue;
      const entry = byKey.get(lower) ?? { key: clause.key, clauses: [] };
      entry.clauses.push(clause);
      byKey.set(lower, entry);
    }
  }
  return [...byKey.values()].slice(0, maxKeys).map(({ key, clauses }) => {
    const named = clauses.flatMap((c) => c.values.map((v) => sampleOf(c.operator, v))).filter((v): v is string => v !== undefined);
    const bool = clauses.some((c) => c.operator.toLowerCase().replace(/ifexists$/, '') === 'bool');
    const candidates = [...new Set([...(bool ? ['true', 'false'] : named), otherValueFor(clauses)])].slice(0, maxCandidates);
    return { key, candidates };
  });
}

/** Multi-valued keys take a list in the request context. */
export function contextValue(key: string, value: string): string | readonly string[] {
  return /^(aws:principalorgpaths|aws:sourceorgpaths|kms:encryptioncontextkeys|kms:resourcealiases)$/i.test(key) ? [value] : value;
}
