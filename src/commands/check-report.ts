// What `check` prints: the JSON document (public API, documented in the README and extended only
// additively) and the human report — short sections: what was checked, what was found, the cause, the
// fix with its diff and commands.
import { accountRelation } from '../engine/identifiers.js';
import type { Diagnosis } from '../engine/cause.js';
import type { ParsedError } from '../engine/error-message-parser.js';
import { newlyAllowedLines } from '../engine/blast-radius.js';
import { colorizeDiff } from '../engine/diff-view.js';
import { evidenceValueText } from '../engine/evidence-text.js';
import type { DiagnosisFacts, Observation } from '../engine/facts.js';
import type { Fix } from '../engine/fix.js';
import type { CheckResult } from '../live/run-diagnosis.js';

export type { CheckResult };

export function checkJson(result: CheckResult): Record<string, unknown> {
  const { diagnosis } = result;
  return {
    verdict: diagnosis.verdict,
    principal: diagnosis.principal ?? null,
    key: diagnosis.key ?? null,
    operation: diagnosis.operation,
    requiredActions: diagnosis.requiredActions,
    actionResults: diagnosis.actionResults,
    causes: diagnosis.causes,
    fixes: result.fixes.map(fixJson),
    unverified: diagnosis.unverified,
    notes: diagnosis.notes,
    ...(result.parsedError ? { parsedError: result.parsedError } : {}),
  };
}

function fixJson(fix: Fix): Record<string, unknown> {
  return {
    cause: fix.cause,
    title: fix.title,
    explanation: fix.explanation,
    target: fix.target,
    ...(fix.diff !== undefined ? { diff: fix.diff } : {}),
    commands: fix.commands,
    files: fix.files,
    ...(fix.blockedBy !== undefined ? { blockedBy: fix.blockedBy } : {}),
    ...(fix.snippet !== undefined ? { snippet: fix.snippet } : {}),
    ...(fix.requestChange !== undefined ? { requestChange: fix.requestChange } : {}),
    ...(fix.newlyAllows !== undefined ? { newlyAllows: fix.newlyAllows } : {}),
    ...(fix.alternatives !== undefined ? { alternatives: fix.alternatives.map(fixJson) } : {}),
  };
}

export interface Paint {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly colour: boolean;
}

export function paint(colour: boolean): Paint {
  const wrap = (open: number, close: number) => (text: string) => (colour ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), colour };
}

export { colourWanted } from '../colour-wanted.js';

function describe<T>(observation: Observation<T>, known: (value: T) => string): string {
  switch (observation.status) {
    case 'known':
      return known(observation.value);
    case 'unreadable':
      return `not readable (${observation.call}: ${observation.reason}${observation.message ? ` — ${firstLine(observation.message)}` : ''})`;
    case 'skipped':
      return `not read (${observation.why})`;
  }
}

const firstLine = (text: string): string => text.split('\n')[0]!.slice(0, 200);

