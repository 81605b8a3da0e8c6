// `kms-doctor` with no subcommand: the interactive wizard. It needs a terminal on both ends (Ink reads
// keys in raw mode); anything else gets a one-line pointer to the headless commands. Whether AWS
// credentials exist is decided from the environment and files only (no network call), and without any
// the wizard opens on the training scenarios.
// The first frame is drawn before the machine, its actors and the other screens are parsed: with no
// answers given, the start frame (the same start screen, without the machine) is rendered first, then
// the rest is imported and the App takes over.
import { render, type Instance } from 'ink';
import { StartFrame } from './ui/start-frame.js';
import { withFallbackSize } from './ui/use-terminal-width.js';
import { findCredentials } from './aws/credential-presence.js';
import { connectionOptionsOf, parseFlags, unknownOperationMessage } from './commands/check-args.js';
import type { WizardRuntimeOptions } from './commands/wizard-actors.js';
import { builtInScenarios } from './sandbox/scenario/built-in-scenarios.js';
import { isKeyIdentifier, isPrincipalArn } from './engine/identifiers.js';
import { findOperation } from './engine/operations.js';
import { UsageError } from './usage-error.js';
import { wizardUsage } from './wizard-usage.js';
import type { StartAnswers } from '../machines/wizard-types.js';
import type { DiagnosisEvent } from '../machines/diagnosis-machine.js';

export interface WizardStreams {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

const processStreams = (): WizardStreams => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });

import { colourWanted } from './colour-wanted.js';

export { colourWanted };

export async function runWizardCommand(args: readonly string[], streams: WizardStreams = processStreams(), runtimeOptions: Partial<WizardRuntimeOptions> = {}): Promise<number> {
  const values = parseFlags(args, {});
  if (values.help) {
    streams.stdout.write(wizardUsage + '\n');
    return 0;
  }
  if (!streams.stdin.isTTY || !streams.stdout.isTTY) {
    streams.stderr.write('kms-doctor: the wizard needs a terminal; use kms-doctor check or kms-doctor fix\n');
    return 2;
  }
  if (values.json) throw new UsageError('--json is for kms-doctor check and fix, not the wizard');
  if (values.debug) throw new UsageError('--debug is for kms-doctor check, fix and rollback: its lines would break the wizard\'s screen');
  if (values.error === '-') throw new UsageError('--error - reads the message from stdin, which the wizard needs for its keys: give --error TEXT');
  const connection = connectionOptionsOf(values);
  if (values.operation !== undefined && !findOperation(values.operation)) throw new UsageError(unknownOperationMessage(values.operation));
  if (values.key !== undefined && !isKeyIdentifier(values.key)) throw new UsageError(`--key '${values.key}' is not a key ID, alias name (alias/…), key ARN or alias ARN`);
  if (values.principal !== undefined && !isPrincipalArn(values.principal)) throw new UsageError(`--principal '${values.principal}' is not an IAM user, role or role session ARN`);
  const answers: StartAnswers = {
    ...(values.key !== undefined ? { key: values.key } : {}),
    ...(values.operation !== undefined ? { operation: values.operation } : {}),
    ...(values.principal !== undefined ? { principal: values.principal } : {}),
    ...(values.error !== undefined ? { errorText: values.error } : {}),
    ...(values['encryption-context'] !== undefined ? { encryptionContext: values['encryption-context'] } : {}),
  };
  const credentialsFound = findCredentials(streams.env, connection).found;
  const colour = colourWanted(streams.stdout, streams.env);
  const scenarios = builtInScenarios();
  const renderOptions = { stdin: streams.stdin, stdout: withFallbackSize(streams.stdout), stderr: streams.stderr, exitOnCtrlC: false };
  // Chosen on the start frame before the machine is there: handed to it in order.
  const chosenEarly: DiagnosisEvent[] = [];
  let instance: Instance | undefined =
    Object.keys(answers).length === 0
      ? render(<StartFrame credentialsFound={credentialsFound} scenarios={scenarios} colour={colour} send={(event) => chosenEarly.push(event)} />, renderOptions)
      : undefined;
  const [{ App }, { createWizardRuntime }, { exitCardLines }] = await Promise.all([import('./ui/app.js'), import('./commands/wizard-actors.js'), import('./ui/exit-card.js')]);
  const runtime = createWizardRuntime({ connection, env: streams.env, ...runtimeOptions });
  let card: string[] = [];
  const app = (
    <App
      logic={runtime.machine}
      input={{ interactive: true, answers, credentialsFound }}
      scenarios={scenarios}
      colour={colour}
      pending={chosenEarly}
      onExit={(context) => (card = exitCardLines(context))}
    />
  );
  if (instance) instance.rerender(app);
  else instance = render(app, renderOptions);
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
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
    process.off('SIGINT', onInt);
    streams.stdout.off('error', ignoreWriteErrors);
    streams.stderr.off('error', ignoreWriteErrors);
    await runtime.dispose();
  }
  // After Ink has left the screen: the card stays in the terminal's normal scrollback.
  if (card.length > 0 && signalled === undefined) streams.stdout.write(`\n${card.join('\n')}\n`);
  return signalled ?? 0;
}
