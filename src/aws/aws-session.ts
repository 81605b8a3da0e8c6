// The one place kms-doctor builds AWS clients. A session holds the caller's credentials (and, with
// `--key-profile`, a second set in the key's account, the only way to read a key policy across
// accounts) and creates KMS, IAM and STS clients on first use, one KMS client per Region because a
// key ARN's Region decides where KMS calls go.
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain, fromProcess, fromTokenFile } from '@aws-sdk/credential-providers';
import { CredentialsProviderError, memoize } from '@smithy/core/config';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from '@smithy/types';
import { awsServices, defaultEndpoint, loadProfileSettings, resolveRegion, sharedFilePaths, type AwsServiceName, type ProfileSettings, type SharedFilePaths } from './aws-config.js';
import { classifyCredentialError } from './aws-errors.js';
import { UsageError } from '../usage-error.js';
import { callRecorderPlugin, type AwsCallObserver } from './call-recorder.js';
import { readCaBundle, requestHandlerFor, type HttpTimeouts } from './network.js';

export type { AwsServiceName } from './aws-config.js';

export interface AwsSessionOptions {
  /** `--profile`; AWS_PROFILE from `env` otherwise. */
  readonly profile?: string;
  /** `--key-profile`: credentials in the key's account, for its key policy and grants. */
  readonly keyProfile?: string;
  /** `--org-profile`: credentials in the organization's management account (or a delegated administrator), for SCPs and RCPs. */
  readonly orgProfile?: string;
  readonly region?: string;
  /** `--endpoint-url`: every client of the session, the key account's included, goes there. */
  readonly endpointUrl?: string;
  /**
   * Where settings are read (AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWS_CONFIG_FILE,
   * AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL*, AWS_ACCESS_KEY_ID…); process.env by default. The SDK's
   * own chain links for SSO caches, web identity, containers and IMDS still read process.env.
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Attempts per call, retries included: AWS_MAX_ATTEMPTS, else 3 (the SDK's standard mode). */
  readonly maxAttempts?: number;
  /**
   * How long one HTTP attempt may wait for an answer (and a started answer may stall), in milliseconds:
   * KMS_DOCTOR_REQUEST_TIMEOUT (seconds) from `env`, else 30 s. See httpTimeoutsFor.
   */
  readonly requestTimeoutMs?: number;
  /** Called after every HTTP exchange (never with secrets): `--debug` traces, round-trip counting. */
  readonly onCall?: AwsCallObserver;
  /** Asks for the code of a profile's mfa_serial (a masked prompt on a terminal); without it such a profile is refused. */
  readonly mfaCodeProvider?: (serial: string) => Promise<string>;
}

/** Clients that share one set of credentials. */
export interface AwsClientSet {
  /** The profile the credentials come from; undefined for environment variables or the default chain. */
  readonly profile: string | undefined;
  /** `--region` > AWS_REGION > AWS_DEFAULT_REGION > the profile's region; undefined when none says. */
  readonly region: string | undefined;
  kms(region: string): KMSClient;
  /** IAM is global, but the SDK still wants a Region: the session's, else us-east-1. */
  iam(): IAMClient;
  sts(): STSClient;
  /** AWS Organizations (global: its calls go to us-east-1). */
  organizations(): OrganizationsClient;
  /** Where a service's calls go, for messages: the configured endpoint, else AWS's own. */
  endpoint(service: AwsServiceName, region?: string): string;
  /** The endpoints configured (--endpoint-url, AWS_ENDPOINT_URL*, the profile): printed commands must name them. */
  readonly configuredEndpoints: Readonly<Partial<Record<AwsServiceName, string>>>;
}

export interface AwsSession extends AwsClientSet {
  /** Present when a keyProfile was given. */
  readonly keyAccount: AwsClientSet | undefined;
  /** Present when an orgProfile was given. */
  readonly orgAccount: AwsClientSet | undefined;
  /**
   * Where the credential chain may look, in order. A session whose endpoints are all on this machine
   * never includes the container endpoint or the instance metadata service (169.254.169.254).
   */
  readonly credentialSources: readonly CredentialSource[];
  /** Closes the clients' sockets, so a finished diagnosis does not keep the process alive. */
  destroy(): void;
}

