// A training scenario on the embedded sandbox, started in-process on a free loopback port with its own
// temporary profile files, and the answers a learner would give about it: the failing call's key and
// operation, and the principal in trouble. The diagnosis then runs as the administrator of that
// principal's account (and of the key's account, when it is another), exactly as an on-call engineer
// diagnoses someone else's access. Nothing here prints or returns a secret: only paths and names.
import { accountNamedBy, isCrossAccount, parseKeyRef } from '../engine/identifiers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxInfo, StartAnswers } from '../../machines/wizard-types.js';
import { operationRequirements } from '../engine/operations.js';
import { startSandbox } from '../sandbox/command.js';
import type { SandboxState, TrainingCall } from '../sandbox/state.js';
import { shellQuote, trainingCallArgs, trainingCallEndpoint } from '../sandbox/training-command.js';

export interface TrainingSandbox {
  readonly info: SandboxInfo;
  /** The environment every session of the run uses: the sandbox's profile files, nothing of the user's AWS setup. */
  readonly env: NodeJS.ProcessEnv;
  readonly region: string;
  /** The administrator of the principal's account, who diagnoses and applies. */
  readonly adminProfile: string;
  /** The administrator of the key's account, when the key is in another account. */
  readonly keyProfile?: string;
  /** The administrator of the organization's management account, who may read its SCPs and RCPs. */
  readonly orgProfile?: string;
  /** The principal in trouble's own profile: the fix is proven with a dry run as it. */
  readonly principalProfile: string;
  /** When the principal in trouble's sessions carry a session policy: who creates them, and with which policy. */
  readonly scopedSession?: { readonly sourceProfile: string; readonly roleArn: string; readonly policy: string };
  /** The scenario's failing call, and the endpoint it goes to (through the service's path when a service makes it). */
  readonly call: TrainingCall;
  readonly callEndpoint: string;
  /** The principal the goal says must still be refused, by profile and ARN. */
  readonly outsider?: { readonly profile: string; readonly arn: string };
  readonly answers: StartAnswers;
  /** Where backups of the sandbox's documents go (inside the run's temporary directory). */
  readonly backupDir: string;
  stop(): Promise<void>;
}

interface Principal {
  readonly arn: string;
  readonly accountId: string;
}

function principalNamed(state: SandboxState, name: string): Principal {
  for (const account of Object.values(state.accounts)) {
    const entity = account.users[name] ?? account.roles[name];
    if (entity) return { arn: entity.arn, accountId: account.id };
  }
  throw new Error(`the scenario names ${name}, which it does not declare`);
}

const allowsEverything = (text: string): boolean => {
  try {
    const document = JSON.parse(text) as { Statement?: unknown };
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    return statements.some((s) => {
      const statement = s as { Effect?: unknown; Action?: unknown; Resource?: unknown };
      const list = (value: unknown) => (Array.isArray(value) ? value : [value]);
      return statement.Effect === 'Allow' && list(statement.Action).includes('*') && list(statement.Resource).includes('*');
    });
  } catch {
    return false;
  }
};

/** A user of the account who may do everything (AdministratorAccess or an inline `*` on `*`), with a profile. */
function administratorOf(state: SandboxState, accountId: string): string {
  const account = state.accounts[accountId];
  const withKey = new Set(Object.values(state.credentials).filter((c) => c.kind === 'long-term' && c.accountId === accountId).map((c) => (c as { userName: string }).userName));
  const admin = Object.values(account?.users ?? {}).find(
    (user) =>
      withKey.has(user.name) &&
      (user.attachedPolicies.includes('arn:aws:iam::aws:policy/AdministratorAccess') || Object.values(user.inlinePolicies).some(allowsEverything)),
  );
  if (!admin) throw new Error(`the scenario has no administrator with an access key in account ${accountId}`);
  return admin.name;
}

function keyAccountOf(state: SandboxState, key: string, callerAccount: string): string {
  const named = parseKeyRef(key);
  const fromArn = named ? accountNamedBy(named) : undefined;
  if (fromArn) return fromArn;
  const aliases = Object.values(state.aliases).filter((alias) => alias.aliasName === key);
  return (aliases.find((alias) => alias.accountId === callerAccount) ?? aliases[0])?.accountId ?? callerAccount;
}

