// The sandbox state while a scenario is being read: what the sections have built so far, and the
// lookups later sections check their references against (accounts, principals, managed policies).
import { nowIso } from '../ids.js';
import type { AccountState, AliasState, CredentialState, KeyState, VpcEndpointState } from '../state.js';
import { fieldPath, type JsonObject, type JsonReader } from './json-reader.js';
import { PolicyDocuments } from './policy-documents.js';

export interface PrincipalEntry {
  readonly kind: 'user' | 'role';
  readonly accountId: string;
  /** Where the principal is declared, e.g. users[2]. */
  readonly declaredAt: string;
}

export class ScenarioDraft {
  readonly policies: PolicyDocuments;
  /** When the file is loaded. */
  readonly loaded = nowIso();
  /**
   * One creation time for everything the scenario declares: a day before it is loaded, so the world has
   * been in place a while, as the story tells it. Otherwise every scenario grant would be seconds old and
   * still propagating (KMS's eventual consistency), which only a grant that says so
   * (notEffectiveForSeconds) should be.
   */
  readonly created = new Date(Date.parse(this.loaded) - 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  readonly accounts: Record<string, AccountState> = {};
  readonly credentials: Record<string, CredentialState> = {};
  readonly keys: Record<string, KeyState> = {};
  readonly aliases: Record<string, AliasState> = {};
  /** Users and roles by name: profiles are named after principals, so names are unique across the scenario. */
  readonly principalsByName = new Map<string, PrincipalEntry>();
  readonly principalArns = new Set<string>();
  /** Customer managed policy ARNs by `ACCOUNT/NAME`. */
  readonly managedPolicyArns = new Map<string, string>();
  readonly usersWithAccessKeys = new Set<string>();
  /** The scenario's KMS VPC endpoints, once that section is read (training calls may name one). */
  vpcEndpoints?: Record<string, VpcEndpointState>;

  constructor(
    readonly reader: JsonReader,
    readonly defaultRegion: string,
  ) {
    this.policies = new PolicyDocuments(reader);
  }

  /** The `account` field of a user, role, group, policy or key: required unless there is one account. */
  accountOf(entry: JsonObject, path: string): AccountState {
    if (entry.account === undefined) {
      const accounts = Object.values(this.accounts);
      if (accounts.length === 1) return accounts[0]!;
      this.reader.fail(fieldPath(path, 'account'), 'is required when the scenario declares more than one account');
    }
    const id = this.reader.accountId(entry.account, fieldPath(path, 'account'));
    const account = this.accounts[id];
    if (!account) this.reader.fail(fieldPath(path, 'account'), `account ${id} is not declared in accounts`);
    return account;
  }

  tagsOf(entry: JsonObject, path: string): Record<string, string> {
    return entry.tags === undefined ? {} : this.reader.stringMap(entry.tags, fieldPath(path, 'tags'));
  }
}