/** Without a Region, IAM and STS calls go to us-east-1 (IAM's home, STS's global endpoint's Region). */
const fallbackRegion = 'us-east-1';
/** Default limit for one HTTP attempt, in ms; the README's safety section states it. */
export const defaultRequestTimeoutMs = 30_000;
/** Connecting is quick or it does not happen: a silent host is given up after 5 s. */
const connectionTimeoutMs = 5_000;

/**
 * The HTTP handler's limits. `requestTimeout` alone only logs a warning in @smithy/node-http-handler
 * (setRequestTimeout): `throwOnRequestTimeout` makes it destroy the request and reject with a
 * TimeoutError, which the SDK retries up to maxAttempts and then throws. `socketTimeout` (idle time on
 * the socket) covers an endpoint that sends the headers and then stalls the body, which requestTimeout
 * no longer watches once the headers have arrived.
 */
export function httpTimeoutsFor(requestTimeoutMs: number): HttpTimeouts {
  return { connectionTimeout: connectionTimeoutMs, requestTimeout: requestTimeoutMs, socketTimeout: requestTimeoutMs, throwOnRequestTimeout: true };
}

/** KMS_DOCTOR_REQUEST_TIMEOUT in seconds (a positive number, fractions allowed), else the default. */
export function requestTimeoutFrom(options: Pick<AwsSessionOptions, 'requestTimeoutMs'>, env: NodeJS.ProcessEnv): number {
  if (options.requestTimeoutMs !== undefined) return options.requestTimeoutMs;
  const raw = env.KMS_DOCTOR_REQUEST_TIMEOUT;
  if (raw === undefined || raw === '') return defaultRequestTimeoutMs;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`KMS_DOCTOR_REQUEST_TIMEOUT '${raw}' is not a number of seconds between 0 and 3600`);
  }
  return Math.ceil(seconds * 1000);
}
/** A logger that prints nothing: the chain would otherwise console.warn (e.g. AWS_PROFILE and static keys both set). */
const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface ClientSetup {
  readonly settings: ProfileSettings;
  readonly region: string | undefined;
  readonly endpointUrl: string | undefined;
  readonly maxAttempts: number;
  readonly timeouts: HttpTimeouts;
  readonly retryMode: 'standard' | 'adaptive' | 'legacy';
  /** AWS_CA_BUNDLE's or the profile's ca_bundle certificates. */
  readonly ca: string | undefined;
  readonly credentials: AwsCredentialIdentityProvider;
  readonly onCall: AwsCallObserver | undefined;
}

/** Attempts per call: the option, AWS_MAX_ATTEMPTS, the profile's max_attempts, else 3 (the SDKs' and the CLI's order). */
function maxAttemptsFrom(options: AwsSessionOptions, env: NodeJS.ProcessEnv, profileValue: string | undefined): number {
  const positive = (text: string | undefined) => {
    const n = Number(text);
    return text !== undefined && text !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return options.maxAttempts ?? positive(env.AWS_MAX_ATTEMPTS) ?? positive(profileValue) ?? 3;
}

/** AWS_RETRY_MODE, else the profile's retry_mode, else standard. */
function retryModeFrom(env: NodeJS.ProcessEnv, profileValue: string | undefined): ClientSetup['retryMode'] {
  const mode = (env.AWS_RETRY_MODE || profileValue || 'standard').toLowerCase();
  return mode === 'adaptive' || mode === 'legacy' ? mode : 'standard';
}

/** The links of a credential chain, named for tests and messages. */
export type CredentialSource = 'environment' | 'sso' | 'shared-files' | 'credential-process' | 'web-identity' | 'container' | 'instance-metadata';

/** The SDK's Node chain, in its order. */
const standardSources: readonly CredentialSource[] = ['environment', 'sso', 'shared-files', 'credential-process', 'web-identity', 'container', 'instance-metadata'];
/** Without the links that reach the network outside the configured endpoints (SSO and assume-role profiles still work). */
const localSources: readonly CredentialSource[] = ['environment', 'shared-files', 'credential-process', 'web-identity'];

/** True for an http(s) URL whose host is 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackEndpoint(url: string | undefined): boolean {
  if (url === undefined) return false;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1, which URL writes as ::ffff:7f00:1).
  if (/^::ffff:(?:127\.\d+\.\d+\.\d+|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.test(host)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The sources a session may use: the local chain when every service's endpoint is on this machine. */
export function credentialSourcesFor(endpoints: readonly (string | undefined)[]): readonly CredentialSource[] {
  return endpoints.length > 0 && endpoints.every(isLoopbackEndpoint) ? localSources : standardSources;
}

const expiresSoon = (credentials: AwsCredentialIdentity) => credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;

/**
 * The standard chain minus SSO-by-init (fromIni still reads SSO profiles), the container endpoint and
 * the instance metadata service: a session against a local endpoint (the sandbox) must neither wait for
 * 169.254.169.254 nor pick up the machine's own role. Memoized like the SDK's chain, so the three
 * clients share one AssumeRole.
 */
function localProviderChain(init: Parameters<typeof fromIni>[0] & Parameters<typeof fromTokenFile>[0]): AwsCredentialIdentityProvider {
  const links: AwsCredentialIdentityProvider[] = [fromIni(init), fromProcess(init), fromTokenFile(init)];
  const chain = async (): Promise<AwsCredentialIdentity> => {
    for (const link of links) {
      try {
        return await link();
      } catch (error) {
        if ((error as { tryNextLink?: boolean }).tryNextLink) continue;
        throw error;
      }
    }
    // The same words as the SDK's chain, which classifyCredentialError recognises.
    throw new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false });
  };
  return memoize(chain, expiresSoon, (credentials) => credentials.expiration !== undefined);
}

