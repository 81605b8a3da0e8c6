// What a step's target holds right now, and how that compares with the plan: still what the plan was
// computed from (go ahead), already what the step would write (nothing to do), or something else (stale:
// someone changed it since the plan was made, and writing would silently discard their change).
// AWS has no precondition on these writes (SDK-AND-SAFETY §1.4), so this re-read, as late as possible,
// is the only protection against lost updates; the remaining window is a read and a local file write.
import type { KeyStateName } from '../engine/facts.js';
import type { PlanStep } from './plan-types.js';
import { describeDocumentChange, documentsEquivalent } from './policy-text.js';
import type { KeyStateInfo, PolicyVersionInfo, TargetStore } from './target-store.js';

export type CurrentValue =
  /** A key policy or an inline policy ('' when the inline policy does not exist). */
  | { readonly type: 'document'; readonly text: string }
  | { readonly type: 'managed-policy'; readonly versions: readonly PolicyVersionInfo[]; readonly defaultVersionId?: string; readonly text?: string }
  | { readonly type: 'policy-version'; readonly versions: readonly PolicyVersionInfo[]; readonly text?: string }
  | { readonly type: 'key-state'; readonly info: KeyStateInfo };

export type Comparison = { readonly result: 'as-planned' } | { readonly result: 'already-applied' } | { readonly result: 'stale'; readonly change: string };

/** The state a key-state step leaves: KMS leaves a key Disabled after cancelling its deletion. */
export const stateAfter = (step: PlanStep): KeyStateName | undefined =>
  step.kind === 'enable-key' ? 'Enabled' : step.kind === 'cancel-key-deletion' ? 'Disabled' : undefined;

/** Version IDs created so far by steps of this plan, by step ID. */
export type CreatedVersions = ReadonlyMap<number, string>;

export async function readCurrent(step: PlanStep, store: TargetStore): Promise<CurrentValue> {
  const write = step.write;
  switch (write.kind) {
    case 'put-key-policy':
      return { type: 'document', text: await store.readKeyPolicy(write.keyArn) };
    case 'put-role-policy':
    case 'put-user-policy':
      return { type: 'document', text: (await store.readInlinePolicy(write.principalKind, write.principalName, write.policyName)) ?? '' };
    case 'create-policy-version': {
      const versions = await store.listPolicyVersions(write.policyArn);
      const defaultVersionId = versions.find((v) => v.isDefault)?.versionId;
      const text = defaultVersionId !== undefined ? await store.readPolicyVersion(write.policyArn, defaultVersionId) : undefined;
      return { type: 'managed-policy', versions, ...(defaultVersionId !== undefined ? { defaultVersionId } : {}), ...(text !== undefined ? { text } : {}) };
    }
    case 'delete-policy-version': {
      const versions = await store.listPolicyVersions(write.policyArn);
      const exists = versions.some((v) => v.versionId === write.versionId);
      return { type: 'policy-version', versions, ...(exists ? { text: await store.readPolicyVersion(write.policyArn, write.versionId) } : {}) };
    }
    case 'enable-key':
    case 'cancel-key-deletion':
    case 'create-grant':
      return { type: 'key-state', info: await store.readKeyState(write.keyArn) };
  }
}

const what = (step: PlanStep): string => {
  switch (step.kind) {
    case 'put-key-policy':
      return `the key policy of ${step.target.arn}`;
    case 'put-role-policy':
    case 'put-user-policy':
      return `the inline policy ${step.target.policyName} of ${step.target.arn}`;
    default:
      return `policy ${step.target.arn}`;
  }
};

export function compare(step: PlanStep, current: CurrentValue, created: CreatedVersions): Comparison {
  const expected = step.expected;
  const stale = (change: string): Comparison => ({ result: 'stale', change });
  if (current.type === 'document' && (expected.type === 'key-policy' || expected.type === 'inline-policy')) {
    if (documentsEquivalent(expected.document, current.text)) return { result: 'as-planned' };
    if (step.after !== undefined && documentsEquivalent(step.after, current.text)) return { result: 'already-applied' };
    return stale(`${what(step)} changed since the plan was made: ${describeDocumentChange(expected.document, current.text)}`);
  }
  if (current.type === 'managed-policy' && expected.type === 'managed-policy') {
    const wanted = 'id' in expected.defaultVersion ? expected.defaultVersion.id : created.get(expected.defaultVersion.createdByStep);
    if (current.text !== undefined && step.after !== undefined && current.defaultVersionId !== wanted && documentsEquivalent(step.after, current.text)) return { result: 'already-applied' };
    if (current.defaultVersionId !== wanted) {
      return stale(`the default version of ${what(step)} is ${current.defaultVersionId ?? 'missing'} now, not ${wanted ?? 'the one planned'} as when the plan was made`);
    }
    if (current.text === undefined || !documentsEquivalent(expected.document, current.text)) {
      return stale(`the default version of ${what(step)} changed since the plan was made: ${describeDocumentChange(expected.document, current.text ?? '')}`);
    }
    if (current.versions.length >= 5) return stale(`${what(step)} has five versions now, the most IAM keeps, so a new one cannot be added`);
    return { result: 'as-planned' };
  }
  if (current.type === 'policy-version' && expected.type === 'policy-version') {
    const version = current.versions.find((v) => v.versionId === expected.versionId);
    if (version === undefined) return stale(`version ${expected.versionId} of ${what(step)} no longer exists`);
    if (version.isDefault) return stale(`version ${expected.versionId} of ${what(step)} is the default version now`);
    if (current.text === undefined || !documentsEquivalent(expected.document, current.text)) return stale(`version ${expected.versionId} of ${what(step)} has another document than when the plan was made`);
    return { result: 'as-planned' };
  }
  if (current.type === 'key-state' && expected.type === 'key-state') {
    if (current.info.state === expected.state) return { result: 'as-planned' };
    if (current.info.state === stateAfter(step)) return { result: 'already-applied' };
    return stale(`key ${step.target.arn} is ${current.info.state} now, not ${expected.state} as when the plan was made`);
  }
  if (current.type === 'key-state' && expected.type === 'key-exists') return { result: 'as-planned' };
  return stale(`${what(step)} could not be compared with the plan`);
}

/** True when the target shows what the step wrote (the visibility wait). */
export function showsWrite(step: PlanStep, current: CurrentValue, createdVersionId: string | undefined): boolean {
  switch (current.type) {
    case 'document':
      return step.after !== undefined && documentsEquivalent(step.after, current.text);
    case 'managed-policy':
      return current.defaultVersionId !== undefined && current.defaultVersionId === createdVersionId;
    case 'policy-version':
      return step.write.kind === 'delete-policy-version' && !current.versions.some((v) => v.versionId === (step.write as { versionId: string }).versionId);
    case 'key-state':
      return stateAfter(step) === undefined || current.info.state === stateAfter(step);
  }
}
