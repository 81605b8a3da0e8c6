// Where each statement of a policy document sits in its text, for the simulator's MatchedStatements
// (StartPosition/EndPosition). Positions are 1-based line and column of the statement's braces in the
// document exactly as it was stored or sent. Only called on documents that already parsed as JSON.

export interface Position {
  readonly Line: number;
  readonly Column: number;
}

export interface Span {
  readonly start: Position;
  readonly end: Position;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

function skipSpace(text: string, i: number): number {
  while (isSpace(text[i])) i++;
  return i;
}

/** Index just past the string that starts at `i` (an opening quote). */
function skipString(text: string, i: number): number {
  for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
  return i + 1;
}

/** Index just past the JSON value that starts at `i`. */
function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first !== '{' && first !== '[') {
    while (i < text.length && !isSpace(text[i]) && text[i] !== ',' && text[i] !== '}' && text[i] !== ']') i++;
    return i;
  }
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = skipString(text, i) - 1;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  return text.length;
}

function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { Line: line, Column: offset - lineStart + 1 };
}

/** Offsets of the top-level "Statement" value, or undefined when there is none. */
function statementValue(text: string): number | undefined {
  let i = skipSpace(text, 0);
  if (text[i] !== '{') return undefined;
  i = skipSpace(text, i + 1);
  while (text[i] === '"') {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
    if (key === 'Statement') return valueStart;
    i = skipSpace(text, skipValue(text, valueStart));
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return undefined;
}

/** The span of every statement, in document order (a lone statement object counts as one). */
export function statementSpans(text: string): Span[] {
  const start = statementValue(text);
  if (start === undefined) return [];
  const span = (from: number, to: number): Span => ({ start: positionAt(text, from), end: positionAt(text, to - 1) });
  if (text[start] === '{') return [span(start, skipValue(text, start))];
  if (text[start] !== '[') return [];
  const spans: Span[] = [];
  let i = skipSpace(text, start + 1);
  while (i < text.length && text[i] !== ']') {
    const end = skipValue(text, i);
    if (end <= i) break;
    spans.push(span(i, end));
    i = skipSpace(text, end);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return spans;
}
