// `npx tsx bench/scale-profile.ts [GRANTS] [RUNS]`: where the big account's `check` spends its CPU.
// Runs what `npm run bench -- scale` runs (in process, sandbox at no latency) RUNS times, then splits
// the evaluation of the facts it read into its phases — the diagnosis, the proof that the fixes are
// minimal, the blast radius — with the policy evaluations each asks for and does (the rest come from
// the memo) and its time. For the functions: `node --import tsx --cpu-prof --cpu-prof-dir=DIR
// bench/scale-profile.ts`, then bench/cpu-profile-top.ts on DIR's *.0.001.cpuprofile (the main thread);
// CHECK_ONLY=1 profiles only the checks, not the phases. Not a test: it measures and reports.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsSession } from '../src/aws/aws-session.js';
import { keyFlag, principalFlag } from '../src/commands/check-args.js';
import { blastRadiusStake, withBlastRadius } from '../src/engine/blast-radius.js';
import { diagnose } from '../src/engine/diagnose.js';
import { EvaluationMemo } from '../src/engine/evaluation-memo.js';
import { proposeMinimalFixes } from '../src/engine/minimal-fixes.js';
import { findOperation } from '../src/engine/operations.js';
import { diagnosisRequest, runDiagnosis, type CheckResult } from '../src/live/run-diagnosis.js';
import { startSandbox } from '../src/sandbox/command.js';
import { scaleKeyAlias, scaleRoleArn, scaleScenario } from './scale-scenario.js';

const grants = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'kms-doctor-scale-profile-'));
try {
  const file = join(dir, 'scale.json');
  writeFileSync(file, JSON.stringify(scaleScenario(grants)));
  const sandbox = await startSandbox({ scenario: file, port: 0, host: '127.0.0.1', latencyMs: 0, quiet: true, configDir: dir });
  try {
    const env = { AWS_CONFIG_FILE: sandbox.configFile, AWS_SHARED_CREDENTIALS_FILE: sandbox.credentialsFile, AWS_EC2_METADATA_DISABLED: 'true' };
    let last: CheckResult | undefined;
    const check = async () => {
      const session = await createAwsSession({ profile: 'admin', endpointUrl: sandbox.running.endpoint, env });
      try {
        last = await runDiagnosis(session, diagnosisRequest({ key: keyFlag(scaleKeyAlias), operation: findOperation('Decrypt')!, principal: principalFlag(scaleRoleArn) }, session));
      } finally {
        session.destroy();
      }
    };
    await check();
    const started = performance.now();
    for (let i = 0; i < runs; i++) await check();
    const checkMs = (performance.now() - started) / runs;
    console.log(`check, ${grants} grants, no latency: ${checkMs.toFixed(0)} ms a run (mean of ${runs}); ${last!.diagnosis.verdict} (${last!.diagnosis.causes.map((c) => c.code).join(', ')})`);

    // The evaluation of the facts, phase by phase, as evaluateFacts does it (the principals at stake already read).
    const facts = last!.facts;
    const phases: Record<string, { asked: number; evaluated: number; ms: number }> = {};
    for (let i = 0; i < (process.env.CHECK_ONLY ? 0 : runs); i++) {
      const memo = new EvaluationMemo();
      const evaluate = (changed: typeof facts) => diagnose(changed, { evaluations: memo });
      const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
        const [asked, evaluated, t0] = [memo.asked, memo.evaluated, performance.now()];
        const result = await work();
        const entry = (phases[name] ??= { asked: 0, evaluated: 0, ms: 0 });
        entry.asked += memo.asked - asked;
        entry.evaluated += memo.evaluated - evaluated;
        entry.ms += performance.now() - t0;
        return result;
      };
      const diagnosis = await phase('diagnose', () => evaluate(facts));
      const proven = await phase('fix proofs (minimal-fixes)', () => proposeMinimalFixes(facts, diagnosis, evaluate));
      await phase('blast radius', () => withBlastRadius(facts, proven.fixes, evaluate, blastRadiusStake(facts, proven.fixes)));
    }
    for (const [name, { asked, evaluated, ms }] of Object.entries(phases)) {
      console.log(`  ${name.padEnd(28)} ${(ms / runs).toFixed(1).padStart(6)} ms  ${String(asked / runs).padStart(4)} evaluations asked, ${String(evaluated / runs).padStart(4)} done`);
    }
  } finally {
    await sandbox.running.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
