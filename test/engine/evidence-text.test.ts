import { describe, expect, it } from 'vitest';
import { evidenceValueText } from '../../src/engine/evidence-text.js';

describe('evidence in plain words', () => {
  it('reads a key-policy statement as its Sid, effect, actions and principal', () => {
    expect(
      evidenceValueText([{ Sid: 'Admins', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/admin' }, Action: ['kms:Create*', 'kms:Put*'], Resource: '*' }]),
    ).toBe('"Admins": Allow kms:Create*, kms:Put* for arn:aws:iam::111122223333:user/admin');
  });

  it('reads a map as key: value pairs and keeps plain strings', () => {
    expect(evidenceValueText({ 'kms:Decrypt': 'allowed by app (statement "Use")' })).toBe('kms:Decrypt: allowed by app (statement "Use")');
    expect(evidenceValueText('none in the key policy')).toBe('none in the key policy');
    expect(evidenceValueText(undefined)).toBe('');
  });
});
