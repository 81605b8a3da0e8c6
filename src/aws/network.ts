// How kms-doctor's HTTP requests reach an endpoint on a company network: through the proxy that
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY name for that URL (the rules of proxy-from-env, the ones curl and
// most Node tools follow), trusting the CA bundle of AWS_CA_BUNDLE or the profile's ca_bundle, with
// the time limits that make an endpoint that does not answer fail fast.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { AwsCallError } from './aws-errors.js';

/** The time limits of one HTTP attempt (see httpTimeoutsFor in aws-session.ts). */
export interface HttpTimeouts {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
  readonly socketTimeout: number;
  readonly throwOnRequestTimeout: boolean;
}

export interface RequestHandlerOptions extends HttpTimeouts {
  readonly httpAgent?: HttpAgent;
  readonly httpsAgent?: HttpsAgent;
}

/** The certificates of a CA bundle file; a file that cannot be read is a one-line error naming where it was set. */
export function readCaBundle(path: string | undefined, setBy: string): string | undefined {
  if (path === undefined || path === '') return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AwsCallError({
      kind: 'credentials',
      code: 'CaBundleUnreadable',
      call: 'config',
      message: `${setBy}: cannot read the CA bundle ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    });
  }
}

/** Options for the SDK's Node HTTP handler of a client whose calls go to `url`. */
export function requestHandlerFor(url: string, ca: string | undefined, timeouts: HttpTimeouts): RequestHandlerOptions {
  const proxy = getProxyForUrl(url);
  const tls = ca !== undefined ? { ca } : {};
  if (proxy) {
    return url.startsWith('http:')
      ? { ...timeouts, httpAgent: new HttpProxyAgent(proxy, { keepAlive: true }) }
      : { ...timeouts, httpsAgent: new HttpsProxyAgent(proxy, { keepAlive: true, ...tls }) };
  }
  return ca !== undefined ? { ...timeouts, httpsAgent: new HttpsAgent({ keepAlive: true, ca }) } : { ...timeouts };
}
