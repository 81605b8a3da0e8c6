#!/usr/bin/env node
// kms-doctor's entry point: picks the subcommand and turns every failure into one line on stderr.
// The SDK's Node-version notice would otherwise land in output that scripts parse; it is emitted
// when a client is first used, which is always after this line runs.
// Every command is imported when it is chosen, not before: the wizard's first frame must not wait for
// the AWS SDK, the policy simulator or the sandbox to be parsed.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { didYouMean } from './did-you-mean.js';
import { toolVersion } from './tool-version.js';
import { UsageError } from './usage-error.js';

async function usage(): Promise<string> {
  const [{ checkUsage }, { fixUsage }, { rollbackUsage }, { sandboxUsage }, { wizardUsage }] = await Promise.all([
    import('./commands/check-args.js'),
    import('./commands/fix-args.js'),
    import('./commands/rollback-command.js'),
    import('./sandbox/command.js'),
    import('./wizard-usage.js'),
  ]);
  return `Usage: kms-doctor [command] [options]

Commands:
  (none)      the interactive wizard: diagnose step by step, then review, confirm and apply the fix
  check       diagnose why a principal may or may not use a KMS key (headless, --json for scripts)
  fix         diagnose, then apply the fix after confirmation (stale check, backup, lockout guard, verify, rollback)
  rollback    restore a backup written by fix
  operations  list the operations kms-doctor knows and the KMS permissions each needs
  prevent     the CI access test, the CloudTrail alarm on KMS denials and the key tags, for one key
  sandbox     run the local AWS endpoint (KMS, IAM, STS) with a training scenario
  train       the training course: predict each step's outcome on the built-in scenarios, offline
  completion  print a completion script: kms-doctor completion bash|zsh|fish
  help [CMD]  show this help, or one command's (also: kms-doctor CMD --help)
  version     print the version (also: --version)

${wizardUsage}

${checkUsage}

${fixUsage.split('\n\n')[0]}

${rollbackUsage.split('\n\n')[0]}

${sandboxUsage}`;
}

const commands = ['check', 'fix', 'rollback', 'operations', 'prevent', 'sandbox', 'train', 'completion', 'help', 'version'] as const;

/** `help CMD`: that command's own usage (with its examples). */
async function commandUsage(name: string): Promise<string> {
  switch (name) {
    case 'check': {
      const { checkUsage, checkExamples } = await import('./commands/check-args.js');
      return `${checkUsage}\n\n${checkExamples}`;
    }
    case 'fix': {
      const { fixUsage, fixExamples } = await import('./commands/fix-args.js');
      return `${fixUsage}\n\n${fixExamples}`;
    }
    case 'rollback':
      return (await import('./commands/rollback-command.js')).rollbackUsage;
    case 'sandbox':
      return (await import('./sandbox/command.js')).sandboxUsage;
    case 'completion':
      return (await import('./commands/completion-command.js')).completionUsage;
    case 'prevent':
      return (await import('./commands/prevent-command.js')).preventUsage;
    case 'train':
      return (await import('./commands/train-command.js')).trainUsage;
    case 'operations':
      return 'Usage: kms-doctor operations\n\nLists the operations --operation accepts and the KMS permissions each needs.';
    default:
      throw new UsageError(`no command '${name}'${didYouMean(name, commands)} (kms-doctor help lists them)`);
  }
}

