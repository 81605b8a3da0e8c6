// IAM (2010-05-08) and STS (2011-06-15) over the Query protocol: the form body's Action picks the
// operation, Version must be the service's API version, and every failure, including our own bugs,
// becomes an <ErrorResponse> the SDK and botocore can parse. Unknown actions get AWS's
// "Could not find operation X for version V" (InvalidAction, seen in aws/aws-cli#37); a request
// without Action gets MissingAction.
import { InvalidPolicyError } from '../../engine/policy-evaluation.js';
import { AwsError } from '../errors.js';
import { parseQueryParams, successXml } from '../query-protocol.js';
import { renderError, type IncomingCall, type ServiceResponse } from '../service-call.js';
import { stsOperations } from '../sts/sts-operations.js';
import { accessKeyOperations } from './access-keys.js';
import { attachedPolicyOperations } from './attached-policies.js';
import { boundaryOperations } from './boundaries.js';
import { entityListingOperations } from './entity-listings.js';
import { groupOperations } from './groups.js';
import { iamNamespace, stsNamespace, type OperationTable } from './iam-common.js';
import { inlinePolicyOperations } from './inline-policies.js';
import { managedPolicyOperations } from './managed-policies.js';
import { policyVersionOperations } from './policy-versions.js';
import { roleOperations } from './roles.js';
import { simulationOperations } from './simulate-principal-policy.js';
import { userOperations } from './users.js';

const iamOperations: OperationTable = {
  ...userOperations,
  ...accessKeyOperations,
  ...roleOperations,
  ...entityListingOperations,
  ...groupOperations,
  ...inlinePolicyOperations,
  ...attachedPolicyOperations,
  ...boundaryOperations,
  ...managedPolicyOperations,
  ...policyVersionOperations,
  ...simulationOperations,
};

interface QueryService {
  readonly service: 'iam' | 'sts';
  readonly version: string;
  readonly namespace: string;
  readonly operations: OperationTable;
}

const iam: QueryService = { service: 'iam', version: '2010-05-08', namespace: iamNamespace, operations: iamOperations };
const sts: QueryService = { service: 'sts', version: '2011-06-15', namespace: stsNamespace, operations: stsOperations };

const xmlContentType = 'text/xml';

function unexpectedFailure(service: QueryService['service'], error: unknown): AwsError {
  if (error instanceof InvalidPolicyError) {
    // A stored policy the evaluator cannot read (state edited by hand): say which one.
    return new AwsError(service === 'iam' ? 'ServiceFailure' : 'InternalFailure', `The sandbox cannot evaluate ${error.message}`, 500);
  }
  return service === 'iam'
    ? new AwsError('ServiceFailure', 'Request processing has failed due to some unknown error, exception or failure.', 500)
    : new AwsError('InternalFailure', 'An internal error occurred.', 500);
}

async function handle(service: QueryService, call: IncomingCall): Promise<ServiceResponse> {
  const params = parseQueryParams(call.body.toString('utf8'), call.rawQuery);
  const action = params.get('Action') ?? '';
  const operation = `${service.service}:${action || '?'}`;
  const fail = (error: AwsError): ServiceResponse => ({ ...renderError(service.service, error, call.requestId), operation });
  if (action === '') return fail(new AwsError('MissingAction', 'Missing Action', 400));
  const version = params.get('Version') ?? '';
  const run = Object.hasOwn(service.operations, action) ? service.operations[action] : undefined;
  if (!run || version !== service.version) {
    return fail(new AwsError('InvalidAction', `Could not find operation ${action} for version ${version || 'NO_VERSION_SPECIFIED'}`, 400));
  }
  try {
    const result = await run(call, params);
    return { status: 200, contentType: xmlContentType, body: successXml(service.namespace, action, result, call.requestId), operation };
  } catch (error) {
    return fail(error instanceof AwsError ? error : unexpectedFailure(service.service, error));
  }
}

export const handleIamRequest = (call: IncomingCall): Promise<ServiceResponse> => handle(iam, call);
export const handleStsRequest = (call: IncomingCall): Promise<ServiceResponse> => handle(sts, call);
