// Are there any AWS credentials on this machine? Decided from the environment and the shared files
// alone, without a single network call: the instance metadata service is never probed (on a laptop it
// would only time out, and tests must never reach it). A "yes" means "worth trying": the wizard then
// works against real AWS, and a bad key still surfaces as a clear error on the first call.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CredentialPresence {
  readonly found: boolean;
  /** Where they were found, in words ("AWS_ACCESS_KEY_ID", "profile work in ~/.aws/config"…). */
  readonly source?: string;
}

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** Profile names declared in an INI file: `[default]`, `[profile x]` (config) or `[x]` (credentials); never sso-session or services sections. */
export function profileSections(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/.exec(line)?.[1];
    if (header === undefined || /^(sso-session|services)\s/.test(header)) continue;
    names.push(header.replace(/^profile\s+/, ''));
  }
  return names;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function findCredentials(env: NodeJS.ProcessEnv = process.env, flags: { readonly profile?: string } = {}): CredentialPresence {
  if (nonEmpty(flags.profile)) return { found: true, source: `--profile ${flags.profile}` };
  if (nonEmpty(env.AWS_ACCESS_KEY_ID) && nonEmpty(env.AWS_SECRET_ACCESS_KEY)) return { found: true, source: 'AWS_ACCESS_KEY_ID' };
  if (nonEmpty(env.AWS_PROFILE)) return { found: true, source: `AWS_PROFILE=${env.AWS_PROFILE}` };
  if (nonEmpty(env.AWS_WEB_IDENTITY_TOKEN_FILE)) return { found: true, source: 'AWS_WEB_IDENTITY_TOKEN_FILE' };
  if (nonEmpty(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) || nonEmpty(env.AWS_CONTAINER_CREDENTIALS_FULL_URI)) return { found: true, source: 'the container credentials endpoint' };
  const home = nonEmpty(env.HOME) ? env.HOME : homedir();
  const files = [nonEmpty(env.AWS_CONFIG_FILE) ? env.AWS_CONFIG_FILE : join(home, '.aws', 'config'), nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ? env.AWS_SHARED_CREDENTIALS_FILE : join(home, '.aws', 'credentials')];
  for (const file of files) {
    const text = readText(file);
    const profile = text === undefined ? undefined : profileSections(text)[0];
    if (profile !== undefined) return { found: true, source: `profile ${profile} in ${file}` };
  }
  return { found: false };
}
