// A KMS dry run against an endpoint that ignores DryRun: CreateGrant then really creates a grant, which
// must be revoked at once (RevokeGrant with the GrantId it returned, through src/apply's TargetStore)
// and reported. A tiny fake KMS records every call, so the revoke is seen, not assumed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsSession, type AwsSession } from '../../src/aws/aws-session.js';
import { proveByDryRun, type DryRunRequest } from '../../src/apply/dry-run.js';
import { dryRunnerFor } from '../../src/aws/dry-run.js';
import { createTargetStore } from '../../src/aws/target-store.js';

/** The verification's composition: the SDK's dry runner, clean-up through the TargetStore. */
const dryRunAs = (clients: AwsSession, principalArn: string, request: DryRunRequest) => proveByDryRun(dryRunnerFor(clients, principalArn), createTargetStore(clients), request);

const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const principal = 'arn:aws:iam::111122223333:role/AppRole';
let server: Server;
let endpoint: string;
const calls: { operation: string; body: Record<string, unknown> }[] = [];
let revokeAnswer: { status: number; body: object } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace('TrentService.', '');
      calls.push({ operation, body: JSON.parse(text || '{}') as Record<string, unknown> });
      const answer = operation === 'CreateGrant' ? { status: 200, body: { GrantId: 'grant-ignored-dry-run', GrantToken: 'token' } } : operation === 'RevokeGrant' ? revokeAnswer : { status: 200, body: {} };
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  calls.length = 0;
  revokeAnswer = { status: 200, body: {} };
});

async function session(): Promise<AwsSession> {
  return createAwsSession({
    endpointUrl: endpoint,
    maxAttempts: 1,
    env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
  });
}

describe('a dry run the endpoint performed', () => {
  it('revokes the grant CreateGrant really created, and says so', async () => {
    const clients = await session();
    const result = await dryRunAs(clients, principal, { keyArn, region: 'us-east-1', action: 'kms:CreateGrant' });
    clients.destroy();
    expect(calls.map((c) => c.operation)).toEqual(['CreateGrant', 'RevokeGrant']);
    expect(calls[0]!.body).toMatchObject({ DryRun: true, GranteePrincipal: principal });
    expect(calls[1]!.body).toEqual({ KeyId: keyArn, GrantId: 'grant-ignored-dry-run' });
    expect(result).toMatchObject({ outcome: 'error', action: 'kms:CreateGrant', createdGrant: { grantId: 'grant-ignored-dry-run', revoked: true } });
    if (result.outcome !== 'error') throw new Error('expected an error outcome');
    expect(result.message).toBe('the endpoint performed kms:CreateGrant instead of a dry run; the grant it created (grant-ignored-dry-run) was revoked');
  });

  it('gives the command to revoke it when RevokeGrant is refused', async () => {
    revokeAnswer = { status: 400, body: { __type: 'AccessDeniedException', message: 'not authorized to perform kms:RevokeGrant' } };
    const clients = await session();
    const result = await dryRunAs(clients, principal, { keyArn, region: 'us-east-1', action: 'kms:CreateGrant' });
    clients.destroy();
    expect(result.createdGrant).toMatchObject({ grantId: 'grant-ignored-dry-run', revoked: false });
    expect(result.createdGrant!.note).toContain(`aws kms revoke-grant --key-id ${keyArn} --grant-id grant-ignored-dry-run --region us-east-1`);
    expect(result.createdGrant!.note).toContain('not authorized to perform kms:RevokeGrant');
  });

  it('other actions performed for real are reported without any revoke', async () => {
    const clients = await session();
    const result = await dryRunAs(clients, principal, { keyArn, region: 'us-east-1', action: 'kms:Encrypt' });
    clients.destroy();
    expect(calls.map((c) => c.operation)).toEqual(['Encrypt']);
    expect(result).toEqual({ outcome: 'error', action: 'kms:Encrypt', message: 'the endpoint performed kms:Encrypt instead of a dry run' });
  });
});
