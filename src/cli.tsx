#!/usr/bin/env node
// kms-doctor's entry point: picks the subcommand and turns every failure into one line on stderr.
// The SDK's Node-version notice would otherwise land in output that scripts parse; it is emitted
// when a client is first used, which is always after this line runs (imports are hoisted above it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { AwsCallError } from './aws/aws-errors.js';
import { checkUsage } from './commands/check-args.js';
import { CheckFailure, exitCodeForAwsFailure, runCheckCommand } from './commands/check-command.js';
import { fixUsage } from './commands/fix-args.js';
import { runFixCommand } from './commands/fix-command.js';
import { operationsTable } from './commands/operations-command.js';
import { rollbackUsage, runRollbackCommand } from './commands/rollback-command.js';
import { runSandboxCommand, sandboxUsage } from './sandbox/command.js';
import { ScenarioError } from './sandbox/scenario.js';
import { StateFileError } from './sandbox/state-file.js';
import { UsageError } from './usage-error.js';

const usage = `Usage: kms-doctor <command> [options]

Commands:
  check       diagnose why a principal may or may not use a KMS key (headless, --json for scripts)
  fix         diagnose, then apply the fix after confirmation (stale check, backup, lockout guard, verify, rollback)
  rollback    restore a backup written by fix
  operations  list the operations kms-doctor knows and the KMS permissions each needs
  sandbox     run the local AWS endpoint (KMS, IAM, STS) with a training scenario
  help        show this help

Run without a command to start the sandbox on its default scenario.

${checkUsage}

${fixUsage.split('\n\n')[0]}

${rollbackUsage.split('\n\n')[0]}

${sandboxUsage}`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      return runSandboxCommand([]);
    case 'sandbox':
      return runSandboxCommand(rest);
    case 'check':
      return runCheckCommand(rest);
    case 'fix':
      return runFixCommand(rest);
    case 'rollback':
      return runRollbackCommand(rest);
    case 'operations':
      process.stdout.write(operationsTable() + '\n');
      return 0;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage + '\n');
      return 0;
    default:
      throw new UsageError(`unknown command '${command}' (try: kms-doctor help)`);
  }
}

/** One line a person can act on, for any failure; exit 2 for input errors, 1 otherwise. */
function describeFailure(error: unknown): { message: string; exitCode: number } {
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
  (error: unknown) => {
    const { message, exitCode } = describeFailure(error);
    process.stderr.write(`kms-doctor: ${message.split('\n')[0]}\n`);
    process.exit(exitCode);
  },
);
