// From proposed fixes to an ordered plan. The plan reads as little as it can (the stale check happens
// right before each write, in applyPlan), but it must read what decides its shape: a managed policy's
// versions (five already means a visible delete step first) and a scheduled deletion's waiting period
// (to schedule it again on rollback). Fixes on the same document are chained: the proposer computes fix
// N from fix N-1's result, so step N expects exactly what step N-1 writes; a fix that does not build on
// its predecessor would silently drop that change, so it is skipped instead.
import type { KeyStateName } from '../engine/facts.js';
import type { Fix, FixStep } from '../engine/fix.js';
import type { Expected, Plan, PlanStep, SkippedFix } from './plan-types.js';
import {
  cancelDeletionShape,
  createGrantShape,
  createVersionShape,
  deleteVersionShape,
  enableKeyShape,
  inlinePolicyShape,
  keyPolicyShape,
  planStep,
  PlanProblem,
  type StepContext,
} from './plan-steps.js';
import { documentsEquivalent } from './policy-text.js';
import type { TargetStore } from './target-store.js';

export type { Expected, Plan, PlanStep, PlanStepKind, PlanTarget, PlanWrite, SkippedFix } from './plan-types.js';

/** KMS's default waiting period, used when the original one cannot be read. */
const defaultDeletionWindowDays = 30;
const maxPolicyVersions = 5;

interface SimulatedVersion {
  /** An existing version ID, or undefined for a version a step of this plan creates. */
  readonly id?: string;
  readonly createdByStep?: number;
  readonly createDate: string;
  isDefault: boolean;
}

