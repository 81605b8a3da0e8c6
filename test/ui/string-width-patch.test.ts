// patches/string-width+8.3.0.patch: Ink measures every line with string-width, whose RGI_Emoji regex
// costs ~50 ms to compile on its first use (every first frame has a non-ASCII character: …, ·, ↑).
// For a cluster of one UTF-16 unit the patch asks Emoji_Presentation instead; this holds the two equal.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';

describe('string-width patch', () => {
  it('is applied (npm install runs patch-package)', () => {
    const source = readFileSync(createRequire(import.meta.url).resolve('string-width'), 'utf8');
    expect(source).toContain('singleUnitEmojiRegex.test(segment)');
  });

  it('gives every BMP character the width the RGI_Emoji test gives', () => {
    const rgiEmoji = new RegExp('^\\p{RGI_Emoji}$', 'v');
    const emojiPresentation = /^\p{Emoji_Presentation}$/u;
    const wrong: string[] = [];
    for (let code = 0; code <= 0xffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const character = String.fromCharCode(code);
      if (rgiEmoji.test(character) !== emojiPresentation.test(character)) wrong.push(code.toString(16));
      if (rgiEmoji.test(character) && stringWidth(character) !== 2) wrong.push(`${code.toString(16)} width ${stringWidth(character)}`);
    }
    expect(wrong).toEqual([]);
    expect(stringWidth('⌚ ok · …')).toBe(9);
  });
});