export function humanReport(result: CheckResult, p: Paint): string {
  const { facts, diagnosis, fixes } = result;
  const out: string[] = [];
  const principal = describe(facts.principal, (v) => `${v.entityArn} (${v.kind})`);
  out.push(p.bold(`kms-doctor check: ${diagnosis.requiredActions.join(' + ')} (${facts.request.operation.name})`));
  out.push('', p.bold('What was checked'));
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(14)}${value}`);
  row('caller', describe(facts.caller, (v) => v.arn));
  row('principal', principal);
  row(
    'key',
    describe(facts.key, (k) => {
      const callerAccount = facts.caller.status === 'known' ? facts.caller.value.accountId : undefined;
      const relation = accountRelation(callerAccount, k.accountId);
      const where = relation === undefined ? '' : relation === 'same' ? ', same account' : `, account ${k.accountId} (cross-account)`;
      return `${k.arn} (${k.state}, ${k.manager === 'AWS' ? 'AWS managed' : 'customer managed'}${where})`;
    }),
  );
  row('key policy', describe(facts.keyPolicy, (kp) => plural(statementCount(kp.document), 'statement')));
  row(
    'IAM policies',
    describe(facts.principalPolicies, (pp) => {
      const inline = pp.policies.filter((x) => x.kind === 'inline').length;
      const managed = pp.policies.length - inline;
      return `${inline} inline, ${managed} managed; boundary: ${pp.permissionsBoundary ? pp.permissionsBoundary.name : 'none'}`;
    }),
  );
  row('grants', describe(facts.grants, (g) => `${g.length} naming the principal (only these can allow its request, so only these are read)`));
  row('IAM simulator', describe(facts.simulation, (results) => results.map((r) => `${r.action} ${r.decision}`).join(', ') || 'no result'));

  out.push('', `${p.bold('Verdict:')} ${verdictText(diagnosis.verdict, p)}`);
  for (const result of diagnosis.actionResults) {
    const how = result.allowedBy === 'grant' ? ' (by a grant)' : '';
    out.push(`  ${result.action.padEnd(34)}${result.decision}${how}`);
  }
  for (const cause of diagnosis.causes) {
    out.push('', `${p.bold('Cause:')} ${p.red(cause.code)} ${p.dim(`(${cause.layer})`)}`, `  ${cause.summary}`);
    for (const item of cause.evidence) {
      const text = evidenceValueText(item.value);
      const value = text ? `: ${text}` : '';
      out.push(p.dim(`  - ${item.what}${value}`));
    }
  }
  for (const fix of fixes) {
    out.push('', `${p.bold('Fix:')} ${fix.title}`);
    fixLines(fix, p, out);
    for (const [index, alternative] of (fix.alternatives ?? []).entries()) {
      out.push('', `  ${p.bold(`Otherwise (${index + 1}):`)} ${alternative.title}`);
      const lines: string[] = [];
      fixLines(alternative, p, lines);
      out.push(...lines.map((line) => (line ? `  ${line}` : line)));
    }
  }
  if (diagnosis.unverified.length > 0) {
    out.push('', p.bold('Could not verify'));
    for (const item of diagnosis.unverified) out.push(`  - ${item.what}: ${item.why}`, p.dim(`    ${item.howToVerify}`));
  }
  if (diagnosis.notes.length > 0) {
    out.push('', p.bold('Notes'));
    for (const note of diagnosis.notes) out.push(`  - ${note}`);
  }
  return out.join('\n') + '\n';
}

function fixLines(fix: Fix, p: Paint, out: string[]): void {
  out.push(`  ${fix.explanation}`);
  if (fix.blockedBy) out.push(p.yellow(`  Not proposed: ${fix.blockedBy}`));
  // The statements to add where kms-doctor cannot write (a session policy, a VPC endpoint policy…).
  if (fix.snippet !== undefined) out.push('', indent(fix.snippet, '    '));
  if (fix.diff) out.push('', indent(p.colour ? colorizeDiff(fix.diff) : fix.diff, '  '));
  if (fix.commands.length > 0) {
    out.push('', '  With the aws CLI:');
    for (const file of fix.files) out.push(`    # ${file.path}: the edited document (written by check --fix-files DIR, or applied by kms-doctor fix)`);
    for (const command of fix.commands) out.push(`    ${command}`);
  }
  if (fix.newlyAllows !== undefined && fix.steps.length > 0 && fix.blockedBy === undefined) {
    if (fix.newlyAllows.length === 0) out.push(p.dim('  Blast radius: nothing else newly allowed (other principals, another account, other actions, checked by evaluation).'));
    else {
      out.push(p.yellow('  Blast radius: this change also newly allows'));
      for (const line of newlyAllowedLines(fix.newlyAllows)) out.push(p.yellow(`    - ${line}`));
    }
  }
}

function verdictText(verdict: Diagnosis['verdict'], p: Paint): string {
  switch (verdict) {
    case 'allowed':
      return p.green('ALLOWED');
    case 'denied':
      return p.red('DENIED');
    case 'unknown':
      return p.yellow('COULD NOT DETERMINE');
  }
}

const plural = (count: number, noun: string): string => `read (${count} ${noun}${count === 1 ? '' : 's'})`;

function statementCount(document: unknown): number {
  const statements = (document as { Statement?: unknown } | null)?.Statement;
  return Array.isArray(statements) ? statements.length : statements === undefined ? 0 : 1;
}

const indent = (text: string, prefix: string): string =>
  text
    .split('\n')
    .map((line) => (line ? prefix + line : line))
    .join('\n');
