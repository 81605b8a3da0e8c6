// The engine decides the wizard's condition-key question: asked only while the verdict hangs on a key
// nobody can read, never for a key already given or declined; the answer evaluated like --context.
import { describe, expect, it } from 'vitest';
import { contextQuestionFor, withContextAnswer } from '../../src/engine/context-question.js';
import { diagnose } from '../../src/engine/diagnose.js';
import { account, factsFor, policy, rootStatement } from '../helpers/engine-facts.js';

const officeOnly = {
  Sid: 'OfficeOnly',
  Effect: 'Deny',
  Principal: '*',
  Action: 'kms:Decrypt',
  Resource: '*',
  Condition: { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } },
};
const facts = factsFor({
  keyPolicy: policy(rootStatement, officeOnly),
  policies: [{ name: 'kms', kind: 'inline', text: '', document: policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }) }],
});

describe('contextQuestionFor', () => {
  it('asks for aws:SourceIp with the Deny that tests it and the values that pass and fail', async () => {
    const diagnosis = await diagnose(facts);
    expect(diagnosis.verdict).toBe('unknown');
    const question = contextQuestionFor(diagnosis, facts.request);
    expect(question).toMatchObject({ key: 'aws:SourceIp', statement: 'the Deny statement "OfficeOnly" in the key policy' });
    expect(question!.passing.some((v) => v.startsWith('198.51.100.'))).toBe(true);
    expect(question!.failing.length).toBeGreaterThan(0);
  });

  it('is not asked again once declined, nor for a key given (any case)', async () => {
    const diagnosis = await diagnose(facts);
    expect(contextQuestionFor(diagnosis, facts.request, ['AWS:SourceIP'])).toBeUndefined();
    expect(contextQuestionFor(diagnosis, { ...facts.request, givenContext: { 'aws:sourceip': '10.0.0.1' } })).toBeUndefined();
  });

  it('the answer decides the verdict as --context would: outside the range denied, inside allowed; blank gives nothing', async () => {
    const outside = { ...facts, request: withContextAnswer(facts.request, 'aws:SourceIp', ' 127.0.0.1 ') };
    expect(outside.request.givenContext).toEqual({ 'aws:SourceIp': '127.0.0.1' });
    const denied = await diagnose(outside);
    expect(denied.verdict).toBe('denied');
    expect(denied.causes[0]?.code).toBe('explicit-deny');
    expect(contextQuestionFor(denied, outside.request)).toBeUndefined();
    expect((await diagnose({ ...facts, request: withContextAnswer(facts.request, 'aws:SourceIp', '198.51.100.9') })).verdict).toBe('allowed');
    expect(withContextAnswer(facts.request, 'aws:SourceIp', '   ')).toBe(facts.request);
  });

  it('is not asked when the verdict is decided without the key', async () => {
    const decided = factsFor({ keyPolicy: policy({ Sid: 'Other', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/admin` }, Action: 'kms:*', Resource: '*' }, officeOnly) });
    const diagnosis = await diagnose(decided);
    expect(diagnosis.verdict).toBe('denied');
    expect(contextQuestionFor(diagnosis, decided.request)).toBeUndefined();
  });
});
