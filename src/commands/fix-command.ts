// `kms-doctor fix`: diagnose, show the plan, and — after an explicit confirmation — apply it safely,
// verify, and roll back everything if a step fails. Exit codes are documented in the README.
import { defaultBackupDir } from '../apply/backup.js';
import type { AwsSession } from '../aws/aws-session.js';
import { checkJson, colourWanted, humanReport, paint } from './check-report.js';
import { CheckFailure } from './check-command.js';
import { confirmWithYes } from './confirm-prompt.js';
import { fixUsage, parseFixArgs, type FixOptions } from './fix-args.js';
import { outcomeText, planText, progressLine } from './plan-report.js';
import { applyRemediation, planRemediation } from './remediate.js';
import { diagnosisRequest, DiagnosisStopped, openSession, runDiagnosis } from './run-diagnosis.js';

export const fixExitCodes = {
  done: 0,
  planHasChanges: 1,
  usage: 2,
  unknown: 3,
  rolledBack: 4,
  notVerified: 5,
  cancelled: 130,
} as const;

export interface FixIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly env: NodeJS.ProcessEnv;
}

const defaultIo: FixIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

export async function runFixCommand(args: readonly string[], io: FixIo = defaultIo): Promise<number> {
  const options = parseFixArgs(args);
  if (options === 'help') {
    io.stdout.write(fixUsage + '\n');
    return 0;
  }
  const session = await openSession(options, io.env);
  const asPrincipal = options.asProfile ? await openSession({ ...options, profile: options.asProfile }, io.env) : undefined;
  try {
    return await fix(options, session, asPrincipal, io);
  } catch (error) {
    if (error instanceof DiagnosisStopped) {
      if (error.kind === 'credentials') throw new CheckFailure(error.message, fixExitCodes.usage);
      throw new CheckFailure(`could not finish the diagnosis (${error.step}): ${error.message}`, fixExitCodes.unknown);
    }
    throw error;
  } finally {
    session.destroy();
    asPrincipal?.destroy();
  }
}

async function fix(options: FixOptions, session: AwsSession, asPrincipal: AwsSession | undefined, io: FixIo): Promise<number> {
  const p = paint(!options.json && colourWanted(io.stdout, io.env));
  const request = diagnosisRequest(options, session);
  const result = await runDiagnosis(session, request);
  const json: Record<string, unknown> = { diagnosis: checkJson(result) };
  const finish = (code: number, extra: Record<string, unknown> = {}) => {
    if (options.json) io.stdout.write(JSON.stringify({ ...json, ...extra, exitCode: code }, null, 2) + '\n');
    return code;
  };
  if (!options.json) io.stdout.write(humanReport(result, p));
  if (result.diagnosis.verdict === 'allowed') {
    if (!options.json) io.stdout.write('\nNothing to do: the call is already allowed.\n');
    return finish(fixExitCodes.done);
  }
  const plan = await planRemediation(session, result, request);
  json.plan = plan;
  if (!options.json) io.stdout.write('\n' + planText(plan, p));
  if (plan.steps.length === 0) {
    return finish(result.diagnosis.verdict === 'unknown' ? fixExitCodes.unknown : fixExitCodes.planHasChanges, { applied: false });
  }
  if (options.dryRun) return finish(fixExitCodes.planHasChanges, { applied: false });
  if (!options.yes) {
    const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY) && !options.json;
    if (!interactive) {
      io.stderr.write('kms-doctor: not applied: without a terminal, fix applies only with --yes (or use --dry-run to just see the plan)\n');
      return finish(fixExitCodes.planHasChanges, { applied: false });
    }
    const targets = [...new Set(plan.steps.map((step) => `${step.target.arn} (account ${step.target.accountId})`))];
    const approved = await confirmWithYes(`\nApply ${plan.steps.length} change(s) to:\n${targets.map((t) => `  ${t}`).join('\n')}\n?`, io.stdin, io.stderr);
    if (!approved) {
      io.stderr.write('kms-doctor: not applied: the answer was not yes\n');
      return finish(fixExitCodes.planHasChanges, { applied: false });
    }
  }
  const backupDir = options.backupDir ?? defaultBackupDir(io.env);
  if (!options.json) io.stdout.write(`\nApplying (backups in ${backupDir}):\n`);
  // Ctrl-C or SIGTERM stop at the next step boundary, never in the middle of a write.
  const interruption = new AbortController();
  const interrupt = () => interruption.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const outcome = await applyRemediation(session, plan, request, {
      backupDir,
      signal: interruption.signal,
      ...(asPrincipal ? { asPrincipal } : {}),
      onProgress: (event) => {
        const line = progressLine(event);
        if (line && !options.json) io.stdout.write(`  ${line}\n`);
      },
    });
    json.apply = outcome.report;
    if (outcome.verification) {
      const { outcome: verified, message, dryRuns, diagnosis } = outcome.verification;
      json.verification = { outcome: verified, message, dryRuns, verdict: diagnosis.verdict, causes: diagnosis.causes };
    }
    if (!options.json) io.stdout.write(outcomeText(outcome.report, outcome.verification, p));
    return finish(exitCodeFor(outcome.report.outcome, outcome.verification?.outcome), { applied: outcome.report.outcome.startsWith('applied') });
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

function exitCodeFor(applyOutcome: string, verification: string | undefined): number {
  switch (applyOutcome) {
    case 'cancelled':
      return fixExitCodes.cancelled;
    case 'applied':
    case 'applied-pending':
      return verification === 'verified' ? fixExitCodes.done : fixExitCodes.notVerified;
    default:
      return fixExitCodes.rolledBack;
  }
}
