// Terminal injection (issue 13, item 6): data from AWS or from a backup file that holds control
// characters (ESC sequences, the C1 CSI U+009B, an OSC that sets the window title) is shown escaped in
// every human output of check, fix and rollback, never passed to the terminal. The key policy is
// changed inside the in-process sandbox's state, as a hostile or buggy endpoint could return it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupRecord } from '../../src/apply/backup-types.js';
import { displaySafe, printable, printableLine } from '../../src/engine/display-text.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';

let sandbox: TestSandbox | undefined;
const dirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});
const bounded = { timeoutMs: 90_000 };

/** Clears the screen, sets the window title, and opens a CSI with the single C1 character. */
const hostile = 'Admins\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202e';
const rawControl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

/** Puts `hostile` into the Sid of the first statement of every key policy of the sandbox. */
function plantHostileSid(target: TestSandbox): void {
  for (const key of Object.values(target.world.state.keys)) {
    const policy = JSON.parse(key.policy) as { Statement: { Sid?: string }[] };
    policy.Statement[0]!.Sid = hostile;
    key.policy = JSON.stringify(policy, null, 2);
  }
}

describe('printable and displaySafe', () => {
  it('escape C0 (but newline and tab), DEL, C1 and bidi controls; leave clean values untouched', () => {
    expect(printable(hostile)).toBe('Admins\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202e');
    expect(printable('a\nb\tc\rd\u007f')).toBe('a\nb\tc\\x0dd\\x7f');
    expect(printableLine('a\nb')).toBe('a\\x0ab');
    expect(printable('é ✔ 日本 🙂')).toBe('é ✔ 日本 🙂');
    const clean = { a: ['x', { b: 'y' }] };
    expect(displaySafe(clean)).toBe(clean);
    expect(displaySafe({ a: [hostile], [hostile]: 1 })).toEqual({ a: [printable(hostile)], [printable(hostile)]: 1 });
  });
});

describe('check and fix', () => {
  it('show a hostile key-policy Sid escaped', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    plantHostileSid(sandbox);
    const args = scenarioArgs(sandbox, 'no-iam-delegation');
    for (const command of [['check'], ['fix', '--dry-run']]) {
      const result = await runKmsDoctor([...command, ...args], cliEnv(sandbox), bounded);
      const what = command.join(' ');
      expect(result.exitCode, what).toBe(1);
      expect(result.stdout, what).toContain('\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m');
      expect(result.stdout, what).not.toMatch(rawControl);
      expect(result.stderr, what).not.toMatch(rawControl);
    }
    // --json keeps the exact value (JSON escapes it itself), for scripts.
    const json = await runKmsDoctor(['check', '--json', ...args], cliEnv(sandbox), bounded);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(hostile).slice(1, -1));
  });

  it("show an endpoint's hostile error message escaped, in the report and in the one-line error", async () => {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'r-1' });
        response.end(JSON.stringify({ __type: 'UnrecognizedClientException', message: `The security token is invalid ${hostile}` }));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const env = { AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_PROFILE: '', AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' };
    const result = await runKmsDoctor(['check', '--key', key, '--operation', 'Decrypt', '--endpoint-url', endpoint], env, bounded);
    expect(result.stderr + result.stdout).toContain('\\x1b]0;pwned');
    expect(result.stdout).not.toMatch(rawControl);
    expect(result.stderr).not.toMatch(rawControl);
    expect(result.exitCode).toBe(2);
  });
});

describe('rollback', () => {
  it('shows the diff of a backup holding control characters escaped', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const backupDir = mkdtempSync(join(tmpdir(), 'kms-doctor-backups-'));
    dirs.push(backupDir);
    const fixed = JSON.parse((await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', backupDir, ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox), bounded)).stdout);
    const backupPath = fixed.apply.steps[0].backupPath as string;
    const record = JSON.parse(readFileSync(backupPath, 'utf8')) as BackupRecord;
    const document = JSON.parse(record.document!) as { Statement: { Sid?: string }[] };
    document.Statement[0]!.Sid = hostile;
    writeFileSync(backupPath, JSON.stringify({ ...record, document: JSON.stringify(document) }));
    const result = await runKmsDoctor(['rollback', backupPath, '--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--backup-dir', backupDir], cliEnv(sandbox), bounded);
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toContain('\\x9b31m');
    expect(result.stdout).not.toMatch(rawControl);
    expect(result.stderr).not.toMatch(rawControl);
  });
});