/**
 * The standard Node chain (env, SSO, profiles with assume-role, process, web identity, container, IMDS),
 * with two changes: static keys come from the `env` we were given, and the role assumer is sent to the
 * configured STS endpoint, because the SDK's assume-role client ignores the profile's endpoint_url
 * (it reads only the profile named by process.env.AWS_PROFILE) and would ask the real STS.
 */
function credentialProvider(
  env: NodeJS.ProcessEnv,
  paths: SharedFilePaths,
  settings: ProfileSettings,
  endpointUrl: string | undefined,
  maxAttempts: number,
  timeouts: HttpTimeouts,
  onCall: AwsCallObserver | undefined,
  sources: readonly CredentialSource[],
  mfaCodeProvider: ((serial: string) => Promise<string>) | undefined,
  ca: string | undefined,
): AwsCredentialIdentityProvider {
  const stsEndpoint = endpointUrl ?? settings.endpoints.sts;
  const requestHandler = requestHandlerFor(stsEndpoint ?? 'https://sts.amazonaws.com', ca, timeouts);
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  const init = {
    ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
    filepath: paths.credentialsFile,
    configFilepath: paths.configFile,
    logger: quietLogger,
    // No Region here: SSO would use it instead of the profile's sso_region.
    clientConfig: { maxAttempts, requestHandler, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) },
    ...(onCall ? { clientPlugins: [callRecorderPlugin(onCall, settings.region)] } : {}),
  };
  const remote = sources.includes('instance-metadata');
  // A named profile resolves through that profile only, as the aws CLI does: the chain would swallow its
  // real failure (a credential_process error, an expired SSO session, an MFA code) and go on to IMDS.
  const provider: AwsCredentialIdentityProvider =
    settings.profile === undefined && accessKeyId && secretAccessKey
      ? async () => ({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) })
      : settings.profile !== undefined
        ? memoize(fromIni({ ...init, ...(mfaCodeProvider ? { mfaCodeProvider } : {}) }), expiresSoon, (credentials) => credentials.expiration !== undefined)
        : remote
        ? fromNodeProviderChain(init)
        : localProviderChain(init);
  const where = stsEndpoint ?? 'the AWS credentials endpoints';
  return async (identityProperties) => {
    try {
      return await provider(identityProperties);
    } catch (error) {
      throw classifyCredentialError(error, { profile: settings.profile, endpoint: where, instanceMetadataTried: remote });
    }
  };
}

