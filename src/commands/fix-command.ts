// `kms-doctor fix`: diagnose, show the plan, and — after an explicit confirmation — apply it safely,
// verify, and roll back everything if a step fails. Exit codes are documented in the README.
import { defaultBackupDir, prepareBackupDir } from '../apply/backup.js';
import { displaySafe, printableLine } from '../engine/display-text.js';
import type { AwsSession } from '../aws/aws-session.js';
import { checkJson, colourWanted, humanReport, paint, type CheckResult } from './check-report.js';
import { CheckFailure, writeFixFiles } from './check-command.js';
import { confirmWithYes } from './confirm-prompt.js';
import { fixExamples, fixUsage, parseFixArgs, type FixOptions } from './fix-args.js';
import { blastRadiusText, exitCodeFor, fixExitCodes, nothingToApply, planBlastRadius } from './fix-report.js';
import { outcomeText, planText, progressLine } from './plan-report.js';
import { jsonEnvelope } from './json-output.js';
import { mfaPrompt } from './mfa-prompt.js';
import { commandConnectionOf, eventWithConnection, fixesWithConnection, planWithConnection, reportWithConnection } from './printed-commands.js';
import { applyRemediation, planRemediation } from '../live/remediate.js';
import { openSession } from '../live/open-session.js';
import { diagnosisRequest, DiagnosisStopped, runDiagnosis } from '../live/run-diagnosis.js';
import { stoppedReport } from './stopped-report.js';

export { fixExitCodes };

export interface FixIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly env: NodeJS.ProcessEnv;
}

const defaultIo: FixIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

export async function runFixCommand(args: readonly string[], io: FixIo = defaultIo): Promise<number> {
  const options = await parseFixArgs(args);
  if (options === 'help') {
    io.stdout.write(`${fixUsage}\n\n${fixExamples}\n`);
    return 0;
  }
  // A backup directory that cannot be used is known before any AWS call, diagnosis or prompt.
  const backupDir = options.backupDir ?? defaultBackupDir(io.env);
  if (!options.dryRun) {
    try {
      await prepareBackupDir(backupDir);
    } catch (error) {
      throw new CheckFailure(`${options.backupDir !== undefined ? '--backup-dir ' : 'the backup directory '}${error instanceof Error ? error.message : String(error)}`, fixExitCodes.usage);
    }
  }
  const session = await openSession(options, io.env, mfaPrompt(io.stdin, io.stderr));
  const asPrincipal = options.asProfile ? await openSession({ ...options, profile: options.asProfile }, io.env) : undefined;
  try {
    return await fix(options, backupDir, session, asPrincipal, io);
  } catch (error) {
    if (error instanceof DiagnosisStopped) {
      const { message, exitCode } = stoppedReport(error);
      throw new CheckFailure(message, exitCode === 2 ? fixExitCodes.usage : fixExitCodes.unknown, error.kind);
    }
    throw error;
  } finally {
    session.destroy();
    asPrincipal?.destroy();
  }
}

/**
 * Ctrl-C and SIGTERM while applying: the first one asks applyPlan to stop at the next step boundary (and
 * roll back); the handlers stay for the whole apply, so a second signal cannot kill the process in the
 * middle of a write or a rollback. The message is printed once.
 */
