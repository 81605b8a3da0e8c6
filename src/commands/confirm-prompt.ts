// Asks for the literal word "yes" before anything is changed, as Terraform does: a stray Enter or "y"
// must not edit a production key policy.
import { createInterface } from 'node:readline/promises';

export async function confirmWithYes(
  question: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
  /** The literal answer that approves: "yes", or a longer one that acknowledges a blast radius. */
  word = 'yes',
): Promise<boolean> {
  const prompt = createInterface({ input, output, terminal: false });
  try {
    const answer = await prompt.question(`${question}\n  Only '${word}' will be accepted to approve.\n  Enter a value: `);
    return answer.trim() === word;
  } catch {
    return false;
  } finally {
    prompt.close();
  }
}
