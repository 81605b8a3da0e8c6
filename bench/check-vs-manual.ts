// `kms-doctor check` against the playbook's manual checklist — aws kms describe-key, aws kms
// get-key-policy, aws iam simulate-principal-policy, aws kms list-grants, run one after another — on
// the same sandbox with --latency 50 (a real AWS round trip), diagnosing the no-iam-delegation scenario.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callWaves, type AwsCallRecord } from '../src/aws/call-recorder.js';
import { createAwsSession } from '../src/aws/aws-session.js';
import { diagnosisRequest, runDiagnosis } from '../src/live/run-diagnosis.js';
import { keyFlag, principalFlag } from '../src/commands/check-args.js';
import { findOperation } from '../src/engine/operations.js';
import { startSandbox } from '../src/sandbox/command.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const awsCli = '/usr/bin/aws';

export interface CheckVsManual {
  readonly latencyMs: number;
  readonly runs: number;
  readonly manualMs: number;
  readonly checkInProcessMs: number;
  readonly checkCommandMs: number;
  readonly checkRoundTrips: number;
  readonly checkCalls: number;
  readonly manualRoundTrips: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { env, cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) =>
      // check exits 1 for "denied": that is its answer, not a failure.
      error && !(file === process.execPath && error.code === 1) ? reject(new Error(`${args.join(' ')}: ${stderr}`)) : resolve(),
    ),
  );
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

export async function measureCheckVsManual(latencyMs = 50, runs = 5): Promise<CheckVsManual> {
  const configDir = mkdtempSync(join(tmpdir(), 'kms-doctor-bench-'));
  const sandbox = await startSandbox({ scenario: 'no-iam-delegation', port: 0, host: '127.0.0.1', latencyMs, quiet: true, configDir });
  const endpoint = sandbox.running.endpoint;
  const env = { ...process.env, AWS_CONFIG_FILE: sandbox.configFile, AWS_SHARED_CREDENTIALS_FILE: sandbox.credentialsFile, AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true', AWS_PROFILE: '' };
  const keyArn = Object.values(sandbox.world.state.keys)[0]!.arn;
  const roleArn = 'arn:aws:iam::111122223333:role/AppRole';
  const cli = (...args: string[]) => run(awsCli, [...args, '--endpoint-url', endpoint, '--profile', 'admin', '--region', 'us-east-1', '--output', 'json'], env);
  const manual = async () => {
    await cli('kms', 'describe-key', '--key-id', 'alias/orders-data');
    await cli('kms', 'get-key-policy', '--key-id', keyArn, '--policy-name', 'default');
    await cli('iam', 'simulate-principal-policy', '--policy-source-arn', roleArn, '--action-names', 'kms:Decrypt', '--resource-arns', keyArn);
    await cli('kms', 'list-grants', '--key-id', keyArn);
  };
  const options = { key: keyFlag('alias/orders-data'), operation: findOperation('Decrypt')!, principal: principalFlag(roleArn) };
  let records: AwsCallRecord[] = [];
  const inProcess = async () => {
    records = [];
    const session = await createAwsSession({ profile: 'admin', endpointUrl: endpoint, env, onCall: (record) => records.push(record) });
    try {
      const result = await runDiagnosis(session, diagnosisRequest(options, session));
      if (result.diagnosis.causes[0]?.code !== 'key-policy-no-iam-delegation') throw new Error('check did not find the cause');
    } finally {
      session.destroy();
    }
  };
  const command = () =>
    run(process.execPath, ['--import', 'tsx', 'src/cli.tsx', 'check', '--json', '--profile', 'admin', '--endpoint-url', endpoint, '--key', 'alias/orders-data', '--operation', 'Decrypt', '--principal', roleArn], env);
  try {
    // One warm-up of each, then the measured runs.
    await manual();
    await inProcess();
    await command();
    const manualTimes: number[] = [];
    const inProcessTimes: number[] = [];
    const commandTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      manualTimes.push(await timed(manual));
      inProcessTimes.push(await timed(inProcess));
      commandTimes.push(await timed(command));
    }
    return {
      latencyMs,
      runs,
      manualMs: median(manualTimes),
      checkInProcessMs: median(inProcessTimes),
      checkCommandMs: median(commandTimes),
      checkRoundTrips: callWaves(records).length,
      checkCalls: records.length,
      manualRoundTrips: 4,
    };
  } finally {
    await sandbox.running.close();
    rmSync(configDir, { recursive: true, force: true });
  }
}