function interruptions(io: FixIo): { readonly signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    io.stderr.write('kms-doctor: rolling back at the next step boundary, please wait\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

async function fix(options: FixOptions, backupDir: string, session: AwsSession, asPrincipal: AwsSession | undefined, io: FixIo): Promise<number> {
  const p = paint(!options.json && colourWanted(io.stdout, io.env));
  const request = diagnosisRequest(options, session);
  const diagnosed = await runDiagnosis(session, request);
  // What is printed (and in the JSON) carries the profile, Region and endpoint of this run; what is applied is the plan itself.
  const connection = commandConnectionOf(session, diagnosed.facts);
  const printable = { ...diagnosed, fixes: fixesWithConnection(diagnosed.fixes, connection) };
  if (options.fixFilesDir !== undefined) writeFixFiles(options.fixFilesDir, diagnosed.fixes, options.json);
  const json: Record<string, unknown> = { diagnosis: checkJson(printable) };
  const result = options.alternative === undefined || diagnosed.diagnosis.verdict === 'allowed' ? diagnosed : withAlternative(diagnosed, options.alternative);
  const finish = (code: number, extra: Record<string, unknown> = {}) => {
    if (options.json) io.stdout.write(JSON.stringify(jsonEnvelope({ ...json, ...extra, exitCode: code }), null, 2) + '\n');
    return code;
  };
  // Data from AWS is shown through displaySafe: control characters in it are escaped, never obeyed.
  if (!options.json) io.stdout.write(humanReport(displaySafe(printable), p));
  if (result.diagnosis.verdict === 'allowed') {
    if (!options.json) io.stdout.write('\nNothing to do: the call is already allowed.\n');
    return finish(fixExitCodes.done);
  }
  const plan = await planRemediation(session, result, request);
  const printablePlan = planWithConnection(plan, connection);
  json.plan = printablePlan;
  if (!options.json) io.stdout.write('\n' + planText(displaySafe(printablePlan), p));
  if (!options.json && options.fixFilesDir === undefined && plan.steps.some((step) => step.command.includes('file://kms-doctor-'))) {
    io.stdout.write(p.dim('The documents the aws CLI commands read (file://…): kms-doctor fix --fix-files DIR (or check --fix-files DIR) writes them into DIR.\n'));
  }
  if (plan.steps.length === 0) {
    io.stderr.write(`kms-doctor: nothing kms-doctor can apply: ${printableLine(nothingToApply(result, plan))}\n`);
    return finish(fixExitCodes.unknown, { applied: false });
  }
  const blastRadius = planBlastRadius(result, plan);
  json.blastRadius = blastRadius;
  if (!options.json && blastRadius.length > 0) io.stdout.write('\n' + blastRadiusText(blastRadius, p));
  if (options.dryRun) return finish(fixExitCodes.planHasChanges, { applied: false });
  if (options.yes && blastRadius.length > 0 && !options.acceptBlastRadius) {
    io.stderr.write('kms-doctor: not applied: the plan newly allows more than the failing call (see "Blast radius"); review it, then add --accept-blast-radius to --yes to apply anyway\n');
    return finish(fixExitCodes.planHasChanges, { applied: false });
  }
  if (!options.yes) {
    const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY) && !options.json;
    if (!interactive) {
      io.stderr.write('kms-doctor: not applied: without a terminal, fix applies only with --yes (or use --dry-run to just see the plan)\n');
      return finish(fixExitCodes.planHasChanges, { applied: false });
    }
    const targets = [...new Set(plan.steps.map((step) => printableLine(`${step.target.arn} (account ${step.target.accountId})`)))];
    const acknowledge = blastRadius.length > 0 ? `\nThe plan also newly allows what is listed under "Blast radius"; type accept to acknowledge it and apply.` : '';
    const approved = await confirmWithYes(
      `\nApply ${plan.steps.length} change(s) to:\n${targets.map((t) => `  ${t}`).join('\n')}\n?${acknowledge}`,
      io.stdin,
      io.stderr,
      blastRadius.length > 0 ? 'accept' : 'yes',
    );
    if (!approved) {
      io.stderr.write(`kms-doctor: not applied: the answer was not ${blastRadius.length > 0 ? 'accept' : 'yes'}\n`);
      return finish(fixExitCodes.planHasChanges, { applied: false });
    }
  }
  if (!options.json) io.stdout.write(`\nApplying (backups in ${printableLine(backupDir)}):\n`);
  const interruption = interruptions(io);
  try {
    const outcome = await applyRemediation(session, plan, request, {
      backupDir,
      signal: interruption.signal,
      ...(asPrincipal ? { asPrincipal } : {}),
      onProgress: (event) => {
        const line = progressLine(displaySafe(eventWithConnection(event, connection)));
        if (line && !options.json) io.stdout.write(`  ${line}\n`);
      },
    });
    const report = reportWithConnection(outcome.report, connection);
    json.apply = report;
    if (outcome.verification) {
      const { outcome: verified, message, dryRuns, diagnosis, notes } = outcome.verification;
      json.verification = { outcome: verified, message, dryRuns, verdict: diagnosis.verdict, causes: diagnosis.causes, ...(notes.length > 0 ? { notes } : {}) };
    }
    if (!options.json) io.stdout.write(outcomeText(displaySafe(report), displaySafe(outcome.verification), p));
    // The playbook's last chapter: what keeps the next denial out of production.
    if (!options.json && outcome.verification?.outcome === 'verified' && result.facts.key.status === 'known') {
      io.stdout.write(`\nNext, prevent the next one: kms-doctor prevent --key ${printableLine(result.facts.key.value.arn)}\n`);
    }
    return finish(exitCodeFor(outcome.report.outcome, outcome.verification?.outcome), { applied: outcome.report.outcome.startsWith('applied') });
  } finally {
    interruption.release();
  }
}

/** The fixes with their Nth alternative in their place, as --alternative N asks; a usage error when none has one. */
function withAlternative(result: CheckResult, n: number): CheckResult {
  if (!result.fixes.some((fix) => fix.alternatives?.[n - 1] !== undefined)) {
    throw new CheckFailure(`--alternative ${n}: no proposed fix has an alternative ${n} (check lists them under "Otherwise (N)")`, fixExitCodes.usage);
  }
  return { ...result, fixes: result.fixes.map((fix) => fix.alternatives?.[n - 1] ?? fix) };
}
