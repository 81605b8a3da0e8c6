// The `accounts` section: read first, because every other section places its resources in an account.
import { fieldPath, type JsonReader } from './json-reader.js';
import type { ScenarioDraft } from './scenario-draft.js';

export function readAccounts(draft: ScenarioDraft, value: unknown): void {
  const reader: JsonReader = draft.reader;
  const { accounts } = draft;
  const ids = reader.array(value, 'accounts', (item, path) => {
    const entry = reader.object(item, path, ['id'], ['name']);
    const id = reader.accountId(entry.id, fieldPath(path, 'id'));
    if (accounts[id]) reader.fail(fieldPath(path, 'id'), `account ${id} is declared twice`);
    accounts[id] = {
      id,
      ...(entry.name !== undefined ? { name: reader.nonEmptyString(entry.name, fieldPath(path, 'name')) } : {}),
      users: {},
      roles: {},
      groups: {},
      managedPolicies: {},
    };
    return id;
  });
  if (ids.length === 0) reader.fail('accounts', 'must declare at least one account');
}
