// Which characters a policy document may hold. KMS and IAM accept only printable characters up to
// U+00FF plus tab, line feed and carriage return between tokens (KMS API reference, PutKeyPolicy
// "Policy"; the pattern [\u0009\u000A\u000D\u0020-\u00FF]+ of both services' models). The raw-text
// pattern is checked with the request's other constraints; this looks inside the parsed document,
// where a JSON escape (\u001b, \u009b) can smuggle in a control character that the raw text does not
// show and that a terminal would obey when the policy is printed.

/** Printable Latin-1: U+0020–U+007E and U+00A0–U+00FF. */
const printable = /^[\u0020-\u007E\u00A0-\u00FF]*$/;

export interface DisallowedCharacter {
  /** Where it is, e.g. Statement[0].Sid (a key is named by its parent's path plus the key). */
  readonly path: string;
  /** e.g. U+001B */
  readonly codePoint: string;
}

function firstDisallowed(text: string): string | undefined {
  if (printable.test(text)) return undefined;
  const character = [...text].find((c) => !printable.test(c))!;
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first string (key or value) of a parsed policy document holding a character AWS does not accept. */
export function disallowedPolicyCharacter(value: unknown, path = ''): DisallowedCharacter | undefined {
  if (typeof value === 'string') {
    const codePoint = firstDisallowed(value);
    return codePoint === undefined ? undefined : { path: path || '(document)', codePoint };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = disallowedPolicyCharacter(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyPath = path ? `${path}.${key}` : key;
      const inKey = firstDisallowed(key);
      if (inKey !== undefined) return { path: path ? `${path} (a key)` : '(a top-level key)', codePoint: inKey };
      const found = disallowedPolicyCharacter(item, keyPath);
      if (found) return found;
    }
  }
  return undefined;
}

/** The message both services' MalformedPolicyDocument errors carry for such a document. */
export function disallowedCharacterMessage(found: DisallowedCharacter): string {
  return `The policy document contains a character that is not allowed (${found.codePoint} in ${found.path}); a policy may hold only printable characters up to U+00FF.`;
}
