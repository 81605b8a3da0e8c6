// The wizard's `--transcript FILE`: the session's last diagnosis as Markdown for a ticket — what was
// asked, each step's data and conclusion, the verdict with its causes and evidence, the fix (diffs and
// aws commands), what was applied with its backups and undo commands, and the verification. Pure: a
// context in, Markdown out (the CLI writes it as a new file when the wizard ends). The text is the
// display-safe context's (control characters escaped); documents sit in fences no backtick run closes.
import { undoCommandsOf } from '../apply/apply-report.js';
import { displaySafe } from '../engine/display-text.js';
import type { DiagnosisContext } from '../../machines/diagnosis-context.js';
import { predictionScore } from '../../machines/diagnosis-context.js';
import { remedyResultOf } from '../../machines/wizard-types.js';
import type { StatementFinding, StepConclusion } from '../engine/step-findings.js';

function fenced(text: string, language = ''): string[] {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, text.replace(/\n+$/, ''), fence];
}

const conclusionLines = (finding: StepConclusion | undefined): string[] =>
  finding ? [`Conclusion: ${finding.conclusion}`, ...(finding.next ? [`Next: ${finding.next}`] : [])] : ['Not read in this session.'];

const statementLines = (statements: readonly StatementFinding[]): string[] =>
  statements.map((s) => `- ${s.statement.sid !== undefined ? `\`${s.statement.sid}\`` : 'a statement without Sid'} (${s.effect}): ${s.why}`);

/** The Markdown transcript; empty when no diagnosis was run (nothing to put in a ticket). */
export function wizardTranscript(raw: DiagnosisContext, now: Date = new Date()): string {
  const context = displaySafe(raw);
  const { request, result, findings } = context;
  if (!request || !result) return '';
  const diagnosis = result.diagnosis;
  const key = context.identity?.key.status === 'known' ? context.identity.key.value : undefined;
  const principal = context.identity?.principal.status === 'known' ? context.identity.principal.value : undefined;
  const out: string[] = [];
  out.push(`# kms-doctor: ${request.operation.name} — ${diagnosis.verdict}`, '');
  out.push(`- When: ${now.toISOString()}`);
  out.push(`- Principal: \`${principal?.arn ?? request.principal?.arn ?? 'the caller'}\``);
  out.push(`- Key: \`${key?.arn ?? request.key.text}\``);
  out.push(`- KMS actions required: ${request.operation.actions.map((action) => `\`${action}\``).join(', ')}`);
  if (context.environment?.sandbox) out.push(`- Training scenario \`${context.environment.sandbox.scenario}\`, on the embedded sandbox (nothing real was touched)`);
  if (context.answers.errorText !== undefined) out.push('', 'The error AWS gave:', '', ...fenced(context.answers.errorText));

  out.push('', '## The steps', '');
  out.push('### Who and which key', '', ...conclusionLines(findings?.identify), '');
  out.push('### Account boundary', '', ...conclusionLines(findings?.accountBoundary), '');
  out.push('### Key state', '', ...(key ? [`State: ${key.state}${key.deletionDate ? ` (deletion date ${key.deletionDate})` : ''}`, ''] : []), ...conclusionLines(findings?.keyState), '');
  out.push('### Key policy', '', ...statementLines(findings?.keyPolicy?.statements ?? []), ...conclusionLines(findings?.keyPolicy), '');
  const perAction = Object.entries(findings?.identityPolicies?.perAction ?? {}).map(([action, effect]) => `- \`${action}\`: ${effect}`);
  out.push("### The principal's IAM policies", '', ...perAction, ...(findings?.identityPolicies?.policies ?? []).flatMap((policy) => [`- ${policy.label}:`, ...statementLines(policy.statements).map((line) => `  ${line}`)]), ...conclusionLines(findings?.identityPolicies), '');
  out.push('### Grants', '', ...(findings?.grants?.grants ?? []).map((grant) => `- \`${grant.grant.grantId}\`: ${grant.why}`), ...conclusionLines(findings?.grants), '');

  out.push('## Verdict', '');
  for (const action of diagnosis.actionResults) out.push(`- \`${action.action}\`: ${action.decision}`);
  if (diagnosis.causes.length > 0) {
    out.push('', '### Causes, the first one to fix first', '');
    for (const cause of diagnosis.causes) {
      out.push(`1. **${cause.code}** (layer: ${cause.layer}): ${cause.summary}`);
      for (const evidence of cause.evidence) out.push(`   - ${evidence.what}${evidence.value === undefined ? '' : `: ${typeof evidence.value === 'string' ? evidence.value : JSON.stringify(evidence.value)}`}`);
    }
  }
  for (const item of diagnosis.unverified) out.push(`- Not verified: ${item.what} (${item.why}); ${item.howToVerify}`);

  if (context.trainingCourse && context.predictions) {
    const { right, asked } = predictionScore(context);
    out.push('', '## Predictions', '', `${right} of ${asked} right.`, '');
    for (const record of Object.values(context.predictions)) out.push(`- ${record.question} You: ${record.answerLabel}; the data: ${record.expectedLabel} (${record.right ? 'right' : 'wrong'}).`);
  }

  if (context.plan) {
    out.push('', '## The fix', '');
    for (const step of context.plan.steps) {
      out.push(`### ${step.id}. ${step.title}`, '', ...(step.diff ? [...fenced(step.diff, 'diff'), ''] : []), ...fenced(step.command, 'sh'), '', `Undo: ${step.rollback.description}`, '');
    }
  }

  out.push('', '## Applied', '');
  if (!context.remedy) out.push('Nothing was applied in this session.');
  else {
    out.push(`Outcome: ${remedyResultOf(context.remedy)}. ${context.remedy.report.message}`);
    for (const event of context.progress) if (event.type === 'backed-up') out.push(`- Backup of step ${event.stepId}: \`${event.backupPath}\``);
    const undo = undoCommandsOf(context.remedy.report);
    if (undo.length > 0) out.push('', 'Undo, in this order:', '', ...fenced(undo.join('\n'), 'sh'));
    out.push('', '## Verification', '', context.remedy.verification ? context.remedy.verification.message : 'Not verified: nothing stayed applied.');
    if (context.remedy.goal) out.push('', `Goal checked live: ${context.remedy.goal.message}`);
  }
  out.push('');
  return out.join('\n');
}
