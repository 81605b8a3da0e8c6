// Where a scenario file stops being JSON, for the one-line ScenarioError.

/**
 * Says where a file stops being JSON, with line and column: JSON.parse's own messages often carry
 * neither (V8 quotes a fragment instead), and a trailing comma is the usual culprit in hand-written files.
 */
export function describeJsonError(text: string, parserMessage: string): string {
  let index = 0;
  class Stop {
    constructor(readonly expected: string) {}
  }
  function stop(expected: string): never {
    throw new Stop(expected);
  }
  const skipSpace = () => {
    while (index < text.length && ' \t\n\r'.includes(text[index]!)) index++;
  };
  const literal = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const readString = () => {
    index++;
    while (index < text.length) {
      const char = text[index]!;
      if (char === '\\') index += 2;
      else if (char === '"') return void index++;
      else if (char < ' ') stop('a closing double quote');
      else index++;
    }
    stop('a closing double quote');
  };
  const readValue = (): void => {
    skipSpace();
    const char = text[index];
    if (char === '"') return readString();
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      index++;
      skipSpace();
      if (text[index] === close) return void index++;
      for (;;) {
        if (char === '{') {
          skipSpace();
          if (text[index] !== '"') stop('a property name in double quotes');
          readString();
          skipSpace();
          if (text[index] !== ':') stop('":"');
          index++;
        }
        readValue();
        skipSpace();
        if (text[index] === ',') index++;
        else if (text[index] === close) return void index++;
        else stop(`"," or "${close}"`);
      }
    }
    literal.lastIndex = index;
    const match = literal.exec(text);
    if (!match) stop('a value');
    index += match[0].length;
  };
  try {
    readValue();
    skipSpace();
    if (index < text.length) stop('the end of the file');
    return parserMessage;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const before = text.slice(0, index);
    const line = before.split('\n').length;
    const column = index - before.lastIndexOf('\n');
    const found = index >= text.length ? 'the end of the file' : JSON.stringify(text[index]);
    const trailingComma = /,\s*$/.test(before) && (text[index] === '}' || text[index] === ']') ? ' (JSON allows no comma before a closing bracket)' : '';
    return `expected ${error.expected} at line ${line}, column ${column}, found ${found}${trailingComma}`;
  }
}
