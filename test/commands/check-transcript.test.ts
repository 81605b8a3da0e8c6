// check --transcript FILE, run as a user would (the built CLI against the sandbox): the Markdown names
// the request, the verdict and its cause, carries the fix's diff and commands and the document they
// read, says nothing was applied; an existing file or a planted link is refused in one line.
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';

let sandbox: TestSandbox | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const bounded = { timeoutMs: 60_000 };

describe('check --transcript FILE', () => {
  it('writes the session as Markdown for a ticket: request, verdict and cause, the diff, the document, nothing applied', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const dir = mkdtempSync(join(tmpdir(), 'kms-doctor-transcript-'));
    dirs.push(dir);
    const path = join(dir, 'ticket.md');
    const args = ['check', ...scenarioArgs(sandbox, 'no-iam-delegation')];
    const result = await runKmsDoctor([...args, '--transcript', path], cliEnv(sandbox), bounded);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`wrote the transcript to ${path}`);
    const markdown = readFileSync(path, 'utf8');
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
    expect(markdown).toMatch(/^# kms-doctor check: .* — denied\n/);
    expect(markdown).toContain('- `kms:Decrypt`: denied');
    expect(markdown).toContain('1. **key-policy-no-iam-delegation** (layer: key-policy)');
    expect(markdown).toContain('role/AppRole');
    // The report as printed, with the diff and the put-key-policy command, and the document it reads.
    expect(markdown).toContain('aws kms put-key-policy');
    expect(markdown).toMatch(/^ *\+ *"AWS": "arn:aws:iam::111122223333:role\/AppRole"/m);
    expect(markdown).toMatch(/`kms-doctor-key-policy-[^`]+\.json`:\n\n```json\n\{/);
    expect(markdown).toContain('## Applied\n\nNothing');
    expect(markdown).not.toMatch(/\u001b\[/);
    // Fences are balanced: every opened block is closed.
    expect((markdown.match(/^```/gm) ?? []).length % 2).toBe(0);

    // The same run again: the file is there, so it is refused before any AWS call and left as it was.
    const again = await runKmsDoctor([...args, '--transcript', path], cliEnv(sandbox), bounded);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/^kms-doctor: --transcript .*there already[^\n]*\n$/);
    expect(readFileSync(path, 'utf8')).toBe(markdown);

    // A link planted at the name is not followed.
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'mine');
    const link = join(dir, 'link.md');
    symlinkSync(victim, link);
    const planted = await runKmsDoctor([...args, '--transcript', link], cliEnv(sandbox), bounded);
    expect(planted.exitCode).toBe(2);
    expect(readFileSync(victim, 'utf8')).toBe('mine');
  });
});
