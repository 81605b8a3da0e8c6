// Checks the policy documents IAM accepts: permission policies (inline, managed, session) and role
// trust policies. Failures are MalformedPolicyDocument with IAM's wording where it is known
// ("Syntax errors in policy.", "Policy document should not specify a principal.",
// `Invalid principal in policy: "AWS":"<arn>"`), otherwise with the grammar checker's explanation.
import { validatePolicyDocument } from '../../engine/policy-evaluation.js';
import { disallowedCharacterMessage, disallowedPolicyCharacter } from '../policy-characters.js';
import { findPrincipal } from '../principal-policies.js';
import type { SandboxState } from '../state.js';
import { getEntry, malformedPolicy } from './iam-common.js';

type Statement = Record<string, unknown>;

function parseDocument(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformedPolicy('Syntax errors in policy.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformedPolicy('Syntax errors in policy.');
  const disallowed = disallowedPolicyCharacter(parsed);
  if (disallowed) throw malformedPolicy(disallowedCharacterMessage(disallowed));
  return parsed as Record<string, unknown>;
}

function statementsOf(document: Record<string, unknown>): Statement[] {
  const statements = document.Statement;
  const list = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  return list.filter((s): s is Statement => typeof s === 'object' && s !== null && !Array.isArray(s));
}

async function checkGrammar(document: unknown, kind: 'identity' | 'resource'): Promise<void> {
  const problems = await validatePolicyDocument(document, kind);
  if (problems.length > 0) throw malformedPolicy(problems.join('; '));
}

/** Parses and checks a permission policy (inline, managed, boundary or session policy). */
export async function identityPolicyDocument(text: string): Promise<unknown> {
  const document = parseDocument(text);
  if (statementsOf(document).some((s) => 'Principal' in s || 'NotPrincipal' in s)) {
    throw malformedPolicy('Policy document should not specify a principal.');
  }
  await checkGrammar(document, 'identity');
  return document;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/**
 * IAM resolves the user and role ARNs of a trust policy to their unique IDs when it stores the policy,
 * so naming a principal that does not exist fails; accounts outside the sandbox cannot be checked.
 */
function checkAwsPrincipal(state: SandboxState, value: unknown): void {
  const invalid = () => malformedPolicy(`Invalid principal in policy: "AWS":${JSON.stringify(value)}`);
  if (typeof value !== 'string') throw invalid();
  if (value === '*' || /^\d{12}$/.test(value) || /^arn:aws:iam::\d{12}:root$/.test(value)) return;
  if (/^arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/.test(value)) return;
  const entity = /^arn:aws:iam::(\d{12}):(user|role)\/(?:[\u0021-\u007f]*\/)?[\w+=,.@-]+$/.exec(value);
  if (!entity) throw invalid();
  if (getEntry(state.accounts, entity[1]!) && !findPrincipal(state, value)) throw invalid();
}

/** Parses and checks a role trust policy (AssumeRolePolicyDocument). */
export async function trustPolicyDocument(state: SandboxState, text: string): Promise<unknown> {
  const document = parseDocument(text);
  for (const statement of statementsOf(document)) {
    if (!('Principal' in statement) && !('NotPrincipal' in statement)) throw malformedPolicy('Missing required field Principal');
    for (const field of ['Resource', 'NotResource']) {
      if (field in statement) throw malformedPolicy(`Has prohibited field ${field}`);
    }
    const actions = [...asList(statement.Action), ...asList(statement.NotAction)];
    if (actions.some((a) => typeof a !== 'string' || !/^sts:/i.test(a))) {
      throw malformedPolicy('AssumeRole policy may only specify STS AssumeRole actions.');
    }
    const principal = statement.Principal ?? statement.NotPrincipal;
    if (typeof principal === 'object' && principal !== null && 'AWS' in principal) {
      for (const value of asList((principal as Record<string, unknown>).AWS)) checkAwsPrincipal(state, value);
    }
  }
  await checkGrammar(document, 'resource');
  return document;
}