/**
 * The operation a learner names for the failing call: the KMS API itself for a direct call; for a call
 * an AWS service makes (kms:ViaService), that service's operation whose first KMS action it is — and of
 * several (EC2 creates grants both to copy snapshots and to launch instances), the one the operations
 * table explains to newcomers (it has a note), which is the everyday case.
 */
export function operationOfTrainingCall(call: Pick<TrainingCall, 'operation' | 'viaService'>): string {
  if (call.viaService === undefined) return call.operation;
  const service = call.viaService.split('.')[0];
  const action = `kms:${call.operation}`;
  const candidates = operationRequirements.filter((op) => op.viaService === service && op.actions.includes(action));
  return (candidates.find((op) => op.actions[0] === action && op.note !== undefined) ?? candidates.find((op) => op.actions[0] === action) ?? candidates[0])?.name ?? call.operation;
}

/** Starts the scenario's sandbox on a free port; `stop()` closes it and removes its temporary files. */
export async function startTrainingSandbox(scenario: string, options: { readonly latencyMs?: number } = {}): Promise<TrainingSandbox> {
  const configDir = mkdtempSync(join(tmpdir(), 'kms-doctor-training-'));
  let started;
  try {
    started = await startSandbox({ scenario, port: 0, host: '127.0.0.1', latencyMs: options.latencyMs ?? 0, quiet: true, configDir });
  } catch (error) {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  }
  // The profile files hold the sandbox's (throwaway) keys: never leave them behind, even if the
  // process ends without stopping the sandbox first.
  const removeFiles = () => rmSync(configDir, { recursive: true, force: true });
  process.once('exit', removeFiles);
  const stop = async () => {
    process.off('exit', removeFiles);
    await started.running.close();
    removeFiles();
  };
  try {
    return trainingOf(started.world.state, started.running.endpoint, configDir, started.configFile, started.credentialsFile, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

function trainingOf(state: SandboxState, endpoint: string, configDir: string, configFile: string, credentialsFile: string, stop: () => Promise<void>): TrainingSandbox {
  const training = state.training;
  if (!training) throw new Error(`the scenario ${state.scenarioName} has no training exercise: choose another`);
  const principal = principalNamed(state, training.principal);
  const keyAccount = keyAccountOf(state, training.call.key, principal.accountId);
  return {
    info: {
      scenario: state.scenarioName,
      title: training.title,
      description: training.description,
      goal: training.goal,
      endpoint,
      configFile,
      credentialsFile,
      principalName: training.principal,
      ...(training.story !== undefined ? { story: training.story } : {}),
      ...(training.difficulty !== undefined ? { difficulty: training.difficulty } : {}),
      failingCommand: ['aws', ...trainingCallArgs(training.call)].map(shellQuote).join(' '),
    },
    env: {
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    region: state.defaultRegion,
    adminProfile: administratorOf(state, principal.accountId),
    ...(isCrossAccount(principal.accountId, keyAccount) ? { keyProfile: administratorOf(state, keyAccount) } : {}),
    ...(state.organization ? { orgProfile: administratorOf(state, state.organization.managementAccountId) } : {}),
    principalProfile: training.principal,
    ...scopedSessionOf(state, training),
    call: training.call,
    ...(training.unrelatedPrincipal !== undefined ? { outsider: { profile: training.unrelatedPrincipal, arn: principalNamed(state, training.unrelatedPrincipal).arn } } : {}),
    callEndpoint: trainingCallEndpoint(training.call, endpoint),
    answers: {
      mode: 'training',
      scenario: state.scenarioName,
      operation: operationOfTrainingCall(training.call),
      key: training.call.key,
      principal: principal.arn,
      ...(training.call.encryptionContext ? { encryptionContext: JSON.stringify(training.call.encryptionContext) } : {}),
    },
    backupDir: join(configDir, 'backups'),
    stop,
  };
}

/** The session the scenario's job creates for the principal in trouble, when it passes a session policy. */
function scopedSessionOf(state: SandboxState, training: NonNullable<SandboxState['training']>): Pick<TrainingSandbox, 'scopedSession'> {
  if (training.sessionPolicy === undefined) return {};
  for (const account of Object.values(state.accounts)) {
    const role = account.roles[training.principal];
    if (role?.sourceProfile !== undefined) return { scopedSession: { sourceProfile: role.sourceProfile, roleArn: role.arn, policy: training.sessionPolicy } };
  }
  return {};
}
