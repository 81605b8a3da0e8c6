// The wizard's confirm screen with a fix's blast radius: it lists what the change newly allows and asks
// for "accept"; with nothing newly allowed it asks for "yes" as before. What the typed word does is
// the machine's (test/machines/blast-radius-confirm.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import type { DiagnosisContext } from '../../machines/diagnosis-machine.js';
import type { Plan } from '../../src/apply/plan-types.js';
import type { Fix, NewlyAllowed } from '../../src/engine/fix.js';
import { ConfirmScreen } from '../../src/ui/screens/confirm-screen.js';
import type { ScreenInfo } from '../../src/ui/wizard-screens.js';
import { cleanupInk, renderInk, waitForFrame } from './ink-helpers.js';

afterEach(cleanupInk);

const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const lets: NewlyAllowed = { probe: 'other-action', principal: 'arn:aws:iam::111122223333:user/writer', action: 'kms:Decrypt', description: 'arn:aws:iam::111122223333:user/writer calling other KMS actions on the key' };

function contextWith(newlyAllows: NewlyAllowed[]): DiagnosisContext {
  const fix: Fix = { cause: 'explicit-deny', title: 'Except writer', explanation: '', target: { type: 'key-policy', arn: keyArn, policyName: 'default' }, commands: [], files: [], steps: [{ kind: 'put-key-policy', keyArn, policy: '{}' }], newlyAllows };
  const plan = { createdAt: '', steps: [{ id: 1, fixIndex: 0, kind: 'put-key-policy', title: 'Except writer', target: { arn: keyArn, accountId: '111122223333', region: 'us-east-1', policyName: 'default' } }], skipped: [] } as unknown as Plan;
  return {
    interactive: true,
    credentialsFound: true,
    answers: {},
    progress: [],
    plan,
    result: { diagnosis: { verdict: 'denied', operation: 'Encrypt', requiredActions: ['kms:Encrypt'], actionResults: [], causes: [], unverified: [], notes: [] }, fixes: [fix] },
  } as unknown as DiagnosisContext;
}

const screen = {} as ScreenInfo;

describe('the confirm screen and the blast radius', () => {
  it('lists what the change newly allows and asks for accept', async () => {
    const harness = renderInk(<ConfirmScreen context={contextWith([lets])} screen={screen} details={false} send={() => undefined} />);
    const frame = await waitForFrame(harness, 'Type accept to acknowledge that and apply');
    expect(frame).toContain('It also newly allows:');
    expect(frame.replace(/\s+/g, ' ')).toContain('user/writer calling other KMS actions on the key: kms:Decrypt');
    expect(frame).toContain('Only accept applies');
  });

  it('asks for yes when nothing else is newly allowed', async () => {
    const harness = renderInk(<ConfirmScreen context={contextWith([])} screen={screen} details={false} send={() => undefined} />);
    const frame = await waitForFrame(harness, 'Type yes to apply');
    expect(frame).not.toContain('newly allows');
  });
});
