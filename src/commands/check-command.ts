// `kms-doctor check`: headless diagnosis for scripts and CI ("may this role decrypt with this key?").
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AwsCallError } from '../aws/aws-errors.js';
import { type CheckResult, checkJson, colourWanted, humanReport, paint } from './check-report.js';
import { checkUsage, IncompleteErrorMessage, parseCheckArgs } from './check-args.js';
import { fromCloudTrailArgs, latestDenial, NoDenialFound } from './from-cloudtrail.js';
import { diagnosisRequest, DiagnosisStopped, openSession, runDiagnosis, stoppedReport } from './run-diagnosis.js';

/** Exit codes of `check`, documented in the README. */
export const checkExitCodes = { allowed: 0, denied: 1, usage: 2, unknown: 3 } as const;

export async function runCheckCommand(args: readonly string[]): Promise<number> {
  let options;
  try {
    const trail = args.includes('--help') || args.includes('-h') ? undefined : fromCloudTrailArgs(args);
    const found = trail ? await latestDenial(trail.rest, trail.sinceMs).catch(rethrowNoDenial) : undefined;
    options = await parseCheckArgs(trail ? trail.rest : args, undefined, found?.parsedError);
  } catch (error) {
    // The parsed fields still help a script: print them, then fail as a usage error.
    if (error instanceof IncompleteErrorMessage && args.includes('--json')) {
      process.stdout.write(JSON.stringify({ parsedError: error.parsedError, missing: error.missing }, null, 2) + '\n');
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(checkUsage + '\n');
    return 0;
  }
  const session = await openSession(options);
  try {
    const diagnosed = await runDiagnosis(session, diagnosisRequest(options, session));
    const result = options.parsedError ? { ...diagnosed, parsedError: options.parsedError } : diagnosed;
    if (options.fixFilesDir !== undefined) writeFixFiles(options.fixFilesDir, result.fixes, options.json);
    if (options.json) {
      process.stdout.write(JSON.stringify(checkJson(result), null, 2) + '\n');
    } else {
      process.stdout.write(humanReport(result, paint(colourWanted(process.stdout))));
    }
    return checkExitCodes[result.diagnosis.verdict];
  } catch (error) {
    if (error instanceof DiagnosisStopped) {
      const { message, exitCode } = stoppedReport(error);
      throw new CheckFailure(message, exitCode);
    }
    throw error;
  } finally {
    session.destroy();
  }
}

/** Writes the documents the fixes' commands read, so the printed aws CLI commands run as they are. */
function writeFixFiles(dir: string, fixes: CheckResult['fixes'], json: boolean): void {
  const files = fixes.flatMap((fix) => fix.files);
  try {
    mkdirSync(dir, { recursive: true });
    for (const file of files) writeFileSync(join(dir, basename(file.path)), file.content);
  } catch (error) {
    throw new CheckFailure(`--fix-files ${dir}: ${(error as Error).message.split('\n')[0]}`, checkExitCodes.usage);
  }
  if (!json && files.length > 0) process.stderr.write(`kms-doctor: wrote ${files.length} file(s) to ${dir}; run the fix commands from there\n`);
}

/** Nothing to diagnose in CloudTrail: a one-line failure, exit code 3 (could not determine). */
function rethrowNoDenial(error: unknown): never {
  if (error instanceof NoDenialFound) throw new CheckFailure(error.message, checkExitCodes.unknown);
  throw error;
}

/** A failure with its own exit code and a one-line message. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** Exit code for an AWS failure that stopped everything: bad credentials are input errors. */
export function exitCodeForAwsFailure(error: AwsCallError): number {
  return error.kind === 'credentials' ? checkExitCodes.usage : checkExitCodes.unknown;
}
