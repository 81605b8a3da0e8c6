// Each training scenario opens on its story: what the team was doing, the command that failed, and
// the error AWS gives for it, made live against the embedded sandbox and shown verbatim. The title,
// the story and the list never name the cause.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { builtInScenarios } from '../../src/sandbox/scenario/built-in-scenarios.js';
import { keys, press, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, renderWizard, trainingScenarios } from './wizard-harness.js';

afterEach(cleanupWizards);

const flat = (frame: string) => frame.replace(/\s*\n\s*/g, ' ');

/** What each scenario's failing call gets from the sandbox, as the aws CLI prints it. */
const liveErrors: Record<string, RegExp> = {
  'no-iam-delegation': /An error occurred \(AccessDeniedException\) when calling the Decrypt operation: User: arn:aws:sts::111122223333:assumed-role\/AppRole\/\S+ is not authorized to perform: kms:Decrypt on (this )?resource/,
  'missing-kms-actions': /An error occurred \(AccessDeniedException\) when calling the GenerateDataKey operation: User: arn:aws:sts::111122223333:assumed-role\/UploaderRole\/\S+ is not authorized to perform: kms:GenerateDataKey/,
  'cross-account-one-side': /An error occurred \(AccessDeniedException\) when calling the Decrypt operation: User: arn:aws:sts::444455556666:assumed-role\/PartnerRole\/\S+ is not authorized to perform: kms:Decrypt/,
  'key-disabled': /An error occurred \(DisabledException\) when calling the Encrypt operation: arn:aws:kms:us-east-1:111122223333:key\/e8cc4d9f-b6d5-419b-bc7c-b9d5577b573a is disabled\./,
  'key-pending-deletion': /An error occurred \(KMSInvalidStateException\) when calling the GenerateDataKey operation: arn:aws:kms:us-east-1:111122223333:key\/74b7aaa4-9393-4db1-a160-2dfecb4e3e8b is pending deletion\./,
  'ebs-grant-denied': /An error occurred \(AccessDeniedException\) when calling the CreateGrant operation: User: arn:aws:sts::111122223333:assumed-role\/EbsOperatorRole\/\S+ is not authorized to perform: kms:CreateGrant/,
};

/** The AWS error code a built-in scenario's failing call gets, as its file declares it. */
function expectedErrorOf(name: string): string {
  const file = JSON.parse(readFileSync(new URL(`../../scenarios/${name}.json`, import.meta.url), 'utf8')) as { training: { expectedError: string } };
  return file.training.expectedError;
}

/** Words that would give a scenario's cause away in its title. */
const causeWords = /delegat|disabled|deletion|grant|cross-account|key policy|IAM|kms:/i;

describe('scenario intro', () => {
  it('every training scenario has a story, a difficulty and a title that does not name the cause', () => {
    const scenarios = builtInScenarios().filter((s) => s.name !== 'blank');
    expect(scenarios.map((s) => s.name)).toEqual(trainingScenarios);
    for (const scenario of scenarios) {
      expect(scenario.title, scenario.name).not.toMatch(causeWords);
      expect(scenario.difficulty, scenario.name).toMatch(/^(beginner|intermediate|advanced)$/);
    }
  });

  it.each(trainingScenarios)('%s opens on its story, the failing command and the live AWS error, verbatim', async (name) => {
    const { harness } = renderWizard();
    await waitForFrame(harness, 'Training scenarios');
    for (let i = 0; i < trainingScenarios.indexOf(name); i += 1) await press(harness, keys.down);
    await waitForFrame(harness, `❯ ${name}`);
    await press(harness, keys.enter);
    const intro = flat(await waitForFrame(harness, 'Enter start the diagnosis · Esc back to the scenarios'));
    expect(intro).toMatch(/\((beginner|intermediate|advanced)\)/);
    expect(intro).toContain('The command that fails, run as');
    expect(intro).toMatch(/\$ aws kms [a-z-]+ --key-id/);
    expect(intro).toContain('What AWS answers (run just now on the sandbox):');
    // The playbook's six are pinned to AWS's full sentence; every other scenario at least to its own error code.
    expect(intro).toMatch(liveErrors[name] ?? new RegExp(`An error occurred \\(${expectedErrorOf(name)}\\) when calling the \\w+ operation: `));
    // Esc goes back to the list; Enter again and then Enter starts the diagnosis.
    await press(harness, keys.escape);
    await waitForFrame(harness, 'Training scenarios');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Enter start the diagnosis');
    await press(harness, keys.enter);
    await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
  });
});
