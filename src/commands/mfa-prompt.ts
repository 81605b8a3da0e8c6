// The MFA code of a profile with mfa_serial, asked on the terminal as the aws CLI does, but masked:
// digits echo as `*`. Offered only when stdin and stderr are both terminals (check, fix, rollback);
// without one, the profile is refused in one line (see classifyCredentialError).

export function terminalMfaPrompt(stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): ((serial: string) => Promise<string>) | undefined {
  if (!stdin.isTTY || !stderr.isTTY) return undefined;
  return (serial) =>
    new Promise((resolve, reject) => {
      let code = '';
      stderr.write(`MFA code for ${serial}: `);
      stdin.setRawMode(true);
      stdin.resume();
      const finish = (error?: Error) => {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
        stderr.write('\n');
        if (error) reject(error);
        else resolve(code);
      };
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') return finish();
          if (char === '\u0003') return finish(new Error('MFA code not given (Ctrl-C)'));
          if (char === '\u007f' || char === '\b') {
            if (code.length > 0) {
              code = code.slice(0, -1);
              stderr.write('\b \b');
            }
          } else if (/^[0-9]$/.test(char) && code.length < 6) {
            code += char;
            stderr.write('*');
          }
        }
      };
      stdin.on('data', onData);
    });
}

/** The prompts a headless command offers the session: the MFA prompt on a terminal, nothing otherwise. */
export function mfaPrompt(stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): { mfaCodeProvider?: (serial: string) => Promise<string> } {
  const prompt = terminalMfaPrompt(stdin, stderr);
  return prompt ? { mfaCodeProvider: prompt } : {};
}
