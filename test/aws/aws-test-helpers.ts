// Shared by the src/aws tests: sessions on a sandbox (through its profile files or a user's keys),
// the diagnosis request of a scenario's training call, and counting sequential round trips.
import { keyRef, principalRef } from '../helpers/parsed-input.js';
import type { DiagnosisRequest } from '../../src/engine/facts.js';
import { findOperation, operationRequirements, type OperationRequirement } from '../../src/engine/operations.js';
import { createAwsSession, type AwsSession, type AwsSessionOptions } from '../../src/aws/aws-session.js';
import type { AwsCallRecord } from '../../src/aws/call-recorder.js';
import { userCredentials, type TestSandbox } from '../helpers/sandbox.js';

/** The environment of a process that knows only the sandbox's profile files (nothing leaks from the test runner's). */
export function profileEnv(sandbox: TestSandbox): NodeJS.ProcessEnv {
  return { AWS_CONFIG_FILE: sandbox.configFile, AWS_SHARED_CREDENTIALS_FILE: sandbox.credentialsFile };
}

/** A session using a sandbox profile (users and roles alike); endpoint and Region come from the profile. */
export function profileSession(sandbox: TestSandbox, profile: string, options: Partial<AwsSessionOptions> = {}): Promise<AwsSession> {
  return createAwsSession({ profile, env: profileEnv(sandbox), ...options });
}

/** A session with a user's access key in the environment, as after `aws configure export-credentials`. */
export function userSession(sandbox: TestSandbox, userName: string, options: Partial<AwsSessionOptions> = {}): Promise<AwsSession> {
  const { accessKeyId, secretAccessKey } = userCredentials(sandbox, userName);
  return createAwsSession({
    endpointUrl: sandbox.endpoint,
    env: { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' },
    ...options,
  });
}

/** The operation a training call stands for: through a service (kms:ViaService) when the call says so. */
function operationOf(call: { operation: string; viaService?: string }): OperationRequirement {
  const via = call.viaService?.split('.')[0];
  const found = via
    ? operationRequirements.find((op) => op.viaService === via && op.actions.includes(`kms:${call.operation}`))
    : findOperation(call.operation);
  if (!found) throw new Error(`no operation for ${call.operation} via ${via ?? 'nothing'}`);
  return found;
}

/** The diagnosis request for a scenario's training call; principalArn only when asked (diagnosing someone else). */
export function trainingRequest(sandbox: TestSandbox, options: { principalArn?: string } = {}): DiagnosisRequest {
  const training = sandbox.world.state.training;
  if (!training) throw new Error(`scenario ${sandbox.world.state.scenarioName} has no training section`);
  return {
    operation: operationOf(training.call),
    key: keyRef(training.call.key),
    region: sandbox.world.state.defaultRegion,
    ...(training.call.encryptionContext ? { encryptionContext: training.call.encryptionContext } : {}),
    ...(options.principalArn ? { principal: principalRef(options.principalArn) } : {}),
  };
}

/** The IAM ARN of a scenario principal (user or role) by name. */
export function principalArnOf(sandbox: TestSandbox, name: string): string {
  for (const account of Object.values(sandbox.world.state.accounts)) {
    const entity = account.users[name] ?? account.roles[name];
    if (entity) return entity.arn;
  }
  throw new Error(`no principal ${name} in the sandbox`);
}

export { callWaves as waves } from '../../src/aws/call-recorder.js';
