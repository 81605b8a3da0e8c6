// A hand-built SandboxState for tests that need no scenario: two accounts, each with an `admin` user
// whose inline policy allows everything, and an access key per user. More users can be added.
import { newAccessKeyId, newSecretAccessKey, newUserId, nowIso } from '../../src/sandbox/ids.js';
import { stateFormatVersion, type SandboxState } from '../../src/sandbox/state.js';

export const accountA = '111111111111';
export const accountB = '222222222222';

export interface TestUser {
  readonly accountId: string;
  readonly name: string;
  readonly arn: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
}

export const allowAllPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/** Adds an IAM user with the given inline policies (name → document) and an active access key. */
export function addUser(state: SandboxState, accountId: string, name: string, inlinePolicies: Record<string, string> = {}): TestUser {
  const account = state.accounts[accountId];
  if (!account) throw new Error(`no account ${accountId} in the state`);
  const arn = `arn:aws:iam::${accountId}:user/${name}`;
  const createDate = nowIso();
  account.users[name] = {
    name,
    path: '/',
    arn,
    id: newUserId(),
    createDate,
    inlinePolicies,
    attachedPolicies: [],
    tags: {},
    groups: [],
  };
  const credentials = { accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() };
  state.credentials[credentials.accessKeyId] = {
    kind: 'long-term',
    ...credentials,
    accountId,
    userName: name,
    status: 'Active',
    createDate,
  };
  return { accountId, name, arn, credentials };
}

const emptyAccount = (id: string) => ({ id, users: {}, roles: {}, groups: {}, managedPolicies: {} });

/** Two accounts with an all-powerful `admin` user each; `admins.a` / `admins.b` hold their keys. */
export function minimalState(): { state: SandboxState; admins: { a: TestUser; b: TestUser } } {
  const state: SandboxState = {
    formatVersion: stateFormatVersion,
    scenarioName: 'minimal',
    defaultRegion: 'us-east-1',
    accounts: { [accountA]: emptyAccount(accountA), [accountB]: emptyAccount(accountB) },
    credentials: {},
    keys: {},
    aliases: {},
    revision: 0,
  };
  const a = addUser(state, accountA, 'admin', { AllowAll: allowAllPolicy });
  const b = addUser(state, accountB, 'admin', { AllowAll: allowAllPolicy });
  return { state, admins: { a, b } };
}
