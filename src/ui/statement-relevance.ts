// Which statements of a policy matter for this request, in words: the ones that deny it, allow it to
// the principal, or hand the decision to IAM (the key policy's account-root statement). The decision
// itself is the evaluation module's; this only picks what to highlight on the screen.
import { actionPatternMatches, namesAccount, namesPrincipal, statementCoversAction, statementsOf, type PolicyStatement } from '../engine/policy-statements.js';

export type Relevance = 'denies' | 'allows' | 'delegates' | 'other';

export interface RatedStatement {
  readonly statement: PolicyStatement;
  readonly relevance: Relevance;
  /** Plain words: what the statement does for this request. */
  readonly why: string;
  /** The required actions the statement covers. */
  readonly actions: readonly string[];
}

const label = (s: PolicyStatement) => (s.sid !== undefined ? `"${s.sid}"` : `#${s.index + 1}`);
const conditional = (s: PolicyStatement) => (s.condition !== undefined ? ' (with conditions)' : '');

export interface KeyPolicySubject {
  /** The principal's ARNs (entity and session). */
  readonly principalArns: readonly string[];
  readonly principalName: string;
  readonly principalAccount?: string;
  readonly actions: readonly string[];
}

export function rateKeyPolicy(document: unknown, subject: KeyPolicySubject): RatedStatement[] {
  return statementsOf(document).map((statement): RatedStatement => {
    const covered = subject.actions.filter((action) => statementCoversAction(statement, action));
    const toAccount = subject.principalAccount !== undefined && namesAccount(statement, subject.principalAccount);
    const toPrincipal = namesPrincipal(statement, subject.principalArns);
    if (covered.length === 0 || (!toAccount && !toPrincipal)) {
      return { statement, relevance: 'other', actions: [], why: `${label(statement)}: does not cover ${subject.principalName} for ${subject.actions.join(', ')}` };
    }
    const actions = covered.join(', ');
    if (statement.effect === 'Deny') return { statement, relevance: 'denies', actions: covered, why: `${label(statement)} denies ${actions}${conditional(statement)}` };
    if (toPrincipal) {
      const who = statement.principals.includes('*') ? 'everyone' : subject.principalName;
      return { statement, relevance: 'allows', actions: covered, why: `${label(statement)} allows ${who} ${actions}${conditional(statement)}` };
    }
    return {
      statement,
      relevance: 'delegates',
      actions: covered,
      why: `${label(statement)} lets IAM policies in account ${subject.principalAccount} allow ${actions}${conditional(statement)}`,
    };
  });
}

const resourceMatches = (pattern: string, arn: string | undefined): boolean => pattern === '*' || (arn !== undefined && actionPatternMatches(pattern, arn));

/** An identity policy statement: does it allow or deny a required action on the key? */
export function rateIdentityStatement(statement: PolicyStatement, actions: readonly string[], keyArn: string | undefined): RatedStatement {
  const covered = actions.filter((action) => statementCoversAction(statement, action));
  const onKey = statement.resources.length === 0 || statement.resources.some((resource) => resourceMatches(resource, keyArn));
  if (covered.length === 0 || !onKey) return { statement, relevance: 'other', actions: [], why: `${label(statement)}: not about ${actions.join(', ')} on this key` };
  const verb = statement.effect === 'Deny' ? 'denies' : 'allows';
  return { statement, relevance: statement.effect === 'Deny' ? 'denies' : 'allows', actions: covered, why: `${label(statement)} ${verb} ${covered.join(', ')}${conditional(statement)}` };
}
