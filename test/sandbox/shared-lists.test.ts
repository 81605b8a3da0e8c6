// The scenario reader and the KMS operations share one list of key specs (with the usages each allows)
// and one list of grant operations: a scenario can declare exactly the keys and grants CreateKey and
// CreateGrant accept, and its error messages list exactly those values.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grantOperations } from '../../src/sandbox/kms/grant-listing.js';
import { keySpecs, keyUsages, usageAllowed } from '../../src/sandbox/kms/key-metadata.js';
import { loadScenario, ScenarioError } from '../../src/sandbox/scenario.js';

const directory = mkdtempSync(join(tmpdir(), 'kms-doctor-lists-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const account = '111122223333';
const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
let files = 0;

function scenarioWith(keys: unknown[]) {
  return { accounts: [{ id: account }], users: [{ name: 'admin', inlinePolicies: { 'full-access': allowAll } }], keys };
}

async function load(content: unknown) {
  const file = join(directory, `scenario-${files++}.json`);
  writeFileSync(file, JSON.stringify(content));
  return loadScenario(file);
}

async function problemOf(content: unknown): Promise<{ fieldPath: string; problem: string }> {
  const error = await load(content).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ScenarioError)) throw new Error(`expected a ScenarioError, got ${String(error)}`);
  return { fieldPath: error.fieldPath, problem: error.problem };
}

describe('key specs', () => {
  it('accepts every spec CreateKey accepts, with exactly the usages CreateKey allows for it', async () => {
    const allowed = keySpecs.flatMap((spec) => keyUsages.filter((usage) => usageAllowed(spec, usage)).map((usage) => ({ spec, usage })));
    const state = await load(scenarioWith(allowed.map(({ spec, usage }) => ({ account, spec, usage }))));
    expect(Object.values(state.keys).map((key) => `${key.keySpec}/${key.keyUsage}`).sort()).toEqual(allowed.map(({ spec, usage }) => `${spec}/${usage}`).sort());

    for (const spec of keySpecs) {
      for (const usage of keyUsages.filter((u) => !usageAllowed(spec, u))) {
        const { fieldPath, problem } = await problemOf(scenarioWith([{ account, spec, usage }]));
        expect(fieldPath, `${spec}/${usage}`).toBe('keys[0].usage');
        expect(problem).toMatch(new RegExp(`^a ${spec} key cannot have usage ${usage} \\(allowed: `));
      }
    }
  });

  it('includes ECC_NIST_EDWARDS25519, a signing-only key', async () => {
    const state = await load(scenarioWith([{ account, spec: 'ECC_NIST_EDWARDS25519' }]));
    expect(Object.values(state.keys)[0]).toMatchObject({ keySpec: 'ECC_NIST_EDWARDS25519', keyUsage: 'SIGN_VERIFY' });
    expect((await problemOf(scenarioWith([{ account, spec: 'ECC_NIST_EDWARDS25519', usage: 'KEY_AGREEMENT' }]))).problem).toBe(
      'a ECC_NIST_EDWARDS25519 key cannot have usage KEY_AGREEMENT (allowed: SIGN_VERIFY)',
    );
  });

  it('lists the specs of CreateKey when a spec is unknown', async () => {
    expect(await problemOf(scenarioWith([{ account, spec: 'AES_128' }]))).toEqual({
      fieldPath: 'keys[0].spec',
      problem: `"AES_128" is not one of ${keySpecs.join(', ')}`,
    });
  });
});

describe('grant operations', () => {
  it('accepts every operation CreateGrant accepts, and lists them when one is unknown', async () => {
    const grant = (operations: string[]) => scenarioWith([{ account, aliases: ['alias/granted'], grants: [{ granteePrincipal: `arn:aws:iam::${account}:user/admin`, operations }] }]);
    const state = await load(grant([...grantOperations]));
    expect(Object.values(state.keys)[0]!.grants[0]!.operations).toEqual([...grantOperations]);
    expect(await problemOf(grant(['Decrypt', 'MakeCoffee']))).toEqual({
      fieldPath: 'keys[0].grants[0].operations[1]',
      problem: `"MakeCoffee" is not one of ${grantOperations.join(', ')}`,
    });
  });
});
