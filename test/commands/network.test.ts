// kms-doctor on a company network: its calls go through the proxy HTTP_PROXY names (not for hosts in
// NO_PROXY), --debug prints one line per AWS call without a secret, and an AWS_CA_BUNDLE that cannot
// be read is one line. The proxy is a plain forwarding HTTP proxy on loopback that records what it saw.
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';

let sandbox: TestSandbox | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  proxy = undefined;
});

/** A forwarding proxy for http:// targets (absolute-form request lines), recording each request's service. */
async function startProxy(seen: string[]): Promise<string> {
  proxy = createServer((incoming, outgoing) => {
    const target = new URL(incoming.url ?? '/');
    const body: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => body.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(body).toString('utf8');
      const action = incoming.headers['x-amz-target'] ?? /(?:^|&)Action=([A-Za-z]+)/.exec(text)?.[1] ?? '?';
      seen.push(`${target.host} ${String(action)}`);
      const forwarded = request(target, { method: incoming.method, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      forwarded.on('error', () => outgoing.destroy());
      forwarded.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy!.address() as AddressInfo).port}`;
}

describe('networks', () => {
  it('sends every call through HTTP_PROXY, and none for a host in NO_PROXY', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const seen: string[] = [];
    const proxyUrl = await startProxy(seen);
    const args = ['check', '--json', ...scenarioArgs(sandbox, 'no-iam-delegation')];
    const through = await runKmsDoctor(args, { ...cliEnv(sandbox), HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: '' });
    expect(JSON.parse(through.stdout).verdict).toBe('denied');
    const endpointHost = new URL(sandbox.endpoint).host;
    expect(seen).toContain(`${endpointHost} TrentService.DescribeKey`);
    expect(seen).toContain(`${endpointHost} TrentService.GetKeyPolicy`);
    expect(seen.some((line) => line.endsWith(' GetRole'))).toBe(true);

    seen.length = 0;
    const direct = await runKmsDoctor(args, { ...cliEnv(sandbox), HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' });
    expect(JSON.parse(direct.stdout).verdict).toBe('denied');
    expect(seen).toEqual([]);
  });

  it('--debug prints each AWS call on stderr, without a credential', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const result = await runKmsDoctor(['check', '--debug', ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox));
    expect(result.exitCode).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(/^kms-doctor debug: [a-z]+:[A-Za-z]+ [a-z0-9-]+ http:\/\/127\.0\.0\.1:\d+ \d{3}( [A-Za-z]+)? \d+ms( request-id \S+)?$/);
    expect(result.stderr).toMatch(new RegExp(`^kms-doctor debug: kms:GetKeyPolicy us-east-1 ${sandbox.endpoint.replace(/\./g, '\\.')} 200 \\d+ms request-id \\S+$`, 'm'));
    const secrets = [...readFileSync(sandbox.credentialsFile, 'utf8').matchAll(/aws_(?:secret_access_key|access_key_id) = (\S+)/g)].map((m) => m[1]!);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(result.stderr).not.toContain(secret);
  });

  it('an AWS_CA_BUNDLE that cannot be read is one line and exit 2', async () => {
    const result = await runKmsDoctor(['check', '--key', 'alias/x', '--operation', 'Decrypt', '--endpoint-url', 'http://127.0.0.1:9'], {
      AWS_CA_BUNDLE: '/nonexistent/ca.pem',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_PROFILE: '',
    });
    expect(result.stderr).toBe('kms-doctor: AWS_CA_BUNDLE: cannot read the CA bundle /nonexistent/ca.pem (ENOENT)\n');
    expect(result.exitCode).toBe(2);
  });
});
