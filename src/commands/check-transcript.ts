// `check --transcript FILE`: the diagnosis as Markdown to paste into a ticket — what was asked, the
// verdict with each cause and its evidence, the whole report as printed (the facts read, the fix's
// diff and aws commands, the backup and rollback), and the documents the fix commands read. check
// changes nothing, and the transcript says so. The text is the display-safe result's (control
// characters escaped), and the report sits in a fence longer than any backtick run inside it.
import { displaySafe } from '../engine/display-text.js';
import { type CheckResult, humanReport, paint } from './check-report.js';

/** A fence that no run of backticks in `text` can close. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function fenced(text: string, language = ''): string[] {
  const fence = fenceFor(text);
  return [`${fence}${language}`, text.replace(/\n+$/, ''), fence];
}

/** The Markdown transcript of one `check` run. */
export function checkTranscript(raw: CheckResult, now: Date = new Date()): string {
  const result = displaySafe(raw);
  const { diagnosis, fixes } = result;
  const out: string[] = [];
  out.push(`# kms-doctor check: ${diagnosis.operation} — ${diagnosis.verdict}`, '');
  out.push(`- When: ${now.toISOString()}`);
  if (diagnosis.principal !== undefined) out.push(`- Principal: \`${diagnosis.principal}\``);
  if (diagnosis.key !== undefined) out.push(`- Key: \`${diagnosis.key}\``);
  out.push(`- KMS actions required: ${diagnosis.requiredActions.map((action) => `\`${action}\``).join(', ')}`);
  if (result.parsedError !== undefined) out.push('- Started from the error AWS gave (--error or CloudTrail)');
  out.push('', '## Verdict', '');
  for (const action of diagnosis.actionResults) out.push(`- \`${action.action}\`: ${action.decision}`);
  if (diagnosis.causes.length > 0) {
    out.push('', '### Causes, the first one to fix first', '');
    for (const cause of diagnosis.causes) {
      out.push(`1. **${cause.code}** (layer: ${cause.layer}): ${cause.summary}`);
      for (const evidence of cause.evidence) out.push(`   - ${evidence.what}${evidence.value === undefined ? '' : `: ${typeof evidence.value === 'string' ? evidence.value : JSON.stringify(evidence.value)}`}`);
    }
  }
  out.push('', '## The report, as printed', '', ...fenced(humanReport(result, paint(false))));
  const files = fixes.flatMap((fix) => [fix, ...(fix.alternatives ?? [])]).flatMap((fix) => fix.files);
  if (files.length > 0) {
    out.push('', '## Documents the fix commands read', '');
    for (const file of files) out.push(`\`${file.path}\`:`, '', ...fenced(file.content, 'json'), '');
  }
  out.push('', '## Applied', '', 'Nothing: `kms-doctor check` only reads. `kms-doctor fix` applies the fix after a typed yes, with a backup and a verification.', '');
  return out.join('\n');
}
