// A parsed scenario → sandbox state, section by section.
import { stateFormatVersion, type SandboxState } from '../state.js';
import { readAccounts } from './accounts-section.js';
import { readGroup, readManagedPolicy, readRole, readUser } from './iam-section.js';
import type { JsonReader } from './json-reader.js';
import { readKey } from './keys-section.js';
import { readOrganization } from './organization-section.js';
import { ScenarioDraft } from './scenario-draft.js';
import { readTraining } from './training-section.js';
import { readVpcEndpoints } from './vpc-endpoints-section.js';

const scenarioNameFormat = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Builds the state section by section, in an order where every reference points backwards:
 * accounts, managed policies, groups, users, roles, keys, VPC endpoints, organization, training.
 * `defaultName` names the scenario when the file does not.
 */
export async function buildSandboxState(reader: JsonReader, raw: unknown, defaultName: string): Promise<SandboxState> {
  const top = reader.object(raw, '', ['accounts'], [
    'name',
    'title',
    'summary',
    'defaultRegion',
    'organization',
    'managedPolicies',
    'groups',
    'users',
    'roles',
    'keys',
    'vpcEndpoints',
    'training',
  ]);
  const scenarioName =
    top.name === undefined ? defaultName : reader.string(top.name, 'name', { pattern: scenarioNameFormat, hint: 'a name of lowercase letters, digits and dashes' });
  if (top.title !== undefined) reader.nonEmptyString(top.title, 'title');
  if (top.summary !== undefined) reader.string(top.summary, 'summary');
  const defaultRegion = top.defaultRegion === undefined ? 'us-east-1' : reader.region(top.defaultRegion, 'defaultRegion');
  const draft = new ScenarioDraft(reader, defaultRegion);
  readAccounts(draft, top.accounts);
  const section = (field: string, read: (draft: ScenarioDraft, item: unknown, path: string) => void) => {
    if (top[field] !== undefined) reader.array(top[field], field, (item, path) => read(draft, item, path));
  };
  section('managedPolicies', readManagedPolicy);
  section('groups', readGroup);
  section('users', readUser);
  const roleSources: (() => void)[] = [];
  section('roles', (_, item, path) => roleSources.push(readRole(draft, item, path)));
  // Source profiles may name users declared after the role, so they are resolved once all are known.
  for (const resolveSource of roleSources) resolveSource();
  section('keys', readKey);
  const vpcEndpoints = top.vpcEndpoints === undefined ? undefined : readVpcEndpoints(draft, top.vpcEndpoints);
  if (vpcEndpoints) draft.vpcEndpoints = vpcEndpoints;
  const organization = top.organization === undefined ? undefined : readOrganization(draft, top.organization);
  const training = top.training === undefined ? undefined : readTraining(draft, top.training);
  await draft.policies.validateAll();
  return {
    formatVersion: stateFormatVersion,
    scenarioName,
    defaultRegion,
    accounts: draft.accounts,
    ...(organization ? { organization } : {}),
    credentials: draft.credentials,
    keys: draft.keys,
    aliases: draft.aliases,
    ...(vpcEndpoints ? { vpcEndpoints } : {}),
    ...(training ? { training } : {}),
    revision: 0,
  };
}
