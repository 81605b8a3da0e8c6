// `npm run bench -- scale`: `kms-doctor check` on a big account (scale-scenario.ts: a 61-statement key
// policy, 5,000 grants, a role with 20 managed policies), on the same with 10× the grants, and on a
// playbook scenario, each on a sandbox answering 50 ms late like AWS. The figures that matter are
// ratios to the playbook scenario measured in the same run, and the sequential round trips.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callWaves, type AwsCallRecord } from '../src/aws/call-recorder.js';
import { createAwsSession } from '../src/aws/aws-session.js';
import { diagnosisRequest, runDiagnosis } from '../src/live/run-diagnosis.js';
import { keyFlag, principalFlag } from '../src/commands/check-args.js';
import { findOperation } from '../src/engine/operations.js';
import { startChildServer } from './child-server.js';
import { bundle, ensureBuilt } from './first-frame.js';
import { scaleKeyAlias, scaleRoleArn, scaleScenario } from './scale-scenario.js';

export interface ScaleCase {
  readonly label: string;
  /** Every run's time, sorted (ms). */
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  /**
   * Sequential round trips, and those after the wave in which GetCallerIdentity answered: the fewest
   * of the runs (the calls' dependency depth) and the most (on a busy machine, answers to one wave
   * arrive spread out, and a call that starts after some of them looks one wave deeper).
   */
  readonly roundTrips: number;
  readonly roundTripsAfterCaller: number;
  readonly mostRoundTrips: number;
  readonly calls: number;
  readonly listGrantsCalls: number;
  readonly verdict: string;
  readonly cause: string | undefined;
}

interface CaseSpec {
  readonly label: string;
  readonly scenario: string;
  readonly key: string;
  readonly principal: string;
}

const median = (sorted: readonly number[]): number => sorted[Math.floor(sorted.length / 2)]!;

async function measureCase(spec: CaseSpec, latencyMs: number, runs: number): Promise<ScaleCase> {
  const configDir = mkdtempSync(join(tmpdir(), 'kms-doctor-bench-'));
  try {
    // The sandbox runs as users run it, in a process of its own: its CPU (AWS's, for a real check) is not
    // in the measured client's process.
    const sandbox = await startChildServer([bundle, 'sandbox', '--scenario', spec.scenario, '--port', '0', '--latency', String(latencyMs), '--quiet', '--config-dir', configDir]);
    try {
      const env = { AWS_CONFIG_FILE: join(configDir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(configDir, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true' };
      let records: AwsCallRecord[] = [];
      let last: Awaited<ReturnType<typeof runDiagnosis>> | undefined;
      // What `check --profile admin --key K --operation Decrypt --principal P` does once its arguments are read.
      const check = async () => {
        records = [];
        const session = await createAwsSession({ profile: 'admin', endpointUrl: sandbox.endpoint, env, onCall: (record) => records.push(record) });
        try {
          last = await runDiagnosis(session, diagnosisRequest({ key: keyFlag(spec.key), operation: findOperation('Decrypt')!, principal: principalFlag(spec.principal) }, session));
        } finally {
          session.destroy();
        }
      };
      await check(); // warm-up: module loading, connections
      const times: number[] = [];
      const waveCounts: { total: number; afterCaller: number }[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await check();
        times.push(performance.now() - started);
        const waves = callWaves(records);
        waveCounts.push({ total: waves.length, afterCaller: waves.length - (waves.findIndex((wave) => wave.includes('sts:GetCallerIdentity')) + 1) });
      }
      times.sort((a, b) => a - b);
      const fewest = waveCounts.reduce((a, b) => (b.total < a.total ? b : a));
      return {
        label: spec.label,
        runsMs: times,
        medianMs: median(times),
        roundTrips: fewest.total,
        roundTripsAfterCaller: fewest.afterCaller,
        mostRoundTrips: Math.max(...waveCounts.map((w) => w.total)),
        calls: records.length,
        listGrantsCalls: records.filter((r) => r.call === 'kms:ListGrants').length,
        verdict: last!.diagnosis.verdict,
        cause: last!.diagnosis.causes[0]?.code,
      };
    } finally {
      await sandbox.stop();
    }
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

/** The playbook scenario first, then the big account and the one with 10× its grants, one sandbox each. */
export async function measureScale(latencyMs = 50, runs = 5, grantCounts: readonly number[] = [5_000, 50_000]): Promise<ScaleCase[]> {
  ensureBuilt();
  const scenarioDir = mkdtempSync(join(tmpdir(), 'kms-doctor-scale-'));
  try {
    const cases: CaseSpec[] = [
      { label: 'playbook no-iam-delegation', scenario: 'no-iam-delegation', key: 'alias/orders-data', principal: 'arn:aws:iam::111122223333:role/AppRole' },
      ...grantCounts.map((count) => {
        const file = join(scenarioDir, `scale-${count}.json`);
        writeFileSync(file, JSON.stringify(scaleScenario(count)));
        return { label: `big account, ${count} grants`, scenario: file, key: scaleKeyAlias, principal: scaleRoleArn };
      }),
    ];
    const results: ScaleCase[] = [];
    for (const spec of cases) results.push(await measureCase(spec, latencyMs, runs));
    return results;
  } finally {
    rmSync(scenarioDir, { recursive: true, force: true });
  }
}
