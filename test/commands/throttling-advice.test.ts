// AWS throttling (ThrottlingException, TooManyRequestsException) is not a permission problem: a read
// that AWS throttled is reported as throttled, with advice to retry later or lower the request rate,
// never "check your AWS credentials". The sandbox never throttles, so aws-sdk-client-mock makes the
// throttled calls fail; every other call goes through to a real sandbox.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyCredentialError } from '../../src/aws/aws-errors.js';
import { humanReport, checkJson, paint } from '../../src/commands/check-report.js';
import { runDiagnosis } from '../../src/live/run-diagnosis.js';
import { principalArnOf, userSession, trainingRequest } from '../aws/aws-test-helpers.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let sandbox: TestSandbox | undefined;
const restores: (() => void)[] = [];
afterEach(async () => {
  for (const restore of restores.splice(0)) restore();
  await sandbox?.stop();
  sandbox = undefined;
});

/** An error shaped as the SDK throws AWS's throttling answer (name, HTTP status, request ID). */
function throttled(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400, requestId: 'req-throttled' } });
}

describe('a throttled read', () => {
  it('says throttled and advises retrying later or slowing down, not checking credentials or permissions', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const sts = mockClient(STSClient);
    sts.send.callThrough();
    sts.on(GetCallerIdentityCommand).rejects(throttled('ThrottlingException', 'Rate exceeded'));
    const kms = mockClient(KMSClient);
    kms.send.callThrough();
    kms.on(ListGrantsCommand).rejects(throttled('TooManyRequestsException', 'Too many requests'));
    restores.push(() => sts.restore(), () => kms.restore());

    const session = await userSession(sandbox, 'admin');
    try {
      // The caller's identity, throttled: asked when no principal is named.
      const asCaller = await runDiagnosis(session, trainingRequest(sandbox));
      const caller = asCaller.diagnosis.unverified.find((u) => u.what === 'Who is calling');
      // The grants, throttled: read (filtered by grantee) once the principal is known, so it is named here.
      const result = await runDiagnosis(session, trainingRequest(sandbox, { principalArn: principalArnOf(sandbox, 'AppRole') }));
      const grants = result.diagnosis.unverified.find((u) => u.what.startsWith('Grants on the key'));
      for (const entry of [caller, grants]) {
        expect(entry?.why).toMatch(/failed \(throttled\)/);
        expect(entry?.howToVerify).toMatch(/throttled/);
        expect(entry?.howToVerify).toMatch(/run again in a minute/);
        expect(entry?.howToVerify).toMatch(/lower the request rate or concurrency/);
        expect(entry?.howToVerify).not.toMatch(/credentials|--key-profile|--profile|kms:ListGrants/);
      }
      const printed = humanReport(result, paint(false));
      expect(printed).toContain('run again in a minute');
      expect(printed).not.toContain('check your AWS credentials');
      expect(JSON.stringify(checkJson(result))).toContain('lower the request rate or concurrency');
    } finally {
      session.destroy();
    }
  });
});

describe('throttling while getting credentials (STS AssumeRole for a role profile)', () => {
  it('is classified as throttling, not as unusable credentials', () => {
    for (const error of [throttled('Throttling', 'Rate exceeded'), Object.assign(new Error('Too Many Requests'), { name: 'Unknown', $metadata: { httpStatusCode: 429 } })]) {
      const classified = classifyCredentialError(error, { profile: 'app' });
      expect(classified.kind).toBe('throttled');
      expect(classified.message).toMatch(/^Getting credentials for profile 'app': AWS throttled the call .*run again in a minute/);
      expect(classified.message).not.toMatch(/Could not get AWS credentials|--profile NAME/);
    }
  });
});
