// KMS VPC endpoints: a sandbox extension. A request sent to the endpoint path /vpce-…/ goes through that
// endpoint of the state, so its policy is a third gate beside the key policy and IAM (KMS developer
// guide, "Connect to an AWS KMS VPC endpoint": "A VPC endpoint policy must give the principal permission
// to use the endpoint to make the request"), and the request carries aws:SourceVpce and aws:SourceVpc.
// aws:SourceIp is not set through an endpoint (KMS developer guide, "Use VPC endpoints to control access
// to AWS KMS resources": aws:SourceIp "is not effective when the request comes from an Amazon VPC endpoint").
import type { NamedPolicy } from '../engine/policy-evaluation.js';
import type { IncomingCall } from './service-call.js';

/** The endpoint path of a VPC endpoint: /vpce-<8 or 17 hex digits>/ at the start of the URL. */
export const vpcEndpointPathPattern = /^\/(vpce-[0-9a-f]{8}(?:[0-9a-f]{9})?)(?:\/|\?|$)/;

export interface EndpointAuthorization {
  readonly vpcEndpointPolicy?: NamedPolicy;
  readonly context: Readonly<Record<string, string>>;
}

/** What going through the call's VPC endpoint (if any) adds to its authorization. */
export function endpointAuthorization(call: Pick<IncomingCall, 'world' | 'vpcEndpointId'>): EndpointAuthorization {
  const endpoint = call.vpcEndpointId !== undefined ? call.world.state.vpcEndpoints?.[call.vpcEndpointId] : undefined;
  if (!endpoint) return { context: {} };
  return {
    vpcEndpointPolicy: { name: endpoint.id, document: JSON.parse(endpoint.policy) as unknown },
    context: { 'aws:SourceVpce': endpoint.id, 'aws:SourceVpc': endpoint.vpcId },
  };
}
