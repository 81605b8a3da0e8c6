// Writes the standard AWS shared config and credentials files for a sandbox: one profile per principal,
// named after it, so `aws --profile AppRole …` and any SDK reach the sandbox as that principal. Users get
// their access key; roles get role_arn + source_profile and are assumed through the sandbox's STS.
// The files hold secrets: they are created 0600 in a 0700 directory, and nothing here prints them.
import { join } from 'node:path';
import { ensurePrivateDirectory, removeStaleTemporaryFiles, writePrivateFileAtomically } from './private-files.js';
import type { CredentialState, SandboxState } from './state.js';

export interface WrittenProfile {
  readonly name: string;
  readonly principalArn: string;
  readonly kind: 'user' | 'role';
}

export interface WrittenProfiles {
  readonly configFile: string;
  readonly credentialsFile: string;
  readonly profiles: WrittenProfile[];
}

/** Session name every role profile uses, so sandbox logs and errors show who assumed the role. */
export const roleSessionName = 'kms-doctor';

type LongTermCredential = Extract<CredentialState, { kind: 'long-term' }>;

function section(header: string, settings: readonly [string, string][]): string {
  return [`[${header}]`, ...settings.map(([key, value]) => `${key} = ${value}`)].join('\n') + '\n';
}

/**
 * Writes DIR/config and DIR/credentials with a profile for every user that has an active access key and
 * every role that has a source profile. There is deliberately no default profile.
 */
export function writeProfiles(state: SandboxState, dir: string, endpoint: string): WrittenProfiles {
  ensurePrivateDirectory(dir);
  const region = state.defaultRegion;
  const configSections: string[] = [];
  const credentialSections: string[] = [];
  const profiles: WrittenProfile[] = [];
  const userProfiles = new Set<string>();

  const longTerm = Object.values(state.credentials).filter((c): c is LongTermCredential => c.kind === 'long-term' && c.status === 'Active');
  for (const account of Object.values(state.accounts)) {
    for (const user of Object.values(account.users)) {
      const credential = longTerm.find((c) => c.accountId === account.id && c.userName === user.name);
      if (!credential) continue;
      configSections.push(section(`profile ${user.name}`, [['region', region], ['output', 'json'], ['endpoint_url', endpoint]]));
      credentialSections.push(
        section(user.name, [
          ['aws_access_key_id', credential.accessKeyId],
          ['aws_secret_access_key', credential.secretAccessKey],
        ]),
      );
      profiles.push({ name: user.name, principalArn: user.arn, kind: 'user' });
      userProfiles.add(user.name);
    }
  }
  for (const account of Object.values(state.accounts)) {
    for (const role of Object.values(account.roles)) {
      if (role.sourceProfile === undefined || !userProfiles.has(role.sourceProfile)) continue;
      configSections.push(
        section(`profile ${role.name}`, [
          ['role_arn', role.arn],
          ['source_profile', role.sourceProfile],
          ['role_session_name', roleSessionName],
          ['region', region],
          ['output', 'json'],
          ['endpoint_url', endpoint],
        ]),
      );
      profiles.push({ name: role.name, principalArn: role.arn, kind: 'role' });
    }
  }

  const configFile = join(dir, 'config');
  const credentialsFile = join(dir, 'credentials');
  const header = `# Written by kms-doctor for the sandbox at ${endpoint} (scenario ${state.scenarioName}).\n`;
  // Through a temporary file and a rename (a reader never sees half a file), created exclusively with
  // mode 0600 under a random name; leftovers of a writer that was killed are removed first.
  removeStaleTemporaryFiles(configFile);
  removeStaleTemporaryFiles(credentialsFile);
  writePrivateFileAtomically(configFile, [header, ...configSections].join('\n'));
  writePrivateFileAtomically(credentialsFile, [header, ...credentialSections].join('\n'));
  return { configFile, credentialsFile, profiles };
}
