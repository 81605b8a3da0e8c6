// The boundaries the architecture promises (docs/architecture.md), checked on the import graph: folders
// import each other in one direction only, the sandbox's handlers sit in no import circle, only src/aws
// imports the AWS SDK and only its TargetStore implementation sends a write, and src/ui evaluates no
// policy (the screens render the engine's step findings).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { circles, importGraph } from './imports.js';

const graph = importGraph();
const folderOf = (file: string) => (file.startsWith('machines/') ? 'machines' : file.split('/').slice(0, 2).join('/').replace(/\.tsx?$/, ''));

describe('import boundaries', () => {
  it('folders import each other in one direction only (no circle between src/apply, src/aws, src/engine, machines…)', () => {
    const edges = new Map<string, string[]>();
    for (const [file, { modules }] of graph) {
      for (const target of modules) {
        if (folderOf(file) === folderOf(target)) continue;
        edges.set(folderOf(file), [...(edges.get(folderOf(file)) ?? []), folderOf(target)]);
      }
    }
    expect(edges.get('src/aws')).toContain('src/apply');
    expect(circles(edges)).toEqual([]);
  });

  it('the live wiring sits between the commands and the rest: src/commands → src/live, never back; src/ui, src/engine and machines import neither', () => {
    const importers = (folder: string) =>
      [...graph].filter(([, { modules }]) => modules.some((m) => m.startsWith(`${folder}/`))).map(([file]) => folderOf(file)).filter((f) => f !== folder);
    expect(new Set(importers('src/live'))).toContain('src/commands');
    for (const folder of ['src/ui', 'src/engine', 'machines', 'src/aws', 'src/apply', 'src/sandbox']) {
      expect(importers('src/live'), folder).not.toContain(folder);
      expect(importers('src/commands'), folder).not.toContain(folder);
    }
    expect(importers('src/commands'), 'src/live').not.toContain('src/live');
  });

  it('no module import circle, except one type-only pair in the error-message parser', () => {
    const found = circles(new Map([...graph].map(([file, { modules }]) => [file, modules])));
    // sdk-envelopes.ts ⇄ service-wrappers.ts share a type and a table; type-only at one end, so harmless at run time.
    const known = ['src/engine/error-messages/sdk-envelopes.ts', 'src/engine/error-messages/service-wrappers.ts'];
    expect(found.filter((circle) => circle.join() !== known.join())).toEqual([]);
  });

  it("sandbox handlers take their types from modules that import no handler (not from server.ts or kms-protocol.ts)", () => {
    const offenders = [...graph]
      .filter(([file]) => /^src\/sandbox\/(kms|iam|sts)\//.test(file))
      .filter(([, { modules }]) => modules.includes('src/sandbox/server.ts') || modules.includes('src/sandbox/kms/kms-protocol.ts'))
      .map(([file]) => file)
      .filter((file) => file !== 'src/sandbox/kms/operations.ts');
    expect(offenders).toEqual([]);
    for (const typesModule of ['src/sandbox/service-call.ts', 'src/sandbox/kms/kms-call.ts']) {
      expect(graph.get(typesModule)!.modules.filter((m) => /\/(kms|iam|sts)\//.test(m) || m.endsWith('server.ts'))).toEqual([]);
    }
  });

  it('only src/aws imports the AWS SDK, and only its TargetStore implementation sends a write (the dry run sends DryRun requests)', () => {
    const importers = [...graph].filter(([, { packages }]) => packages.some((p) => p.startsWith('@aws-sdk/'))).map(([file]) => file);
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((file) => !file.startsWith('src/aws/'))).toEqual([]);
    const writes = /\b(Put|Create|Delete|Revoke|Retire|Enable|Disable|Schedule|Cancel|Update|Attach|Detach|Set|Tag|Untag)\w*Command\b/g;
    const senders = importers.flatMap((file) => {
      const imported = /import\s*{([^}]*)}\s*from\s*'@aws-sdk\/[^']+'/g;
      const text = readFileSync(file, 'utf8');
      const names = [...text.matchAll(imported)].flatMap((m) => [...m[1]!.matchAll(writes)].map((w) => w[0]));
      return names.map((name) => `${file}: ${name}`);
    });
    const allowed = (line: string) => /^src\/aws\/target-store(-iam)?\.ts:/.test(line) || line === 'src/aws/dry-run.ts: CreateGrantCommand' || line === 'src/aws/failing-call.ts: CreateGrantCommand';
    expect(senders.filter((line) => !allowed(line))).toEqual([]);
    expect(senders).toContain('src/aws/target-store.ts: RevokeGrantCommand');
  });

  it('ARNs and key identifiers are read by src/engine/identifiers.ts alone (the sandbox, playing AWS, has its own)', () => {
    // A regex literal or RegExp naming "arn:", or an ARN cut at its colons, is a second parser.
    const regexWithArn = /(?:^|[=(,:!&|?]\s*)\/(?:[^/\\\n]|\\.)*arn:(?:[^/\\\n]|\\.)*\/[dgimsuy]*|new RegExp\([^)]*arn:/;
    const arnCut = /\.split\(':'\)\[[345]\]/;
    // Finding where an ARN starts in a pasted message's prose is locating, not reading: the text found goes to the parser.
    const locating = ['src/engine/error-messages/key-state-messages.ts'];
    const offenders: string[] = [];
    for (const file of graph.keys()) {
      if (file.startsWith('src/sandbox/') || file === 'src/engine/identifiers.ts' || locating.includes(file)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (/^\s*(\/\/|\/\*|\*)/.test(line)) return;
          if (regexWithArn.test(line) || arnCut.test(line)) offenders.push(`${file}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
    expect(graph.has('src/engine/identifiers.ts')).toBe(true);
  });

  it('src/ui evaluates no policy: no evaluation module, grant rule, diagnosis or statement matching', () => {
    const forbidden = ['src/engine/policy-evaluation.ts', 'src/engine/grant-match.ts', 'src/engine/diagnose.ts', 'src/engine/key-checks.ts', 'src/engine/diagnosis-scope.ts'];
    for (const [file, { modules }] of graph) {
      if (!file.startsWith('src/ui/')) continue;
      expect(modules.filter((m) => forbidden.includes(m)), file).toEqual([]);
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/\b(statementsOf|statementCoversAction|namesPrincipal|namesAccount|actionPatternMatches|grantAllows|evaluatePolicies)\b/);
    }
  });
});
