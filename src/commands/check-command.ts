// `kms-doctor check`: headless diagnosis for scripts and CI ("may this role decrypt with this key?").
import { basename } from 'node:path';
import { AwsCallError } from '../aws/aws-errors.js';
import { displaySafe, printableLine } from '../engine/display-text.js';
import { lstatSync } from 'node:fs';
import { createNewFile, createNewFiles, LocalFileError, makeDirectories, reasonOf } from '../files/new-files.js';
import { checkTranscript } from './check-transcript.js';
import { type CheckResult, checkJson, colourWanted, humanReport, paint } from './check-report.js';
import { checkExamples, checkUsage, parseCheckArgs } from './check-args.js';
import { fromCloudTrailArgs, latestDenial, NoDenialFound } from './from-cloudtrail.js';
import { jsonEnvelope } from './json-output.js';
import { mfaPrompt } from './mfa-prompt.js';
import { commandConnectionOf, fixesWithConnection } from './printed-commands.js';
import { openSession } from '../live/open-session.js';
import { diagnosisRequest, DiagnosisStopped, runDiagnosis } from '../live/run-diagnosis.js';
import { stoppedReport } from './stopped-report.js';

/** Exit codes of `check`, documented in the README. */
export const checkExitCodes = { allowed: 0, denied: 1, usage: 2, unknown: 3 } as const;

export async function runCheckCommand(args: readonly string[]): Promise<number> {
  const trail = args.includes('--help') || args.includes('-h') ? undefined : fromCloudTrailArgs(args);
  const found = trail ? await latestDenial(trail.rest, trail.sinceMs).catch(rethrowNoDenial) : undefined;
  // A failure, an incomplete --error included, is printed by the CLI: with --json, as the error document.
  const options = await parseCheckArgs(trail ? trail.rest : args, undefined, found?.parsedError);
  if (options === 'help') {
    process.stdout.write(`${checkUsage}\n\n${checkExamples}\n`);
    return 0;
  }
  // A --fix-files directory that cannot be made is said before any AWS call, not after the diagnosis.
  if (options.fixFilesDir !== undefined) {
    try {
      makeDirectories(options.fixFilesDir);
    } catch (error) {
      throw new CheckFailure(`--fix-files ${options.fixFilesDir}: ${error instanceof LocalFileError ? error.message : reasonOf(error)}`, checkExitCodes.usage);
    }
  }
  // A --transcript FILE that is already there is refused before any AWS call: it is never overwritten.
  if (options.transcriptPath !== undefined && lstatSync(options.transcriptPath, { throwIfNoEntry: false }) !== undefined) {
    throw new CheckFailure(`--transcript ${printableLine(options.transcriptPath)}: something is there already; kms-doctor never writes over an existing file`, checkExitCodes.usage);
  }
  const session = await openSession(options, process.env, mfaPrompt());
  try {
    const diagnosed = await runDiagnosis(session, diagnosisRequest(options, session));
    const printable = { ...diagnosed, fixes: fixesWithConnection(diagnosed.fixes, commandConnectionOf(session, diagnosed.facts)) };
    const result = options.parsedError ? { ...printable, parsedError: options.parsedError } : printable;
    if (options.fixFilesDir !== undefined) writeFixFiles(options.fixFilesDir, result.fixes, options.json);
    if (options.transcriptPath !== undefined) writeTranscript(options.transcriptPath, checkTranscript(result), options.json);
    if (options.json) {
      process.stdout.write(JSON.stringify(jsonEnvelope(checkJson(result)), null, 2) + '\n');
    } else {
      process.stdout.write(humanReport(displaySafe(result), paint(colourWanted(process.stdout))));
    }
    return checkExitCodes[result.diagnosis.verdict];
  } catch (error) {
    if (error instanceof DiagnosisStopped) {
      const { message, exitCode } = stoppedReport(error);
      throw new CheckFailure(message, exitCode, error.kind);
    }
    throw error;
  } finally {
    session.destroy();
  }
}

/** Writes the documents the fixes' commands read, so the printed aws CLI commands run as they are. */
export function writeFixFiles(dir: string, fixes: CheckResult['fixes'], json: boolean): void {
  const files = fixes.flatMap((fix) => [fix, ...(fix.alternatives ?? [])]).flatMap((fix) => fix.files);
  try {
    // New files only, never through a symlink; all or none (src/files/new-files.ts).
    createNewFiles(dir, files.map((file) => ({ name: basename(file.path), content: file.content })));
  } catch (error) {
    throw new CheckFailure(`--fix-files ${dir}: ${error instanceof LocalFileError ? error.message : reasonOf(error)}`, checkExitCodes.usage);
  }
  if (!json && files.length > 0) process.stderr.write(`kms-doctor: wrote ${files.length} file(s) to ${printableLine(dir)}; run the fix commands from there\n`);
}

/** Writes the transcript as a new 0600 file (it names accounts and policies), never through a symlink. */
function writeTranscript(path: string, markdown: string, json: boolean): void {
  try {
    createNewFile(path, markdown, 0o600);
  } catch (error) {
    throw new CheckFailure(`--transcript: ${error instanceof LocalFileError ? error.message : `${printableLine(path)}: ${reasonOf(error)}`}`, checkExitCodes.usage);
  }
  if (!json) process.stderr.write(`kms-doctor: wrote the transcript to ${printableLine(path)}\n`);
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
    /** What kind of failure, for the --json error document (credentials, network, non-aws, principal-not-found…). */
    readonly kind?: string,
  ) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** Exit code for an AWS failure that stopped everything: bad credentials are input errors. */
export function exitCodeForAwsFailure(error: AwsCallError): number {
  return error.kind === 'credentials' ? checkExitCodes.usage : checkExitCodes.unknown;
}
