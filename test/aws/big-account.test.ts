// A big account (bench/scale-scenario.ts): a key with a 61-statement policy and 5,000 grants, nearly
// all for other principals, and a role with 20 managed policies. The diagnosis reads only the grants
// that can decide the role's request — one ListGrants page, not fifty — and each managed policy once.
import { keyRef, principalRef } from '../helpers/parsed-input.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaleKeyAlias, scaleRoleArn, scaleScenario } from '../../bench/scale-scenario.js';
import type { AwsCallRecord } from '../../src/aws/call-recorder.js';
import { diagnosisRequest, runDiagnosis } from '../../src/live/run-diagnosis.js';
import { findOperation } from '../../src/engine/operations.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { profileSession } from './aws-test-helpers.js';

let sandbox: TestSandbox;
let scenarioDir: string;

beforeAll(async () => {
  scenarioDir = mkdtempSync(join(tmpdir(), 'kms-doctor-big-'));
  const file = join(scenarioDir, 'big.json');
  writeFileSync(file, JSON.stringify(scaleScenario(5_000)));
  sandbox = await startTestSandbox(file);
});

afterAll(async () => {
  await sandbox.stop();
  rmSync(scenarioDir, { recursive: true, force: true });
});

describe('check on a key with 5,000 grants and a role with 20 managed policies', () => {
  it("reads the role's 3 grants in one ListGrants call and each managed policy once, and finds the cause", async () => {
    const records: AwsCallRecord[] = [];
    const session = await profileSession(sandbox, 'admin', { onCall: (record) => records.push(record) });
    const result = await runDiagnosis(session, diagnosisRequest({ key: keyRef(scaleKeyAlias), operation: findOperation('Decrypt')!, principal: principalRef(scaleRoleArn) }, session));
    session.destroy();
    const grants = result.facts.grants;
    expect(grants.status === 'known' ? grants.value.map((g) => g.name).sort() : grants).toEqual(['platform-app-0', 'platform-app-1', 'platform-app-2']);
    const count = (call: string) => records.filter((r) => r.call === call).length;
    expect({ listGrants: count('kms:ListGrants'), getPolicy: count('iam:GetPolicy'), getPolicyVersion: count('iam:GetPolicyVersion') }).toEqual({
      listGrants: 1,
      getPolicy: 20,
      getPolicyVersion: 20,
    });
    expect(result.diagnosis.causes[0]?.code).toBe('identity-policy-missing-actions');
  });
});
