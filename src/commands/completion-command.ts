// `kms-doctor completion bash|zsh|fish`: a completion script for the shell. Commands, each command's
// flags and the --operation names are written into the script; profile names are asked for at
// completion time (`kms-doctor completion profiles`), because they change with the config files.
import { loadSharedConfigFiles } from '@smithy/core/config';
import { sharedFilePaths } from '../aws/aws-config.js';
import { operationRequirements } from '../engine/operations.js';
import { UsageError } from '../usage-error.js';

export const completionUsage = `Usage: kms-doctor completion bash|zsh|fish

Prints a shell completion script. Install it with, for example:
  kms-doctor completion bash > ~/.local/share/bash-completion/completions/kms-doctor
  kms-doctor completion zsh > "\${fpath[1]}/_kms-doctor"
  kms-doctor completion fish > ~/.config/fish/completions/kms-doctor.fish`;

const connection = ['--profile', '--key-profile', '--org-profile', '--region', '--endpoint-url', '--debug'];
const diagnosis = ['--key', '--operation', '--principal', '--encryption-context', '--context', '--grant-token-for', '--error', '--fix-files', '--json', '--help', ...connection];

/** Each command's flags, as its parser accepts them. */
export const commandFlags: Readonly<Record<string, readonly string[]>> = {
  check: [...diagnosis, '--from-cloudtrail', '--since', '--transcript'],
  fix: [...diagnosis, '--dry-run', '--yes', '--accept-blast-radius', '--alternative', '--backup-dir', '--as-profile'],
  rollback: ['--force', '--backup-dir', '--json', '--help', ...connection],
  sandbox: ['--scenario', '--port', '--host', '--state', '--latency', '--config-dir', '--quiet', '--help'],
  operations: ['--help'],
  prevent: ['--key', '--operation', '--log-group', '--json', '--help', ...connection],
  train: ['--help'],
  help: [],
  version: [],
  completion: [],
};

const commands = Object.keys(commandFlags);
const operations = () => operationRequirements.map((op) => op.name);
const profileFlags = ['--profile', '--key-profile', '--org-profile', '--as-profile'];

/** The profile names in the shared config and credentials files, as `--profile` takes them. */
export async function profileNames(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const paths = sharedFilePaths(env);
  const files = await loadSharedConfigFiles({ filepath: paths.credentialsFile, configFilepath: paths.configFile, ignoreCache: true });
  const names = [...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)].filter((name) => !name.includes('.'));
  return [...new Set(names)].sort();
}

function bashScript(): string {
  const cases = commands.map((command) => `    ${command}) flags="${commandFlags[command]!.join(' ')}" ;;`).join('\n');
  return `# kms-doctor completion for bash
_kms_doctor() {
  local cur prev command flags
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  command="\${COMP_WORDS[1]}"
  case "$prev" in
    ${profileFlags.join('|')}) COMPREPLY=( $(compgen -W "$(kms-doctor completion profiles 2>/dev/null)" -- "$cur") ); return ;;
    --operation) COMPREPLY=( $(compgen -W "${operations().join(' ')}" -- "$cur") ); return ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${commands.join(' ')} ${commandFlags.check!.join(' ')}" -- "$cur") ); return
  fi
  case "$command" in
${cases}
    *) flags="${commandFlags.check!.join(' ')}" ;;
  esac
  COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
}
complete -o default -F _kms_doctor kms-doctor
`;
}

function zshScript(): string {
  // zsh runs the bash function through bashcompinit: one script, the same answers in both shells.
  return `#compdef kms-doctor
# kms-doctor completion for zsh
autoload -U +X bashcompinit && bashcompinit
${bashScript()}`;
}

function fishScript(): string {
  const lines = ['# kms-doctor completion for fish', 'complete -c kms-doctor -f'];
  lines.push(`complete -c kms-doctor -n __fish_use_subcommand -a '${commands.join(' ')}'`);
  for (const command of commands) {
    for (const flag of commandFlags[command]!) {
      const name = flag.slice(2);
      const values =
        flag === '--operation' ? ` -x -a '${operations().join(' ')}'` : profileFlags.includes(flag) ? " -x -a '(kms-doctor completion profiles 2>/dev/null)'" : '';
      lines.push(`complete -c kms-doctor -n '__fish_seen_subcommand_from ${command}' -l ${name}${values}`);
    }
  }
  return lines.join('\n') + '\n';
}

export async function runCompletionCommand(args: readonly string[]): Promise<number> {
  const [shell, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`completion takes one shell name, not '${rest.join(' ')}'`);
  switch (shell) {
    case 'bash':
      process.stdout.write(bashScript());
      return 0;
    case 'zsh':
      process.stdout.write(zshScript());
      return 0;
    case 'fish':
      process.stdout.write(fishScript());
      return 0;
    case 'profiles':
      process.stdout.write((await profileNames()).map((name) => `${name}\n`).join(''));
      return 0;
    case '--help':
    case '-h':
      process.stdout.write(completionUsage + '\n');
      return 0;
    default:
      throw new UsageError(`completion needs a shell: bash, zsh or fish${shell !== undefined ? `, not '${shell}'` : ''}`);
  }
}
