// Where a profile's settings come from: the shared config and credentials files, read with the SDK's
// own loader (same INI dialect, `[profile x]`, `[services x]` sub-sections), and the environment we
// were given. We resolve Region and endpoints ourselves because the SDK does not apply `--profile` to
// them: its endpoint lookup reads the profile named by process.env.AWS_PROFILE only (checked against
// the sandbox's role profiles), and it never reads AWS_DEFAULT_REGION (SDK-AND-SAFETY §2.2).
import { join } from 'node:path';
import { getHomeDir, loadSharedConfigFiles } from '@smithy/core/config';
import { AwsCallError } from './aws-errors.js';

export type AwsServiceName = 'kms' | 'iam' | 'sts' | 'organizations';
export const awsServices: readonly AwsServiceName[] = ['kms', 'iam', 'sts', 'organizations'];

export interface SharedFilePaths {
  readonly configFile: string;
  readonly credentialsFile: string;
}

export interface ProfileSettings {
  /** The profile asked for by name; undefined when none was (the `default` profile's settings are read then). */
  readonly profile: string | undefined;
  readonly region: string | undefined;
  /** Endpoints configured for each service outside our `--endpoint-url` flag, SDK precedence applied. */
  readonly endpoints: Readonly<Partial<Record<AwsServiceName, string>>>;
  /** The profile's ca_bundle, max_attempts and retry_mode, as written. */
  readonly caBundle?: string;
  readonly maxAttempts?: string;
  readonly retryMode?: string;
}

export function sharedFilePaths(env: NodeJS.ProcessEnv): SharedFilePaths {
  const aws = join(getHomeDir(), '.aws');
  return {
    configFile: env.AWS_CONFIG_FILE || join(aws, 'config'),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || join(aws, 'credentials'),
  };
}

type Section = Readonly<Record<string, string | undefined>>;

/** Own entries only: a profile called `constructor` must not find Object.prototype's. */
const entry = (sections: Readonly<Record<string, Section>>, name: string): Section | undefined =>
  Object.hasOwn(sections, name) ? sections[name] : undefined;

const isTrue = (value: string | undefined): boolean => value?.toLowerCase() === 'true';

/**
 * The endpoint of one service, in the order the SDKs define (docs.aws.amazon.com/sdkref, "Service-specific
 * endpoints"): AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's `services` section, its
 * endpoint_url. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile setting) switches all of them off.
 */
function configuredEndpoint(
  service: AwsServiceName,
  env: NodeJS.ProcessEnv,
  section: Section,
  configFile: Readonly<Record<string, Section>>,
  profile: string | undefined,
): string | undefined {
  const fromEnv = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL;
  if (fromEnv) return fromEnv;
  const servicesName = section.services;
  if (servicesName) {
    const services = entry(configFile, `services.${servicesName}`);
    if (!services) {
      throw new AwsCallError({
        kind: 'credentials',
        code: 'ServicesSectionNotFound',
        call: 'config',
        message: `Profile '${profile ?? 'default'}' names the services section '${servicesName}', which the shared config file does not have.`,
      });
    }
    const url = services[`${service}.endpoint_url`];
    if (url) return url;
  }
  return section.endpoint_url || undefined;
}

/**
 * Reads a profile's Region and endpoints. A profile that was asked for by name (flag or AWS_PROFILE)
 * and is in neither file is an error naming it, raised before any credential lookup, because the SDK's
 * chain would only say that no provider found credentials.
 */
export async function loadProfileSettings(env: NodeJS.ProcessEnv, requested: string | undefined, paths: SharedFilePaths): Promise<ProfileSettings> {
  const files = await loadSharedConfigFiles({ filepath: paths.credentialsFile, configFilepath: paths.configFile, ignoreCache: true });
  const name = requested ?? 'default';
  const configFile = files.configFile as Readonly<Record<string, Section>>;
  const credentialsFile = files.credentialsFile as Readonly<Record<string, Section>>;
  const section = entry(configFile, name);
  const credentials = entry(credentialsFile, name);
  if (requested !== undefined && section === undefined && credentials === undefined) {
    throw new AwsCallError({
      kind: 'credentials',
      code: 'ProfileNotFound',
      call: 'config',
      message: `The AWS profile '${requested}' was not found in ${paths.configFile} or ${paths.credentialsFile}. List the profiles with 'aws configure list-profiles'.`,
    });
  }
  const settings: Section = section ?? {};
  const ignoreEndpoints = isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) || isTrue(settings.ignore_configured_endpoint_urls);
  const endpoints: Partial<Record<AwsServiceName, string>> = {};
  if (!ignoreEndpoints) {
    for (const service of awsServices) {
      const url = configuredEndpoint(service, env, settings, configFile, requested);
      if (url) endpoints[service] = url;
    }
  }
  return {
    profile: requested,
    region: settings.region || undefined,
    endpoints,
    ...(settings.ca_bundle ? { caBundle: settings.ca_bundle } : {}),
    ...(settings.max_attempts ? { maxAttempts: settings.max_attempts } : {}),
    ...(settings.retry_mode ? { retryMode: settings.retry_mode } : {}),
  };
}

/** `--region` > AWS_REGION > AWS_DEFAULT_REGION (the AWS CLI's name, which the SDK ignores) > the profile's region. */
export function resolveRegion(flag: string | undefined, env: NodeJS.ProcessEnv, profileRegion: string | undefined): string | undefined {
  return flag || env.AWS_REGION || env.AWS_DEFAULT_REGION || profileRegion || undefined;
}

/** AWS's own endpoint for a service, named in messages when nothing else was configured. */
export function defaultEndpoint(service: AwsServiceName, region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  if (service === 'organizations') return `https://organizations.us-east-1.${suffix}`;
  return service === 'iam' ? `https://iam.${suffix}` : `https://${service}.${region}.${suffix}`;
}
