import { describe, expect, it } from 'vitest';
import { shortenMiddle } from '../../src/ui/text-layout.js';

describe('fitting ARNs into narrow terminals', () => {
  it('keeps the account of an ARN whole and shortens the resource', () => {
    const arn = 'arn:aws:kms:us-east-1:111122223333:key/56e21f24-7d3f-4d54-9a4b-686456f054a3';
    const short = shortenMiddle(arn, 50);
    expect(short).toHaveLength(50);
    expect(short.startsWith('arn:aws:kms:us-east-1:111122223333:')).toBe(true);
    expect(short.endsWith('686456f054a3')).toBe(true);
  });

  it('leaves what fits alone and cuts other text in the middle', () => {
    expect(shortenMiddle('short', 10)).toBe('short');
    expect(shortenMiddle('abcdefghijklmnop', 7)).toBe('abc…nop');
  });
});
