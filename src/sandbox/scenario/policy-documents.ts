// Policy documents met while reading a scenario. Their grammar is checked by the policy engine, which is
// asynchronous, so documents are queued as the sections are read and validated together at the end:
// the section readers stay synchronous, and the first problem is still reported in file order.
import { validatePolicyDocument } from '../../engine/policy-evaluation.js';
import { disallowedPolicyCharacter } from '../policy-characters.js';
import { describeValue, isJsonObject, type JsonObject, type JsonReader } from './json-reader.js';

export type PolicyKind = 'identity' | 'resource';

interface PendingPolicy {
  readonly path: string;
  readonly document: JsonObject;
  readonly kind: PolicyKind;
  /** Checks that need the grammar to be valid first (Principal present, principals exist). */
  readonly after?: () => void;
}

export class PolicyDocuments {
  readonly #reader: JsonReader;
  readonly #pending: PendingPolicy[] = [];

  constructor(reader: JsonReader) {
    this.#reader = reader;
  }

  /** A policy document (a JSON object), queued for grammar validation; returns it as AWS stores it. */
  read(value: unknown, path: string, kind: PolicyKind, after?: (document: JsonObject) => void): string {
    if (!isJsonObject(value)) this.#reader.fail(path, `must be a policy document (a JSON object), not ${describeValue(value)}`);
    const document = value;
    // Checked at once, not queued: a scenario's policies are printed by the wizard and by check.
    const disallowed = disallowedPolicyCharacter(document);
    if (disallowed) {
      this.#reader.fail(`${path}.${disallowed.path}`, `holds ${disallowed.codePoint}, a character policies may not contain (only printable characters up to U+00FF)`);
    }
    this.#pending.push({ path, document, kind, ...(after ? { after: () => after(document) } : {}) });
    return JSON.stringify(document, null, 2);
  }

  /** Validates every queued policy document; reports the first problem in file order. */
  async validateAll(): Promise<void> {
    const results = await Promise.all(this.#pending.map((p) => validatePolicyDocument(p.document, p.kind)));
    this.#pending.forEach((pending, index) => {
      const problem = results[index]?.[0];
      if (problem !== undefined) {
        // The validator ends a located problem with "(at PATH)", PATH rooted at `#`; re-root it at the document's field path.
        const located = /^(.*) \(at (.+)\)$/s.exec(problem);
        if (located) {
          const inner = located[2]!.replace(/(^|\.)#/g, '$1');
          this.#reader.fail(`${pending.path}.${inner}`, located[1]!);
        }
        this.#reader.fail(pending.path, problem);
      }
      pending.after?.();
    });
  }
}
