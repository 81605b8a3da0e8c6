// `kms-doctor` with no subcommand: the interactive wizard. It needs a terminal on both ends (Ink reads
// keys in raw mode); anything else gets a one-line pointer to the headless commands. Whether AWS
// credentials exist is decided from the environment and files only (no network call), and without any
// the wizard opens on the training scenarios.
import { render } from 'ink';
import { App } from '../ui/app.js';
import { withFallbackSize } from '../ui/use-terminal-width.js';
import { exitCardLines } from '../ui/exit-card.js';
import { wizardTranscript } from '../ui/wizard-transcript.js';
import { lstatSync } from 'node:fs';
import { printableLine } from '../engine/display-text.js';
import { createNewFile, LocalFileError, reasonOf } from '../files/new-files.js';
import { findCredentials } from '../aws/credential-presence.js';
import { connectionOptionsOf, keyFlag, parseFlags, parseGivenContext, principalFlag, unknownOperationMessage, type ConnectionOptions } from './check-args.js';
import { createWizardRuntime, type WizardRuntime, type WizardRuntimeOptions } from '../live/wizard-actors.js';
import { requestOptionsOfAnswers } from './wizard-answers.js';
import { builtInScenarios } from '../sandbox/scenario/built-in-scenarios.js';
import { findOperation } from '../engine/operations.js';
import { UsageError } from '../usage-error.js';
import { wizardUsage } from '../wizard-usage.js';
import { DISABLE_BRACKETED_PASTE, ENABLE_BRACKETED_PASTE, PasteAwareStdin, PasteContext } from '../ui/bracketed-paste.js';
import type { StartAnswers } from '../../machines/wizard-types.js';
import type { DiagnosisMachineInput } from '../../machines/diagnosis-context.js';

export interface WizardStreams {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

const processStreams = (): WizardStreams => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });

import { colourWanted } from '../colour-wanted.js';

export { colourWanted };

/** What the wizard's flags ask for, checked before any screen opens. */
export interface WizardOptions {
  readonly connection: ConnectionOptions;
  readonly answers: StartAnswers;
  readonly givenContext: readonly string[];
  readonly transcriptPath?: string;
}

/**
 * argv → options: every flag checked, a mistake a one-line usage error before the screen opens. Pure
 * apart from one lstat: a --transcript FILE that is already there is refused now, never overwritten later.
 */
export function wizardOptionsOf(values: ReturnType<typeof parseWizardFlags>): WizardOptions {
  if (values.json) throw new UsageError('--json is for kms-doctor check and fix, not the wizard');
  if (values.debug) throw new UsageError('--debug is for kms-doctor check, fix and rollback: its lines would break the wizard\'s screen');
  if (values.error === '-') throw new UsageError('--error - reads the message from stdin, which the wizard needs for its keys: give --error TEXT');
  const connection = connectionOptionsOf(values);
  if (values.operation !== undefined && !findOperation(values.operation)) throw new UsageError(unknownOperationMessage(values.operation));
  if (values.key !== undefined) keyFlag(values.key);
  if (values.principal !== undefined) principalFlag(values.principal);
  const answers: StartAnswers = {
    ...(values.key !== undefined ? { key: values.key } : {}),
    ...(values.operation !== undefined ? { operation: values.operation } : {}),
    ...(values.principal !== undefined ? { principal: values.principal } : {}),
    ...(values.error !== undefined ? { errorText: values.error } : {}),
    ...(values['encryption-context'] !== undefined ? { encryptionContext: values['encryption-context'] } : {}),
  };
  const givenContext = values.context ?? [];
  parseGivenContext(givenContext);
  const transcriptPath = values.transcript;
  if (transcriptPath !== undefined && lstatSync(transcriptPath, { throwIfNoEntry: false }) !== undefined) {
    throw new UsageError(`--transcript ${printableLine(transcriptPath)}: something is there already; kms-doctor never writes over an existing file`);
  }
  return { connection, answers, givenContext, ...(transcriptPath !== undefined ? { transcriptPath } : {}) };
}

export const parseWizardFlags = (args: readonly string[]) => parseFlags(args, { transcript: { type: 'string' } });

