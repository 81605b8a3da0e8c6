#!/usr/bin/env node
// kms-doctor's entry point: picks the subcommand and turns every failure into one line on stderr.
// The SDK's Node-version notice would otherwise land in output that scripts parse; it is emitted
// when a client is first used, which is always after this line runs.
// Every command is imported when it is chosen, not before: the wizard's first frame must not wait for
// the AWS SDK, the policy simulator or the sandbox to be parsed.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
  prevent     keep KMS access denials out of production: CI access test, CloudTrail alarm, key tags
  sandbox     run the local AWS endpoint (KMS, IAM, STS) with a training scenario
  help        show this help

${wizardUsage}

${checkUsage}

${fixUsage.split('\n\n')[0]}

${rollbackUsage.split('\n\n')[0]}

${sandboxUsage}`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  // No command, or only flags (kms-doctor --key … --operation …): the wizard, with the flags as answers.
  if (command === undefined || (command.startsWith('--') && command !== '--help')) {
    // chalk (under Ink) knows FORCE_COLOR but not NO_COLOR: translate before it loads.
    if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
    const { runWizardCommand } = await import('./wizard-command.js');
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
      process.stdout.write((await import('./commands/operations-command.js')).operationsTable() + '\n');
      return 0;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write((await usage()) + '\n');
      return 0;
    default:
      throw new UsageError(`unknown command '${command}' (try: kms-doctor help)`);
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

main(process.argv.slice(2)).then(
  (exitCode) => process.exit(exitCode),
  async (error: unknown) => {
    const { message, exitCode } = await describeFailure(error).catch(() => ({ message: String(error), exitCode: 1 }));
    process.stderr.write(`kms-doctor: ${message.split('\n')[0]}\n`);
    process.exit(exitCode);
  },
);
