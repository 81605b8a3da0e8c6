// A minimal two-account sandbox for IAM/STS tests, built by hand rather than from a scenario so the
// tests depend on nothing but the state model: accounts 111122223333 and 444455556666, each with an
// `admin` user holding an allow-all inline policy and one access key.
import { newAccessKeyId, newSecretAccessKey, newUserId, nowIso } from '../../src/sandbox/ids.js';
import { startSandboxServer, type RunningSandbox } from '../../src/sandbox/server.js';
import { stateFormatVersion, type AccountState, type CredentialState, type SandboxState } from '../../src/sandbox/state.js';
import { SandboxWorld } from '../../src/sandbox/world.js';

export const accountA = '111122223333';
export const accountB = '444455556666';

export const allowAll = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

function accountWithAdmin(id: string, credentials: Record<string, CredentialState>): AccountState {
  const now = nowIso();
  const accessKeyId = newAccessKeyId();
  credentials[accessKeyId] = {
    kind: 'long-term',
    accessKeyId,
    secretAccessKey: newSecretAccessKey(),
    accountId: id,
    userName: 'admin',
    status: 'Active',
    createDate: now,
  };
  return {
    id,
    users: {
      admin: {
        name: 'admin',
        path: '/',
        arn: `arn:aws:iam::${id}:user/admin`,
        id: newUserId(),
        createDate: now,
        inlinePolicies: { AdminAccess: allowAll },
        attachedPolicies: [],
        tags: {},
        groups: [],
      },
    },
    roles: {},
    groups: {},
    managedPolicies: {},
  };
}

export function iamTestState(): SandboxState {
  const credentials: Record<string, CredentialState> = {};
  return {
    formatVersion: stateFormatVersion,
    scenarioName: 'iam-test',
    defaultRegion: 'us-east-1',
    accounts: { [accountA]: accountWithAdmin(accountA, credentials), [accountB]: accountWithAdmin(accountB, credentials) },
    credentials,
    keys: {},
    aliases: {},
    revision: 0,
  };
}

export interface IamTestSandbox {
  readonly world: SandboxWorld;
  readonly running: RunningSandbox;
  readonly endpoint: string;
  /** One line per request, as the server logs them (never with secrets). */
  readonly log: string[];
  /** The access key of a user (the first one the user has). */
  credentialsOf(accountId: string, userName: string): StaticCredentials;
}

export async function startIamSandbox(): Promise<IamTestSandbox> {
  const world = new SandboxWorld(iamTestState());
  const log: string[] = [];
  const running = await startSandboxServer({ world, port: 0, host: '127.0.0.1', log: (line) => log.push(line) });
  return {
    world,
    running,
    endpoint: running.endpoint,
    log,
    credentialsOf(accountId, userName) {
      const credential = Object.values(world.state.credentials).find(
        (c) => c.kind === 'long-term' && c.accountId === accountId && c.userName === userName,
      );
      if (!credential) throw new Error(`no access key for ${userName} in ${accountId}`);
      return { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey };
    },
  };
}
