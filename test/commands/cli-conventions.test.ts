// The conventions a CLI user expects: --version, help CMD, did-you-mean for commands, flags and
// operations, unknown flags refused everywhere, FORCE_COLOR / NO_COLOR / TERM=dumb, fix reading --error
// from stdin like check, and --json documents (success and failure) valid against docs/json-output.schema.json.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { colourWanted } from '../../src/colour-wanted.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { projectRoot, runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';

const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
const schema = JSON.parse(readFileSync(join(projectRoot, 'docs/json-output.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true });
ajv.addSchema(schema);
function expectValid(document: unknown, definition: string) {
  const validate = ajv.getSchema(`${schema.$id}#/definitions/${definition}`)!;
  expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  // And against the whole schema, which accepts exactly one kind of document.
  expect(ajv.validate(schema.$id, document), JSON.stringify(ajv.errors)).toBe(true);
}

/** Runs the CLI with text on stdin. */
function withStdin(args: readonly string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.tsx', ...args], { cwd: projectRoot, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout, stderr })));
}

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

describe('CLI conventions', () => {
  it('--version prints the package version', async () => {
    const result = await runKmsDoctor(['--version']);
    expect(result).toEqual({ exitCode: 0, stdout: `kms-doctor ${version}\n`, stderr: '' });
  });

  it("help CMD prints that command's usage, not the global one", async () => {
    const result = await runKmsDoctor(['help', 'fix']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Usage: kms-doctor fix /);
    expect(result.stdout).not.toContain('Commands:');
    expect(result.stdout).toContain('\nExamples:\n  kms-doctor fix ');
  });

  it('suggests the closest command, flag and operation', async () => {
    expect((await runKmsDoctor(['chek'])).stderr).toBe("kms-doctor: unknown command 'chek' (did you mean check?) (kms-doctor help lists them)\n");
    expect((await runKmsDoctor(['prevnt'])).stderr).toBe("kms-doctor: unknown command 'prevnt' (did you mean prevent?) (kms-doctor help lists them)\n");
    const preventHelp = await runKmsDoctor(['help', 'prevent']);
    expect(preventHelp.exitCode).toBe(0);
    expect(preventHelp.stdout).toMatch(/^Usage: kms-doctor prevent --key KEY/);
    const flag = await runKmsDoctor(['check', '--key', 'alias/x', '--operaton', 'Decrypt']);
    expect(flag.stderr).toBe('kms-doctor: unknown flag --operaton (did you mean --operation?); --help lists the flags\n');
    expect(flag.exitCode).toBe(2);
    const operation = await runKmsDoctor(['check', '--key', 'alias/x', '--operation', 'Decryp']);
    expect(operation.stderr).toMatch(/^kms-doctor: unknown operation 'Decryp' \(did you mean Decrypt\?\)/);
    const operations = await runKmsDoctor(['operations', '--bogus']);
    expect(operations.exitCode).toBe(2);
    expect(operations.stdout).toBe('');
  });

  it('colours by FORCE_COLOR, NO_COLOR and TERM=dumb', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(colourWanted(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourWanted(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourWanted(tty, { TERM: 'dumb' })).toBe(false);
    expect(colourWanted(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(tty, { TERM: 'xterm-256color' })).toBe(true);
    expect(colourWanted(pipe, {})).toBe(false);
  });

  it('fix reads --error - from stdin like check, and a failure with --json is an error document', async () => {
    const message =
      'An error occurred (AccessDeniedException) when calling the Decrypt operation: User: arn:aws:iam::111122223333:user/app is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action';
    const env = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_PROFILE: '', AWS_REGION: 'us-east-1' };
    const result = await withStdin(['fix', '--dry-run', '--json', '--error', '-', '--endpoint-url', 'http://127.0.0.1:9'], message, env);
    expect(result.stderr).not.toContain('--key is required');
    expect(result.exitCode).toBe(3);
    const document = JSON.parse(result.stdout);
    expectValid(document, 'errorDocument');
    expect(document.error.message).toBe(result.stderr.replace(/^kms-doctor: /, '').trim());

    const usage = await runKmsDoctor(['check', '--json', '--key', 'not a key', '--operation', 'Decrypt']);
    expect(usage.exitCode).toBe(2);
    const error = JSON.parse(usage.stdout);
    expectValid(error, 'errorDocument');
    expect(error.error.code).toBe('usage');
  });

  it('check --json and fix --json carry schemaVersion and the tool version, and match the schema', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const args = scenarioArgs(sandbox, 'no-iam-delegation');
    const check = JSON.parse((await runKmsDoctor(['check', '--json', ...args], cliEnv(sandbox))).stdout);
    expect(check.schemaVersion).toBe(1);
    expect(check.toolVersion).toBe(version);
    expectValid(check, 'checkDocument');
    const fix = JSON.parse((await runKmsDoctor(['fix', '--dry-run', '--json', ...args], cliEnv(sandbox))).stdout);
    expectValid(fix, 'fixDocument');
  });
});