export async function runWizardCommand(args: readonly string[], streams: WizardStreams = processStreams(), runtimeOptions: Partial<WizardRuntimeOptions> = {}): Promise<number> {
  const values = parseWizardFlags(args);
  if (values.help) {
    streams.stdout.write(wizardUsage + '\n');
    return 0;
  }
  if (!streams.stdin.isTTY || !streams.stdout.isTTY) {
    streams.stderr.write('kms-doctor: the wizard needs a terminal; use kms-doctor check or kms-doctor fix\n');
    return 2;
  }
  const { connection, answers, givenContext, transcriptPath } = wizardOptionsOf(values);
  const runtime = createWizardRuntime({ connection, requestOptionsOf: requestOptionsOfAnswers, env: streams.env, ...(givenContext.length > 0 ? { givenContext } : {}), ...runtimeOptions });
  return runWizardSession(streams, runtime, { interactive: true, answers, credentialsFound: findCredentials(streams.env, connection).found }, transcriptPath);
}

/**
 * Runs the wizard's screens until the user quits, then prints the card to keep. Shared by the wizard
 * and `kms-doctor train` (the same machine, in its training-course mode).
 */
export async function runWizardSession(streams: WizardStreams, runtime: WizardRuntime, input: DiagnosisMachineInput, transcriptPath?: string): Promise<number> {
  let card: string[] = [];
  let transcript = '';
  // Ink reads keys from a stdin with the bracketed pastes taken out; the text field on screen gets them whole.
  const stdin = new PasteAwareStdin(streams.stdin);
  streams.stdout.write(ENABLE_BRACKETED_PASTE);
  // Also on a crash that never reaches the finally below: a shell left in mode 2004 gets the markers in its pastes.
  const leavePasteMode = () => void streams.stdout.write(DISABLE_BRACKETED_PASTE);
  process.once('exit', leavePasteMode);
  const instance = render(
    <PasteContext.Provider value={stdin}>
      <App
        logic={runtime.machine}
        input={input}
        scenarios={builtInScenarios()}
        colour={colourWanted(streams.stdout, streams.env)}
        onExit={(context) => {
          card = exitCardLines(context);
          if (transcriptPath !== undefined) transcript = wizardTranscript(context);
        }}
      />
    </PasteContext.Provider>,
    { stdin: stdin as unknown as NodeJS.ReadStream, stdout: withFallbackSize(streams.stdout), stderr: streams.stderr, exitOnCtrlC: false },
  );
  // The first frame is on screen: now parse the AWS SDK and the simulator, while the user reads it.
  setImmediate(() => runtime.preload());
  // Once the terminal is gone (SIGHUP), every write fails with EIO: that must not crash the cleanup.
  const ignoreWriteErrors = () => undefined;
  streams.stdout.on('error', ignoreWriteErrors);
  streams.stderr.on('error', ignoreWriteErrors);
  // A terminal closed or a kill: stop like q does (an apply under way stops between steps and undoes
  // what it wrote), then leave.
  let signalled: number | undefined;
  const stop = (code: number) => () => {
    signalled = code;
    instance.unmount();
  };
  const onTerm = stop(143);
  const onHup = stop(129);
  const onInt = stop(130);
  process.once('SIGTERM', onTerm);
  process.once('SIGHUP', onHup);
  process.once('SIGINT', onInt);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('exit', leavePasteMode);
    leavePasteMode();
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
    process.off('SIGINT', onInt);
    streams.stdout.off('error', ignoreWriteErrors);
    streams.stderr.off('error', ignoreWriteErrors);
    await runtime.dispose();
  }
  // After Ink has left the screen: the card stays in the terminal's normal scrollback.
  if (card.length > 0 && signalled === undefined) streams.stdout.write(`\n${card.join('\n')}\n`);
  if (transcriptPath !== undefined && signalled === undefined) return writeTranscript(streams, transcriptPath, transcript);
  return signalled ?? 0;
}

/** The transcript as a new 0600 file (it names accounts and policies), never through a symlink; one line says where. */
function writeTranscript(streams: WizardStreams, path: string, markdown: string): number {
  if (markdown === '') {
    streams.stderr.write('kms-doctor: no transcript written: no diagnosis was on screen when you quit\n');
    return 0;
  }
  try {
    createNewFile(path, markdown, 0o600);
  } catch (error) {
    streams.stderr.write(`kms-doctor: --transcript: ${error instanceof LocalFileError ? printableLine(error.message) : `${printableLine(path)}: ${reasonOf(error)}`}\n`);
    return 1;
  }
  streams.stderr.write(`kms-doctor: wrote the transcript to ${printableLine(path)}\n`);
  return 0;
}
