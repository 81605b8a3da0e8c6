// Shell completion: the bash script (zsh uses it through bashcompinit) completes commands, a command's
// flags, --operation names and --profile names read from the config files at completion time. Run in a
// real bash with `kms-doctor` on PATH.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkUsage } from '../../src/commands/check-args.js';
import { commandFlags } from '../../src/commands/completion-command.js';
import { fixUsage } from '../../src/commands/fix-args.js';
import { preventUsage } from '../../src/commands/prevent-command.js';
import { rollbackUsage } from '../../src/commands/rollback-command.js';
import { sandboxUsage } from '../../src/sandbox/command.js';
import { projectRoot, runKmsDoctor } from '../helpers/sandbox-process.js';

const dir = mkdtempSync(join(tmpdir(), 'kms-doctor-completion-'));
writeFileSync(join(dir, 'kms-doctor'), `#!/bin/sh\ncd '${projectRoot}' && exec '${process.execPath}' --import tsx src/cli.tsx "$@"\n`);
chmodSync(join(dir, 'kms-doctor'), 0o755);
writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\n[profile prod]\nregion = eu-west-1\n[profile dev]\nregion = eu-west-1\n[sso-session corp]\nsso_region = us-east-1\n');
writeFileSync(join(dir, 'credentials'), '[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The completions bash offers for the words typed so far (the last one is being completed). */
function complete(words: readonly string[]): Promise<string[]> {
  const script = `source <(kms-doctor completion bash)\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})\nCOMP_CWORD=${words.length - 1}\n_kms_doctor\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
  const env = { PATH: `${dir}:/usr/bin:/bin`, HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', script], { env, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout.split('\n').filter(Boolean)))),
  );
}

describe('kms-doctor completion', () => {
  it("offers every flag each command's --help names (so the two cannot drift apart)", () => {
    const usages: Record<string, string> = { check: checkUsage, fix: fixUsage, rollback: rollbackUsage, prevent: preventUsage, sandbox: sandboxUsage };
    for (const [command, usage] of Object.entries(usages)) {
      // --grant-tokens is the aws CLI's option the --grant-token-for line explains, not one of ours.
      const named = [...new Set(usage.match(/--[a-z][a-z-]+/g))].filter((flag) => flag !== '--grant-tokens');
      expect(named.filter((flag) => !commandFlags[command]!.includes(flag)), command).toEqual([]);
    }
  });

  it("fix --help names only flags fix takes: not check's --from-cloudtrail or --transcript, nor check's exit codes", async () => {
    expect(fixUsage).not.toMatch(/--from-cloudtrail|--since|--transcript|0 allowed/);
    const refused = await runKmsDoctor(['fix', '--transcript', '/tmp/t.md', '--key', 'alias/a', '--operation', 'Decrypt']);
    expect(refused.stderr).toMatch(/^kms-doctor: unknown flag --transcript/);
  });

  it('completes commands, flags, operations and profile names in bash', async () => {
    expect(await complete(['kms-doctor', 'ch'])).toEqual(['check']);
    expect(await complete(['kms-doctor', 'tra'])).toEqual(['train']);
    expect(await complete(['kms-doctor', 'prev'])).toEqual(['prevent']);
    expect(await complete(['kms-doctor', 'prevent', '--log'])).toEqual(['--log-group']);
    expect(await complete(['kms-doctor', 'check', '--org'])).toEqual(['--org-profile']);
    expect(await complete(['kms-doctor', 'prevent', '--key-profile', 'pr'])).toEqual(['prod']);
    expect(await complete(['kms-doctor', 'fix', '--dry'])).toEqual(['--dry-run']);
    expect(await complete(['kms-doctor', 'check', '--dry'])).toEqual([]);
    expect(await complete(['kms-doctor', 'check', '--operation', 's3:Get'])).toContain('s3:GetObject');
    expect(await complete(['kms-doctor', 'check', '--profile', ''])).toEqual(['ci', 'default', 'dev', 'prod']);
  });

  it('prints zsh and fish scripts, and refuses another shell', async () => {
    expect((await runKmsDoctor(['completion', 'zsh'])).stdout).toMatch(/^#compdef kms-doctor\n/);
    const fish = (await runKmsDoctor(['completion', 'fish'])).stdout;
    expect(fish).toContain("complete -c kms-doctor -n '__fish_seen_subcommand_from fix' -l dry-run");
    const other = await runKmsDoctor(['completion', 'tcsh']);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toBe("kms-doctor: completion needs a shell: bash, zsh or fish, not 'tcsh'\n");
  });
});
