import { startTestSandbox } from './test/helpers/sandbox.js';
import { createFactSource } from './src/aws/fact-source.js';
import { profileSession, trainingRequest, principalArnOf, waves } from './test/aws/aws-test-helpers.js';
import type { AwsCallRecord } from './src/aws/call-recorder.js';

const show = (o: any) => o.status === 'known' ? 'known' : o.status === 'skipped' ? `skipped(${o.why})` : `unreadable(${o.reason}, ${o.call}: ${o.message})`;
for (const name of ['no-iam-delegation', 'missing-kms-actions', 'cross-account-one-side', 'key-disabled', 'key-pending-deletion', 'ebs-grant-denied']) {
  const sandbox = await startTestSandbox(name, { latencyMs: 50 });
  const t = sandbox.world.state.training!;
  for (const mode of ['self', 'admin']) {
    const records: AwsCallRecord[] = [];
    const cross = name === 'cross-account-one-side';
    const session = mode === 'self' ? await profileSession(sandbox, t.principal, { onCall: (r) => records.push(r) })
      : await profileSession(sandbox, cross ? 'admin-b' : 'admin', { onCall: (r) => records.push(r), ...(cross ? { keyProfile: 'admin' } : {}) });
    const request = trainingRequest(sandbox, mode === 'admin' ? { principalArn: principalArnOf(sandbox, t.principal) } : {});
    const start = performance.now();
    try {
      const facts = await createFactSource(session, request).readAll();
      const ms = Math.round(performance.now() - start);
      console.log(`\n== ${name} ${mode} ${t.principal} ${ms}ms waves=${waves(records).length}`);
      console.log(waves(records).map((w, i) => `  ${i + 1}: ${w.join(' ')}`).join('\n'));
      for (const k of ['caller', 'key', 'keyPolicy', 'grants', 'principal', 'principalPolicies', 'simulation'] as const) console.log(`  ${k}: ${show(facts[k])}`);
      if (facts.principalPolicies.status === 'known') console.log('   policies', facts.principalPolicies.value.policies.map(p => p.name), JSON.stringify(facts.principalPolicies.value.unreadable));
      if (facts.simulation.status === 'known') console.log('   sim', facts.simulation.value.map(r => `${r.action}=${r.decision} missing=${r.missingContextValues}`).join(', '));
      if (facts.principal.status === 'known') console.log('   principal', JSON.stringify(facts.principal.value));
    } catch (e: any) { console.log(name, mode, 'THREW', e.name, e.kind, e.message); }
    session.destroy();
  }
  await sandbox.stop();
}