/** The wizard's first frame drawn before Ink, while Ink has not replaced it. */
let plainFrame: import('./first-frame.js').PlainFirstFrame | undefined;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    process.stdout.write(`kms-doctor ${toolVersion()}\n`);
    return 0;
  }
  // No command, or only flags (kms-doctor --key … --operation …): the wizard, with the flags as answers.
  if (command === undefined || command === 'train' || (command.startsWith('--') && command !== '--help')) {
    // chalk (under Ink) knows FORCE_COLOR but not NO_COLOR or TERM=dumb: translate before it loads.
    if (process.env.FORCE_COLOR === undefined && (process.env.NO_COLOR || process.env.TERM === 'dumb')) process.env.FORCE_COLOR = '0';
    if (command === 'train') return (await import('./commands/train-command.js')).runTrainCommand(rest);
    // No arguments: the first screen is drawn at once, without Ink, and Ink takes it over when loaded.
    if (command === undefined && process.stdin.isTTY && process.stdout.isTTY) plainFrame = (await import('./first-frame.js')).drawPlainFirstFrame();
    const { runWizardCommand } = await import('./commands/wizard-command.js');
    return runWizardCommand(argv);
  }
  switch (command) {
    case 'sandbox':
      return (await import('./sandbox/command.js')).runSandboxCommand(rest);
    case 'check':
      return (await import('./commands/check-command.js')).runCheckCommand(rest);
    case 'fix':
      return (await import('./commands/fix-command.js')).runFixCommand(rest);
    case 'rollback':
      return (await import('./commands/rollback-command.js')).runRollbackCommand(rest);
    case 'prevent':
      return (await import('./commands/prevent-command.js')).runPreventCommand(rest);
    case 'operations':
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write((await commandUsage('operations')) + '\n');
        return 0;
      }
      if (rest.length > 0) throw new UsageError(`operations takes no arguments, not '${rest[0]}'`);
      process.stdout.write((await import('./commands/operations-command.js')).operationsTable() + '\n');
      return 0;
    case 'completion':
      return (await import('./commands/completion-command.js')).runCompletionCommand(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write((rest[0] !== undefined ? await commandUsage(rest[0]) : await usage()) + '\n');
      return 0;
    default:
      throw new UsageError(`unknown command '${command}'${didYouMean(command, commands)} (kms-doctor help lists them)`);
  }
}

/** One line a person can act on, for any failure; exit 2 for input errors, 1 otherwise. */
async function describeFailure(error: unknown): Promise<{ message: string; exitCode: number }> {
  const [{ AwsCallError }, { CheckFailure, exitCodeForAwsFailure }, { ScenarioError }, { StateFileError }] = await Promise.all([
    import('./aws/aws-errors.js'),
    import('./commands/check-command.js'),
    import('./sandbox/scenario/scenario-error.js'),
    import('./sandbox/state-file.js'),
  ]);
  if (error instanceof UsageError || error instanceof ScenarioError || error instanceof StateFileError) {
    return { message: error.message, exitCode: 2 };
  }
  if (error instanceof CheckFailure) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof AwsCallError) return { message: error.message, exitCode: exitCodeForAwsFailure(error) };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return { message: 'that port is already in use; choose another with --port N, or --port 0 for any free port', exitCode: 2 };
  if (code === 'EADDRNOTAVAIL') return { message: 'cannot bind to that --host address on this machine', exitCode: 2 };
  if (code === 'EACCES') return { message: `permission denied: ${(error as Error).message}`, exitCode: 2 };
  return { message: error instanceof Error ? error.message : String(error), exitCode: 1 };
}

/** The `code` of a --json error object: what kind of failure, stable for scripts. */
async function errorCode(error: unknown, exitCode: number): Promise<string> {
  const { AwsCallError } = await import('./aws/aws-errors.js');
  if (error instanceof AwsCallError) return error.kind;
  if (error instanceof UsageError) return 'usage';
  const kind = (error as { kind?: unknown } | undefined)?.kind;
  if (typeof kind === 'string') return kind;
  return exitCode === 2 ? 'usage' : exitCode === 3 ? 'could-not-determine' : exitCode === 4 ? 'refused' : 'failed';
}

const argv = process.argv.slice(2);
main(argv).then(
  (exitCode) => process.exit(exitCode),
  async (error: unknown) => {
    plainFrame?.discard();
    const { message, exitCode } = await describeFailure(error).catch(() => ({ message: String(error), exitCode: 1 }));
    // The message may quote AWS or the user (an error text, a URL): its control characters are escaped.
    const { printableLine } = await import('./engine/display-text.js');
    const line = message.split('\n')[0] ?? '';
    process.stderr.write(`kms-doctor: ${printableLine(line)}\n`);
    // With --json, a script reads stdout: the failure is a JSON object there too (the line stays on stderr for people).
    if (argv.includes('--json')) {
      const { jsonEnvelope } = await import('./commands/json-output.js');
      const extra = (error as { jsonFields?: Record<string, unknown> } | undefined)?.jsonFields ?? {};
      process.stdout.write(JSON.stringify(jsonEnvelope({ error: { code: await errorCode(error, exitCode), message: line }, ...extra, exitCode }), null, 2) + '\n');
    }
    process.exit(exitCode);
  },
);
