// The two ways a key policy can make a key unmanageable, checked with the one policy evaluator:
// (a) the account-root statement ("Enable IAM policies") disappears or narrows, so IAM policies stop
// counting for the key; (b) whoever applies the change can no longer call kms:PutKeyPolicy, so nobody
// may be able to repair it. Each function returns the problem in words, or undefined when there is none.
import { entityOf, parseDiagnosablePrincipal } from '../engine/identifiers.js';
import { kmsKeyRequestContext, principalRequestContext } from '../engine/kms-request-context.js';
import { evaluatePolicies, type Decision, type NamedPolicy } from '../engine/policy-evaluation.js';
import { namesAccount, statementCoversAction, statementLabel, statementsOf, type PolicyStatement } from '../engine/policy-statements.js';
import { keyArnParts } from './arns.js';
import { canonicalStatement } from './policy-text.js';
import type { TargetStore } from './target-store.js';

/** Actions a probe IAM principal of the key's account keeps through the root statement (the ones that matter most). */
const delegatedProbeActions = ['kms:PutKeyPolicy', 'kms:GetKeyPolicy', 'kms:DescribeKey', 'kms:Decrypt', 'kms:Encrypt'];

const rootStatements = (document: unknown, accountId: string): PolicyStatement[] =>
  statementsOf(document).filter((s) => s.effect === 'Allow' && namesAccount(s, accountId));

const sameStatement = (a: unknown, b: unknown) => JSON.stringify(canonicalStatement(a)) === JSON.stringify(canonicalStatement(b));

interface Subject {
  readonly arn: string;
  readonly entityArn: string;
  readonly accountId: string;
  readonly kind: 'user' | 'role';
  readonly name: string;
}

/** A user ARN, or a role session (whose role is the entity); undefined for the root user or anything else. */
function subjectOf(arn: string): Subject | undefined {
  const principal = parseDiagnosablePrincipal(arn);
  if (!principal) return undefined;
  const entity = entityOf(principal);
  return { arn, entityArn: entity.arn, accountId: principal.account, kind: entity.kind, name: entity.name };
}

async function decide(subject: Subject, action: string, keyArn: string, keyAccount: string, keyPolicy: unknown, identityPolicies: readonly NamedPolicy[]): Promise<Decision> {
  const outcome = await evaluatePolicies({
    principalArn: subject.arn,
    action,
    resourceArn: keyArn,
    resourceAccount: keyAccount,
    context: { ...principalRequestContext(subject), ...kmsKeyRequestContext({ action, callerAccount: subject.accountId }) },
    identityPolicies,
    resourcePolicy: { name: 'default', document: keyPolicy },
  });
  return outcome.decision;
}

/** (a) Returns the problem when `next` drops or narrows a root statement that `current` has. */
export async function rootDelegationProblem(keyArn: string, current: unknown, next: unknown): Promise<string | undefined> {
  const accountId = keyArnParts(keyArn).accountId;
  if (accountId === undefined || current === undefined) return undefined;
  const nextStatements = statementsOf(next);
  for (const statement of rootStatements(current, accountId)) {
    if (!nextStatements.some((s) => sameStatement(s.raw, statement.raw))) {
      return `removes or changes ${statementLabel(statement)}, which lets IAM policies in account ${accountId} allow use of the key`;
    }
  }
  // The statement may survive while a new Deny takes away what it gave: ask the evaluator, for an IAM
  // principal of the account whose IAM policies allow everything.
  const probe = subjectOf(`arn:aws:iam::${accountId}:role/kms-doctor-lockout-probe`)!;
  const allowEverything = [{ name: 'probe', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }];
  for (const action of delegatedProbeActions) {
    if ((await decide(probe, action, keyArn, accountId, current, allowEverything)) !== 'Allowed') continue;
    if ((await decide(probe, action, keyArn, accountId, next, allowEverything)) !== 'Allowed') {
      return `stops IAM policies in account ${accountId} from allowing ${action} on the key`;
    }
  }
  return undefined;
}

/** True when the document allows kms:PutKeyPolicy to the whole account (IAM policies then decide). */
function delegatesPutKeyPolicy(document: unknown, accountId: string): boolean {
  return rootStatements(document, accountId).some((s) => statementCoversAction(s, 'kms:PutKeyPolicy'));
}

/** (b) Returns the problem when the applier would lose kms:PutKeyPolicy on the key under `next`. */
export async function applierKeepsPutKeyPolicy(
  keyArn: string,
  current: unknown,
  next: unknown,
  store: Pick<TargetStore, 'applierArn' | 'applierPolicies'>,
): Promise<string | undefined> {
  const applierArn = await store.applierArn();
  const subject = subjectOf(applierArn);
  const keyAccount = keyArnParts(keyArn).accountId;
  if (keyAccount === undefined) return `cannot be checked: ${keyArn} is not a key ARN`;
  if (subject === undefined) {
    return delegatesPutKeyPolicy(next, keyAccount) ? undefined : `cannot be checked for ${applierArn}, and it does not keep kms:PutKeyPolicy for account ${keyAccount}`;
  }
  const known = await store.applierPolicies();
  const policies = known ?? [];
  const after = await decide(subject, 'kms:PutKeyPolicy', keyArn, keyAccount, next, policies);
  if (after === 'ExplicitlyDenied') return `explicitly denies kms:PutKeyPolicy to ${applierArn}, who is applying it`;
  if (after === 'Allowed') return undefined;
  if (known !== undefined && current !== undefined && (await decide(subject, 'kms:PutKeyPolicy', keyArn, keyAccount, current, policies)) === 'Allowed') {
    return `would no longer let ${applierArn}, who is applying it, call kms:PutKeyPolicy`;
  }
  // What kms-doctor knows of the applier's permissions does not explain even the current access (an
  // unreadable policy, a group, a boundary): accept only a policy that keeps the applier's way in visibly.
  const namesApplier = (await decide(subject, 'kms:PutKeyPolicy', keyArn, keyAccount, next, [])) === 'Allowed';
  if (namesApplier || delegatesPutKeyPolicy(next, keyAccount)) return undefined;
  const why = known === undefined ? `kms-doctor could not read the IAM policies of ${applierArn}` : `the IAM policies kms-doctor read for ${applierArn} do not explain its current access`;
  return `neither allows kms:PutKeyPolicy to ${subject.kind} ${subject.name} by name nor keeps the account-root statement of account ${keyAccount}, and ${why}, so it may lock the applier out`;
}
