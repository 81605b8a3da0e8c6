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

describe('commands in a narrow terminal', () => {
  it('breaks only between arguments, with line continuations', async () => {
    const { wrapCommand } = await import('../../src/ui/text-layout.js');
    const command =
      'aws kms put-key-policy --key-id arn:aws:kms:us-east-1:111122223333:key/f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df --policy-name default --policy file://kms-doctor-key-policy-f94ddd94.json --region us-east-1';
    const lines = wrapCommand(command, 76);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(0, -1)) expect(line.endsWith(' \\')).toBe(true);
    expect(lines.join('\n')).toContain('arn:aws:kms:us-east-1:111122223333:key/f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df');
    expect(lines.map((l) => l.replace(/ \\$/, '').trim()).join(' ')).toBe(command);
    expect(wrapCommand("aws kms encrypt --encryption-context '{\"a b\":\"c\"}'", 20).join(' ')).toContain("'{\"a b\":\"c\"}'");
  });
});
