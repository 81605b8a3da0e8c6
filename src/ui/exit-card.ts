// The card to keep: printed to the normal screen when the wizard ends after a finished diagnosis. The
// cause and its layer, the fix applied (or not), the backups and the undo commands, and the checklist
// of this case — the commands that show each layer's data, each with the profile of the account it
// must run in. Pure: a context in, lines out.
import { undoCommandsOf } from '../apply/apply-report.js';
import type { DiagnosisContext } from '../../machines/diagnosis-context.js';
import { remedyResultOf } from '../../machines/wizard-types.js';
import { predictionScore } from '../../machines/diagnosis-context.js';
import { fixCommand, grantsCommands, iamCommands, keyPolicyCommands, keyStateCommands, type CommandContext } from './aws-commands.js';

const outcomeWords = {
  verified: 'applied and verified (a dry run as the principal succeeds)',
  pendingPropagation: 'applied; AWS was still propagating it',
  stillDenied: 'applied, but the call is still denied: another cause remains',
  rolledBack: 'not applied: everything was put back',
} as const;

/** The card's lines; empty when no diagnosis was finished (nothing worth keeping). */
export function exitCardLines(context: DiagnosisContext): string[] {
  const result = context.result;
  const request = context.request;
  if (!result || !request) return [];
  const key = context.identity?.key.status === 'known' ? context.identity.key.value : undefined;
  const principal = context.identity?.principal.status === 'known' ? context.identity.principal.value : undefined;
  const commands: CommandContext = { request, ...(context.environment ? { environment: context.environment } : {}), ...(key ? { key } : {}), ...(principal ? { principal } : {}) };
  const cause = result.diagnosis.causes[0];
  const lines = ['kms-doctor · the card to keep', ''];
  lines.push(`${request.operation.name} with ${key?.arn ?? request.key.text}, for ${principal?.arn ?? request.principal?.arn ?? 'the caller'}`);
  if (context.environment?.sandbox) lines.push(`(training scenario ${context.environment.sandbox.scenario}, on the embedded sandbox)`);
  if (context.trainingCourse) {
    const { right, asked } = predictionScore(context);
    lines.push(`Training score: ${right} of ${asked} predictions right`);
  }
  if (cause) lines.push(`Cause: ${cause.code} (layer: ${cause.layer}): ${cause.summary}`);
  else lines.push(`Verdict: ${result.diagnosis.verdict}`);
  if (context.remedy) {
    lines.push(`Fix: ${outcomeWords[remedyResultOf(context.remedy)]}`);
    const backups = context.progress.flatMap((event) => (event.type === 'backed-up' ? [event.backupPath] : []));
    for (const backup of backups) lines.push(`Backup: ${backup}`);
    const callerAccount = principal?.accountId;
    const undo = undoCommandsOf(context.remedy.report).map((command) => fixCommand(command, context.environment, { arn: key?.arn ?? '', ...(callerAccount ? { callerAccount } : {}) }));
    if (undo.length > 0) lines.push('Undo, in this order:', ...undo.map((command) => `  $ ${command}`));
  } else if (cause) {
    lines.push('Fix: not applied (kms-doctor fix, or the wizard, applies it after a typed yes)');
  }
  const keySide = context.environment?.keyProfile ? ` (key account: profile ${context.environment.keyProfile})` : '';
  const checklist: [string, string[]][] = [
    [`The key's state${keySide}`, keyStateCommands(commands)],
    [`The key policy${keySide}`, keyPolicyCommands(commands)],
    [`The principal's IAM policies and IAM's simulator (principal's account${context.environment?.profile ? `: profile ${context.environment.profile}` : ''})`, iamCommands(commands, request.operation.actions)],
    [`The grants${keySide}`, grantsCommands(commands)],
  ];
  lines.push('', 'The checklist for this case:');
  checklist.forEach(([what, list], index) => {
    lines.push(`${index + 1}. ${what}`, ...list.map((command) => `   $ ${command}`));
  });
  return lines;
}
