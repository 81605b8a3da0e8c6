// An --endpoint-url that is not AWS (a web server answering HTML, or an error page): `check` and `fix`
// stop with one line naming the endpoint, never the SDK's "$response" hint or a speculative diagnosis.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKmsDoctor } from '../helpers/sandbox-process.js';

const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const servers: Server[] = [];

/** A tiny web server that answers every request with the same HTML page. */
async function htmlServer(status: number): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'text/html' });
      response.end('<!doctype html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const env = (): NodeJS.ProcessEnv => ({
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  AWS_PROFILE: '',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
});

let ok: string;
let notFound: string;
beforeAll(async () => {
  ok = await htmlServer(200);
  notFound = await htmlServer(404);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('an endpoint that answers HTML', () => {
  it('check and fix stop with one line, exit 3: "<endpoint> does not answer like AWS (…)"', async () => {
    for (const endpoint of [ok, notFound]) {
      for (const command of [['check'], ['check', '--json'], ['fix', '--dry-run']]) {
        const result = await runKmsDoctor([...command, '--key', keyArn, '--operation', 'Decrypt', '--endpoint-url', endpoint], env());
        const what = `${command.join(' ')} → ${endpoint}`;
        expect(result.stderr, what).toMatch(new RegExp(`^kms-doctor: ${endpoint.replace(/[.]/g, '\\.')} does not answer like AWS \\([^\\n]+\\)[^\\n]*\\n$`));
        expect(result.stderr, what).not.toContain('$response');
        // With --json the same line is the error document on stdout (issue 10's JSON contract); otherwise nothing.
        if (command.includes('--json')) expect(JSON.parse(result.stdout).error, what).toEqual({ code: 'non-aws', message: result.stderr.slice('kms-doctor: '.length, -1) });
        else expect(result.stdout, what).toBe('');
        expect(result.exitCode, what).toBe(3);
      }
    }
  });
});