function clientSet(setup: ClientSetup): AwsClientSet & { destroy(): void } {
  const { settings, endpointUrl, maxAttempts, retryMode, credentials, onCall } = setup;
  const kmsClients = new Map<string, KMSClient>();
  let iamClient: IAMClient | undefined;
  let stsClient: STSClient | undefined;
  let organizationsClient: OrganizationsClient | undefined;
  const globalRegion = setup.region ?? fallbackRegion;
  const endpointOf = (service: AwsServiceName) => endpointUrl ?? settings.endpoints[service];
  const common = (service: AwsServiceName, region: string) => {
    const endpoint = endpointOf(service);
    return {
      region,
      credentials,
      maxAttempts,
      retryMode,
      requestHandler: requestHandlerFor(endpoint ?? defaultEndpoint(service, region), setup.ca, setup.timeouts),
      ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
      ...(endpoint ? { endpoint } : {}),
    };
  };
  return {
    profile: settings.profile,
    region: setup.region,
    kms(region) {
      let client = kmsClients.get(region);
      if (!client) {
        client = new KMSClient(common('kms', region));
        if (onCall) client.middlewareStack.use(callRecorderPlugin(onCall, region));
        kmsClients.set(region, client);
      }
      return client;
    },
    iam() {
      if (!iamClient) {
        iamClient = new IAMClient(common('iam', globalRegion));
        if (onCall) iamClient.middlewareStack.use(callRecorderPlugin(onCall, globalRegion));
      }
      return iamClient;
    },
    sts() {
      if (!stsClient) {
        stsClient = new STSClient(common('sts', globalRegion));
        if (onCall) stsClient.middlewareStack.use(callRecorderPlugin(onCall, globalRegion));
      }
      return stsClient;
    },
    configuredEndpoints: Object.fromEntries(awsServices.flatMap((service) => (endpointOf(service) ? [[service, endpointOf(service)]] : []))),
    organizations() {
      if (!organizationsClient) {
        organizationsClient = new OrganizationsClient(common('organizations', fallbackRegion));
        if (onCall) organizationsClient.middlewareStack.use(callRecorderPlugin(onCall, fallbackRegion));
      }
      return organizationsClient;
    },
    endpoint(service, region) {
      return endpointOf(service) ?? defaultEndpoint(service, region ?? globalRegion);
    },
    destroy() {
      for (const client of kmsClients.values()) client.destroy();
      iamClient?.destroy();
      stsClient?.destroy();
      organizationsClient?.destroy();
    },
  };
}

/**
 * Reads the profiles' settings and prepares the clients; no AWS call is made yet. Rejects with an
 * AwsCallError (kind 'credentials') when a named profile does not exist. Credential failures
 * (nothing found, a role that cannot be assumed, an unreachable STS) surface as AwsCallError from the
 * first call, never as SDK exceptions.
 */
export async function createAwsSession(options: AwsSessionOptions = {}): Promise<AwsSession> {
  const env = options.env ?? process.env;
  const paths = sharedFilePaths(env);
  const timeouts = httpTimeoutsFor(requestTimeoutFrom(options, env));
  const endpointUrl = options.endpointUrl || undefined;
  const prepare = async (profile: string | undefined) => {
    const settings = await loadProfileSettings(env, profile, paths);
    const maxAttempts = maxAttemptsFrom(options, env, settings.maxAttempts);
    const ca = env.AWS_CA_BUNDLE ? readCaBundle(env.AWS_CA_BUNDLE, 'AWS_CA_BUNDLE') : readCaBundle(settings.caBundle, `ca_bundle of profile '${profile ?? 'default'}'`);
    const sources = credentialSourcesFor(awsServices.map((service) => endpointUrl ?? settings.endpoints[service]));
    const set = clientSet({
      settings,
      region: resolveRegion(options.region, env, settings.region),
      endpointUrl,
      maxAttempts,
      timeouts,
      retryMode: retryModeFrom(env, settings.retryMode),
      ca,
      credentials: credentialProvider(env, paths, settings, endpointUrl, maxAttempts, timeouts, options.onCall, sources, options.mfaCodeProvider, ca),
      onCall: options.onCall,
    });
    return { set, sources };
  };
  const [main, keyAccount, orgAccount] = await Promise.all([
    prepare(options.profile || env.AWS_PROFILE || undefined),
    options.keyProfile ? prepare(options.keyProfile) : Promise.resolve(undefined),
    options.orgProfile ? prepare(options.orgProfile) : Promise.resolve(undefined),
  ]);
  return {
    ...main.set,
    keyAccount: keyAccount?.set,
    orgAccount: orgAccount?.set,
    credentialSources: main.sources,
    destroy() {
      main.set.destroy();
      keyAccount?.set.destroy();
      orgAccount?.set.destroy();
    },
  };
}
