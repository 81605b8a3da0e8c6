// `npm run bench -- blast-radius`: what the blast radius of a refused check costs on an account with
// many roles (issue 12: reads that do not grow with the account). The big account of scale-scenario.ts
// with `roleCount` more roles, each with an inline policy and two managed policies, on a sandbox
// answering 50 ms late like AWS. Two refused calls: one whose fix names only the diagnosed role (an IAM
// policy), and one whose key policy has a Deny on everyone that a fix alternative narrows (a change
// that reaches every role of the account, so they are listed, up to the bound).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsCallRecord } from '../src/aws/call-recorder.js';
import { createAwsSession } from '../src/aws/aws-session.js';
import { diagnosisRequest, runDiagnosis } from '../src/live/run-diagnosis.js';
import { keyFlag, principalFlag } from '../src/commands/check-args.js';
import { findOperation } from '../src/engine/operations.js';
import { startSandbox } from '../src/sandbox/command.js';
import { scaleKeyAlias, scaleKeyArn, scaleRoleArn, scaleScenario } from './scale-scenario.js';

export interface BlastRadiusCost {
  readonly label: string;
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  readonly iamCalls: number;
  readonly calls: number;
  readonly fixes: number;
  readonly titles: readonly string[];
  readonly notes: readonly string[];
}

const denyOnEveryone = {
  Sid: 'DecryptOnlyForTenants',
  Effect: 'Deny',
  Principal: '*',
  Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
  Resource: '*',
  Condition: { StringNotEquals: { 'kms:EncryptionContext:tenant': 'platform' } },
};

/** The big account with `roleCount` more roles; `guarded`: its key policy also refuses Decrypt to everyone outside the platform tenant's context. */
export function manyRolesScenario(roleCount: number, guarded: boolean): object {
  const base = scaleScenario(200) as { roles: object[]; managedPolicies: { name: string }[]; keys: { policy: { Statement: object[] } }[] } & Record<string, unknown>;
  const roles = Array.from({ length: roleCount }, (_, i) => ({
    name: `service-${String(i).padStart(4, '0')}`,
    sourceProfile: 'admin',
    attachedPolicies: [base.managedPolicies[i % 20]!.name, base.managedPolicies[(i + 7) % 20]!.name],
    inlinePolicies: { kms: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: i % 3 === 0 ? ['kms:Decrypt'] : ['kms:DescribeKey'], Resource: scaleKeyArn }] } },
  }));
  const key = base.keys[0]!;
  // The diagnosed role may decrypt by its IAM when guarded: only the Deny refuses it.
  const appRole = base.roles[0] as { inlinePolicies: Record<string, object> };
  const app = guarded ? { ...appRole, inlinePolicies: { ...appRole.inlinePolicies, decrypt: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: scaleKeyArn }] } } } : appRole;
  return {
    ...base,
    name: `many-roles-${roleCount}${guarded ? '-guarded' : ''}`,
    roles: [app, ...roles],
    keys: [{ ...key, policy: { ...key.policy, Statement: guarded ? [...key.policy.Statement, denyOnEveryone] : key.policy.Statement } }],
  };
}

const median = (sorted: readonly number[]): number => sorted[Math.floor(sorted.length / 2)]!;

async function measure(label: string, scenarioFile: string, latencyMs: number, runs: number, encryptionContext?: Record<string, string>): Promise<BlastRadiusCost> {
  const configDir = mkdtempSync(join(tmpdir(), 'kms-doctor-bench-'));
  try {
    const sandbox = await startSandbox({ scenario: scenarioFile, port: 0, host: '127.0.0.1', latencyMs, quiet: true, configDir });
    try {
      const env = { AWS_CONFIG_FILE: sandbox.configFile, AWS_SHARED_CREDENTIALS_FILE: sandbox.credentialsFile, AWS_EC2_METADATA_DISABLED: 'true' };
      let records: AwsCallRecord[] = [];
      let last: Awaited<ReturnType<typeof runDiagnosis>> | undefined;
      const check = async () => {
        records = [];
        const session = await createAwsSession({ profile: 'admin', endpointUrl: sandbox.running.endpoint, env, onCall: (record) => records.push(record) });
        try {
          last = await runDiagnosis(session, diagnosisRequest({ key: keyFlag(scaleKeyAlias), operation: findOperation('Decrypt')!, principal: principalFlag(scaleRoleArn), ...(encryptionContext ? { encryptionContext } : {}) }, session));
        } finally {
          session.destroy();
        }
      };
      await check();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await check();
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return {
        label,
        medianMs: median(times),
        runsMs: times,
        iamCalls: records.filter((r) => r.call.startsWith('iam:')).length,
        calls: records.length,
        fixes: last!.fixes.length,
        titles: last!.fixes.flatMap((f) => [f.title, ...(f.alternatives ?? []).map((a) => `  or ${a.title}`)]),
        notes: last!.diagnosis.notes.filter((n) => /blast radius/.test(n)),
      };
    } finally {
      await sandbox.running.close();
    }
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

export async function measureBlastRadiusCost(roleCount = 300, latencyMs = 50, runs = 5): Promise<BlastRadiusCost[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kms-doctor-blast-'));
  try {
    const results: BlastRadiusCost[] = [];
    for (const guarded of [false, true]) {
      const file = join(dir, `many-roles-${guarded}.json`);
      writeFileSync(file, JSON.stringify(manyRolesScenario(roleCount, guarded)));
      const label = guarded ? `${roleCount} roles, a Deny on everyone (a fix narrows it)` : `${roleCount} roles, the role's IAM lacks Decrypt (the fix names the role)`;
      results.push(await measure(label, file, latencyMs, runs, guarded ? { tenant: 't-0042' } : undefined));
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
