// The flags of `kms-doctor fix`: those of `check`, plus how to apply.
import { resolve } from 'node:path';
import { UsageError } from '../usage-error.js';
import { checkOptionsOf, checkUsage, parsedErrorOf, parseFlags, readStandardInput, type CheckOptions } from './check-args.js';

export interface FixOptions extends CheckOptions {
  /** Print the plan and change nothing. */
  readonly dryRun: boolean;
  /** Apply without asking. */
  readonly yes: boolean;
  readonly backupDir?: string;
  /** Credentials of the affected principal, to prove the fix with a KMS dry run as that principal. */
  readonly asProfile?: string;
  /** With --yes: apply even though the plan newly allows more than the request (its blast radius). */
  readonly acceptBlastRadius: boolean;
  /** Apply each fix's Nth alternative (1-based, as check lists them under "Otherwise (N)") instead of the fix. */
  readonly alternative?: number;
}

/** check's flags that fix does not take: it diagnoses the call it is given, and reports on stdout. */
const checkOnlyFlags = ['--from-cloudtrail', '--transcript'];

/** check's option lines, less those fix does not take (an option's continuation lines go with it). */
function sharedCheckOptions(): string {
  const lines = checkUsage.split('\n');
  const options = lines.slice(lines.findIndex((line) => line.startsWith('  --')), lines.findIndex((line) => line.startsWith('Exit codes')));
  const kept: string[] = [];
  let dropping = false;
  for (const line of options) {
    if (line.startsWith('  --')) dropping = checkOnlyFlags.some((flag) => line.startsWith(`  ${flag} `));
    if (!dropping && line.trim() !== '') kept.push(line);
  }
  return kept.join('\n');
}

export const fixUsage = `Usage: kms-doctor fix [check's flags] [--dry-run] [--yes [--accept-blast-radius]] [--alternative N]
                      [--backup-dir DIR] [--as-profile P]

Diagnoses like check, then applies the proposed fixes after confirmation: re-reads each target right
before writing (stale check), backs up the previous document, refuses changes that would lock anyone
out of a key, waits until the change is visible, verifies, and rolls back every step if one fails.
  --dry-run          print the plan, change nothing (exit 0: nothing to do, 1: the plan has changes)
  --yes              apply without the prompt (without a terminal, fix only applies with --yes)
  --alternative N    apply the Nth alternative of each fix that has one (check's "Otherwise (N)"),
                     e.g. the exception for this principal instead of sending another context
  --accept-blast-radius
                     with --yes: apply even when the plan newly allows more than the failing call
                     (listed under "Blast radius"); on a terminal you type "accept" instead of "yes"
  --backup-dir DIR   where backups go (default: $XDG_STATE_HOME/kms-doctor/backups)
  --as-profile P     the affected principal's credentials, to verify with a KMS dry run as it
                     (checked to be that principal; without --principal, the caller's own are used)

Exit codes: 0 verified or nothing to do, 1 the plan has changes (--dry-run, or not confirmed),
2 usage error (including an unusable --backup-dir), 3 could not determine, or nothing kms-doctor can
apply, 4 an AWS call failed and everything was rolled back, 5 applied but verification pending or
failed, 130 cancelled.

The flags it shares with check:
${sharedCheckOptions()}`;

export const fixExamples = `Examples:
  kms-doctor fix --key alias/orders-data --operation Decrypt --principal arn:aws:iam::111122223333:role/AppRole --dry-run
  kms-doctor fix --error - --profile admin --as-profile app < error.txt
  kms-doctor fix --key alias/orders-data --operation Decrypt --yes --json`;

export async function parseFixArgs(args: readonly string[], readStdin: () => Promise<string> = readStandardInput): Promise<FixOptions | 'help'> {
  const values = parseFlags(args, {
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    'backup-dir': { type: 'string' },
    'as-profile': { type: 'string' },
    'fix-files': { type: 'string' },
    'accept-blast-radius': { type: 'boolean' },
    alternative: { type: 'string' },
  });
  if (values.help) return 'help';
  if (values['dry-run'] && values.yes) throw new UsageError('--dry-run and --yes contradict each other: choose one');
  if (values['accept-blast-radius'] && !values.yes) throw new UsageError('--accept-blast-radius goes with --yes (on a terminal, the prompt asks for it)');
  const alternative = values.alternative;
  if (alternative !== undefined && !/^[1-9][0-9]?$/.test(alternative)) throw new UsageError(`--alternative ${alternative}: expected the number of an alternative (1, 2…) as check lists them`);
  return {
    ...checkOptionsOf(values, await parsedErrorOf(values.error, readStdin)),
    ...(alternative !== undefined ? { alternative: Number(alternative) } : {}),
    dryRun: values['dry-run'] ?? false,
    yes: values.yes ?? false,
    acceptBlastRadius: values['accept-blast-radius'] ?? false,
    ...(values['backup-dir'] !== undefined ? { backupDir: resolve(values['backup-dir']) } : {}),
    ...(values['as-profile'] !== undefined ? { asProfile: values['as-profile'] } : {}),
    ...(values['fix-files'] !== undefined ? { fixFilesDir: values['fix-files'] } : {}),
  };
}
