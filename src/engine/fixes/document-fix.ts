// A changed policy document as a Fix: before/after and their diff for the reviewer, and, when the text
// fits AWS's size limit, the file, the step and the aws CLI command that write it.
import type { CauseCode } from '../cause.js';
import { unifiedDiff } from '../diff-view.js';
import type { Fix, FixTarget } from '../fix.js';
import { uniqueFileName, type StepAndCommand } from './cli-commands.js';
import { pretty } from './policy-documents.js';
import type { Workspace } from './workspace.js';

export interface DocumentChange {
  readonly cause: CauseCode;
  readonly title: string;
  readonly explanation: string;
  readonly notes: readonly string[];
  readonly target: FixTarget;
  /** Names the diff's two sides: "<label> (before)", "<label> (after)". */
  readonly label: string;
  readonly documentKey: string;
  readonly name: string;
  readonly fileStem: string;
  /** Undefined for a document that does not exist yet. */
  readonly before: unknown;
  readonly after: unknown;
  /** Why the text (as it will be sent) cannot be written, or undefined when it fits. */
  readonly sizeProblem: (text: string) => string | undefined;
  /** True where whitespace counts against the limit (key policies): a compact document may still fit. */
  readonly mayCompact: boolean;
  readonly write: (text: string, file: string) => StepAndCommand;
}

/** Where a document lives and how it is written: the same whether a fix adds a statement or narrows a Deny. */
export type DocumentDestination = Pick<DocumentChange, 'label' | 'documentKey' | 'fileStem' | 'sizeProblem' | 'mayCompact' | 'write'>;

export function documentFix(workspace: Workspace, change: DocumentChange): Fix {
  const before = change.before === undefined ? '' : pretty(change.before);
  const after = pretty(change.after);
  const shown = {
    cause: change.cause,
    title: change.title,
    explanation: change.explanation,
    target: change.target,
    before,
    after,
    diff: unifiedDiff(before, after, change.label),
  };
  const notes = [...change.notes];
  let text = after;
  let problem = change.sizeProblem(`${text}\n`);
  if (problem !== undefined && change.mayCompact) {
    const compact = JSON.stringify(change.after);
    if (change.sizeProblem(`${compact}\n`) === undefined) {
      text = compact;
      problem = undefined;
      notes.push('The pretty-printed document is over the size limit, so the file and the write use the same document without whitespace.');
    }
  }
  if (problem !== undefined) {
    return { ...shown, commands: [], files: [], steps: [], blockedBy: problem, ...(notes.length > 0 ? { notes } : {}) };
  }
  const path = uniqueFileName(workspace, change.fileStem);
  const { step, command } = change.write(text, path);
  // Later fixes on the same document start from this one's result (see Workspace).
  workspace.documents.set(change.documentKey, { name: change.name, document: change.after, text });
  return { ...shown, commands: [command], files: [{ path, content: `${text}\n` }], steps: [step], ...(notes.length > 0 ? { notes } : {}) };
}
