// The `vpcEndpoints` section: KMS interface VPC endpoints, each with its policy. A call sent to the
// endpoint path /vpce-…/ goes through one (src/sandbox/vpc-endpoints.ts). Without a policy, an endpoint
// has AWS's default, which allows everything (AWS PrivateLink guide, "Control access to VPC endpoints
// using endpoint policies").
import type { VpcEndpointState } from '../state.js';
import { fieldPath, type JsonReader } from './json-reader.js';
import type { ScenarioDraft } from './scenario-draft.js';

const formats = {
  id: { pattern: /^vpce-[0-9a-f]{8}(?:[0-9a-f]{9})?$/, hint: 'a VPC endpoint ID such as vpce-0a1b2c3d4e5f60718 (8 or 17 hexadecimal digits)' },
  vpcId: { pattern: /^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$/, hint: 'a VPC ID such as vpc-0a1b2c3d4e5f60718' },
};

const fullAccess = { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] };

/**
 * The sandbox's evaluator accepts only Principal "*" in an endpoint policy; principals are named with an
 * aws:PrincipalArn condition, which every endpoint type reads the same way.
 */
function requireAnyPrincipal(reader: JsonReader, document: Readonly<Record<string, unknown>>, path: string): void {
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  statements.forEach((statement, index) => {
    const principal = (statement as Record<string, unknown> | undefined)?.Principal;
    if (principal !== '*') {
      reader.fail(`${path}.Statement[${index}].Principal`, 'must be "*" in a VPC endpoint policy here; name principals with a condition on aws:PrincipalArn');
    }
  });
}

export function readVpcEndpoints(draft: ScenarioDraft, value: unknown): Record<string, VpcEndpointState> {
  const reader: JsonReader = draft.reader;
  const endpoints: Record<string, VpcEndpointState> = {};
  reader.array(value, 'vpcEndpoints', (item, path) => {
    const entry = reader.object(item, path, ['id', 'vpcId'], ['account', 'policy']);
    const id = reader.string(entry.id, fieldPath(path, 'id'), formats.id);
    if (endpoints[id]) reader.fail(fieldPath(path, 'id'), `VPC endpoint ${id} is declared twice`);
    const account = draft.accountOf(entry, path);
    endpoints[id] = {
      id,
      accountId: account.id,
      vpcId: reader.string(entry.vpcId, fieldPath(path, 'vpcId'), formats.vpcId),
      policy:
        entry.policy === undefined
          ? JSON.stringify(fullAccess, null, 2)
          : draft.policies.read(entry.policy, fieldPath(path, 'policy'), 'resource', (document) => requireAnyPrincipal(reader, document, fieldPath(path, 'policy'))),
    };
  });
  return endpoints;
}
