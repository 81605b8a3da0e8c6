// The typed confirmation of `fix` on a terminal: only the literal word applies — "yes", or "accept"
// when the plan has a blast radius, so a reflexive "yes" does not approve what it newly allows.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirmWithYes } from '../../src/commands/confirm-prompt.js';

async function answer(text: string, word?: string): Promise<{ approved: boolean; asked: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let asked = '';
  output.on('data', (chunk: Buffer) => (asked += chunk.toString('utf8')));
  const approved = confirmWithYes('Apply?', input, output, word);
  input.end(`${text}\n`);
  return { approved: await approved, asked };
}

describe('confirmWithYes', () => {
  it('approves on yes by default, and nothing else', async () => {
    expect((await answer('yes')).approved).toBe(true);
    expect((await answer('y')).approved).toBe(false);
  });

  it('asks for accept when told to, and then yes does not approve', async () => {
    const refused = await answer('yes', 'accept');
    expect(refused.approved).toBe(false);
    expect(refused.asked).toContain("Only 'accept' will be accepted to approve.");
    expect((await answer('accept', 'accept')).approved).toBe(true);
  });
});
