// What every --json document starts with: the version of its shape (docs/json-output.schema.json; it
// changes only by addition, and schemaVersion goes up when it does) and the version of kms-doctor.
import { toolVersion } from '../tool-version.js';

export const jsonSchemaVersion = 1;

export function jsonEnvelope<T extends object>(document: T): { schemaVersion: number; toolVersion: string } & T {
  return { schemaVersion: jsonSchemaVersion, toolVersion: toolVersion(), ...document };
}
