// Fitting long values (ARNs above all) into an 80-column terminal: cut in the middle, where an ARN
// carries the least (the start says which service and account, the end which resource).
import { accountOfArn, parseArn } from '../engine/identifiers.js';

/** `text` unchanged when it fits, else its start and end around a `…`, `width` characters in all. */
export function shortenMiddle(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  // An ARN keeps its account (what matters most across accounts) and the end of its resource.
  const arn = accountOfArn(text) !== undefined ? parseArn(text) : undefined;
  const arnHead = arn ? text.slice(0, text.length - arn.resource.length) : undefined;
  if (arn && arnHead !== undefined && arnHead.length + 8 <= width) {
    return `${arnHead}…${arn.resource.slice(arn.resource.length - (width - arnHead.length - 1))}`;
  }
  if (width <= 3) return text.slice(0, width);
  const keep = width - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

/** The last part of an ARN or path (a role name, a key ID), for compact labels. */
export const lastPart = (arn: string): string => arn.split(/[/:]/).pop() ?? arn;

/** Shell words of a command we generated (single-quoted words stay whole). */
function shellWords(command: string): string[] {
  return command.match(/'(?:[^']|'\\'')*'|\S+/g) ?? [];
}

/**
 * A long shell command as lines that break only between arguments, each but the last ending in ` \`,
 * so what is copied from the terminal still runs. A single argument longer than the width keeps its
 * own line whole rather than being cut.
 */
export function wrapCommand(command: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of shellWords(command)) {
    if (line && line.length + 1 + word.length + 2 > width) {
      lines.push(`${line} \\`);
      // Indent continuations, but never so much that a long argument (an ARN) wraps by itself.
      line = `${' '.repeat(Math.max(0, Math.min(4, width - word.length - 2)))}${word}`;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
