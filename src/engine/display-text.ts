// Text from AWS (policy Sids, error messages, names, tags) and from files is shown on terminals, where a
// control character is an instruction: ESC and CSI (U+009B, a C1 control) sequences can move the cursor,
// rewrite earlier lines, hide text or set the window title, and bidi controls reorder what is read. Every
// human output of check, fix, rollback and the wizard passes its data through this one module first, so
// such characters are shown as visible escapes (\x1b, \x9b) instead of being obeyed. JSON output is
// left as it is: JSON.stringify already escapes C0 controls, and scripts need the exact values.

/**
 * C0 controls but tab and newline, DEL, C1 controls (U+0080–U+009F, CSI U+009B included), the Arabic
 * letter mark, left-to-right/right-to-left marks, line and paragraph separators, and the bidi
 * embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069).
 */
const unsafeInText = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, plus newline and tab: for text that must stay on one line. */
const unsafeInLine = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (character: string): string => {
  const code = character.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with every control character shown as an escape; newlines and tabs are kept. */
export function printable(text: string): string {
  return text.replace(unsafeInText, visible);
}

/** `text` for a one-line message: newlines and tabs are escaped too, so data cannot forge a line. */
export function printableLine(text: string): string {
  return text.replace(unsafeInLine, visible);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/**
 * A copy of `value` for display: every string in it (in plain objects and arrays, keys included) passed
 * through `printable`. Parts with nothing to escape are returned as they are, so a clean value comes back
 * identical (the same object). Never feed the copy back into AWS calls: it is for showing only.
 */
export function displaySafe<T>(value: T): T {
  return safeCopy(value) as T;
}

function safeCopy(value: unknown): unknown {
  if (typeof value === 'string') return printable(value);
  if (Array.isArray(value)) {
    let changed = false;
    const copy = value.map((item) => {
      const safe = safeCopy(item);
      if (safe !== item) changed = true;
      return safe;
    });
    return changed ? copy : value;
  }
  if (isPlainObject(value)) {
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const safeKey = printable(key);
      const safe = safeCopy(item);
      if (safe !== item || safeKey !== key) changed = true;
      copy[safeKey] = safe;
    }
    return changed ? copy : value;
  }
  return value;
}