/** What the steps planned so far leave behind, per target. */
interface Planned {
  readonly documents: Map<string, { readonly after: string; readonly stepId: number }>;
  readonly versions: Map<string, SimulatedVersion[]>;
  readonly keyStates: Map<string, KeyStateName>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function buildPlan(fixes: readonly Fix[], store: TargetStore, context: { region: string }): Promise<Plan> {
  const steps: PlanStep[] = [];
  const skipped: SkippedFix[] = [];
  let planned: Planned = { documents: new Map(), versions: new Map(), keyStates: new Map() };
  for (const [fixIndex, fix] of fixes.entries()) {
    const skip = (reason: string) => skipped.push({ fixIndex, cause: fix.cause, title: fix.title, reason });
    if (fix.blockedBy !== undefined) {
      skip(fix.blockedBy);
      continue;
    }
    if (fix.steps.length === 0) {
      skip('This fix is guidance only: it has no change kms-doctor can make.');
      continue;
    }
    // A fix is planned whole or not at all; its steps see a copy of what was planned before it.
    const trial: Planned = { documents: new Map(planned.documents), versions: cloneVersions(planned.versions), keyStates: new Map(planned.keyStates) };
    const fixSteps: PlanStep[] = [];
    try {
      for (const [stepIndex, step] of fix.steps.entries()) {
        const base = { fix, fixIndex, stepIndex, region: context.region };
        const nextId = () => steps.length + fixSteps.length + 1;
        fixSteps.push(...(await stepsFor(step, base, nextId, trial, store)));
      }
    } catch (error) {
      if (!(error instanceof PlanProblem)) throw error;
      skip(error.message);
      continue;
    }
    steps.push(...fixSteps);
    planned = trial;
  }
  let applierArn: string | undefined;
  try {
    applierArn = await store.applierArn();
  } catch {
    applierArn = undefined;
  }
  return { createdAt: new Date().toISOString(), ...(applierArn !== undefined ? { applierArn } : {}), steps, skipped };
}

function cloneVersions(versions: Map<string, SimulatedVersion[]>): Map<string, SimulatedVersion[]> {
  return new Map([...versions].map(([arn, list]) => [arn, list.map((v) => ({ ...v }))]));
}

/** The document a step must find: what an earlier step of the plan writes, else the fix's `before`. */
function expectedDocument(fix: Fix, key: string, planned: Planned, what: string): { text: string; chainedTo?: number } {
  const earlier = planned.documents.get(key);
  if (earlier === undefined) {
    if (fix.before === undefined) throw new PlanProblem(`The fix does not say which ${what} it was computed from, so kms-doctor cannot check that it is still current.`);
    return { text: fix.before };
  }
  if (fix.before !== undefined && !documentsEquivalent(fix.before, earlier.after)) {
    throw new PlanProblem(`It was computed from another version of the ${what} than step ${earlier.stepId} leaves, so writing it would undo that step's change. Run check again after applying the others.`);
  }
  return { text: earlier.after, chainedTo: earlier.stepId };
}

async function stepsFor(step: FixStep, base: Omit<StepContext, 'id'>, nextId: () => number, planned: Planned, store: TargetStore): Promise<PlanStep[]> {
  const context = (): StepContext => ({ ...base, id: nextId() });
  switch (step.kind) {
    case 'put-key-policy': {
      const key = `key-policy:${step.keyArn}`;
      const expected = expectedDocument(base.fix, key, planned, 'key policy');
      const at = context();
      const made = planStep(at, keyPolicyShape(at, step), { type: 'key-policy', document: expected.text });
      planned.documents.set(key, { after: step.policy, stepId: made.id });
      return [made];
    }
    case 'put-role-policy':
    case 'put-user-policy': {
      const name = step.kind === 'put-role-policy' ? `role:${step.roleName}` : `user:${step.userName}`;
      // IAM policy names are unique without regard to case.
      const key = `inline:${name}:${step.policyName.toLowerCase()}`;
      const expected = expectedDocument(base.fix, key, planned, 'inline policy');
      const at = context();
      const made = planStep(at, inlinePolicyShape(at, step, expected.text !== ''), { type: 'inline-policy', document: expected.text });
      planned.documents.set(key, { after: step.document, stepId: made.id });
      return [made];
    }
    case 'create-policy-version':
      return createVersionSteps(step, base, nextId, planned, store);
    case 'enable-key': {
      const at = context();
      const made = planStep(at, enableKeyShape(at, step.keyArn), { type: 'key-state', state: planned.keyStates.get(step.keyArn) ?? 'Disabled' });
      planned.keyStates.set(step.keyArn, 'Enabled');
      return [made];
    }
    case 'cancel-key-deletion': {
      const window = await deletionWindow(store, step.keyArn);
      const at = context();
      const made = planStep(at, cancelDeletionShape(at, step.keyArn, window), { type: 'key-state', state: planned.keyStates.get(step.keyArn) ?? 'PendingDeletion' });
      // KMS leaves a key Disabled once its deletion is cancelled.
      planned.keyStates.set(step.keyArn, 'Disabled');
      return [made];
    }
    case 'create-grant': {
      const at = context();
      return [planStep(at, createGrantShape(at, step), { type: 'key-exists' })];
    }
  }
}

async function deletionWindow(store: TargetStore, keyArn: string): Promise<{ days: number; known: boolean; deletionDate?: string }> {
  try {
    const state = await store.readKeyState(keyArn);
    const date = state.deletionDate !== undefined ? { deletionDate: state.deletionDate } : {};
    return state.pendingWindowInDays !== undefined ? { days: state.pendingWindowInDays, known: true, ...date } : { days: defaultDeletionWindowDays, known: false, ...date };
  } catch {
    return { days: defaultDeletionWindowDays, known: false };
  }
}

async function createVersionSteps(
  step: Extract<FixStep, { kind: 'create-policy-version' }>,
  base: Omit<StepContext, 'id'>,
  nextId: () => number,
  planned: Planned,
  store: TargetStore,
): Promise<PlanStep[]> {
  const arn = step.policyArn;
  const key = `managed:${arn}`;
  const versions = planned.versions.get(arn) ?? (await readVersions(store, arn));
  planned.versions.set(arn, versions);
  const expected = expectedDocument(base.fix, key, planned, `default version of policy ${arn}`);
  const made: PlanStep[] = [];
  if (versions.length >= maxPolicyVersions) {
    const oldest = versions.filter((v) => !v.isDefault).sort(olderFirst)[0];
    if (oldest === undefined || oldest.id === undefined) {
      throw new PlanProblem(`Policy ${arn} has ${maxPolicyVersions} versions and the oldest non-default one is created by this plan; apply the other fixes first.`);
    }
    const document = await readOrProblem(() => store.readPolicyVersion(arn, oldest.id!), `read version ${oldest.id} of policy ${arn}`);
    const context: StepContext = { ...base, id: nextId() };
    made.push(planStep(context, deleteVersionShape(context, arn, oldest.id), { type: 'policy-version', versionId: oldest.id, document }));
    versions.splice(versions.indexOf(oldest), 1);
  }
  const current = versions.find((v) => v.isDefault);
  if (current === undefined) throw new PlanProblem(`Policy ${arn} has no default version kms-doctor could find.`);
  const defaultVersion: Expected & { type: 'managed-policy' } = {
    type: 'managed-policy',
    document: expected.text,
    defaultVersion: current.id !== undefined ? { id: current.id } : { createdByStep: current.createdByStep ?? expected.chainedTo ?? 0 },
  };
  // The delete step, when there is one, is not counted by nextId() yet.
  const context: StepContext = { ...base, id: nextId() + made.length };
  const previous = current.id ?? `<version created by step ${current.createdByStep}>`;
  const create = planStep(context, createVersionShape(context, step, previous), defaultVersion);
  made.push(create);
  for (const v of versions) v.isDefault = false;
  versions.push({ createdByStep: create.id, createDate: `~${String(create.id).padStart(6, '0')}`, isDefault: true });
  planned.documents.set(key, { after: step.document, stepId: create.id });
  return made;
}

/** By creation date, then by version number: versions made within one second share a date. */
function olderFirst(a: SimulatedVersion, b: SimulatedVersion): number {
  const number = (v: SimulatedVersion) => Number(/^v(\d+)$/.exec(v.id ?? '')?.[1] ?? Number.MAX_SAFE_INTEGER);
  return a.createDate.localeCompare(b.createDate) || number(a) - number(b);
}

async function readVersions(store: TargetStore, arn: string): Promise<SimulatedVersion[]> {
  const list = await readOrProblem(() => store.listPolicyVersions(arn), `list the versions of policy ${arn}`);
  return list.map((v) => ({ id: v.versionId, createDate: v.createDate, isDefault: v.isDefault }));
}

async function readOrProblem<T>(read: () => Promise<T>, what: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new PlanProblem(`kms-doctor could not ${what} (${messageOf(error)}), which it needs to plan this change.`);
  }
}
