import { createHash } from 'node:crypto';
import { escapeIdentifier } from 'pg';
import { ValidationError } from '../../errors.js';

/** The default schema of the event tables. */
export const DEFAULT_SCHEMA = 'public';

/** Fully qualified (quoted) names of the store's objects in one schema. */
export interface SchemaNames {
  schema: string;
  events: string;
  streams: string;
  /** The append function (see `appendFunctionSql`); a new signature gets a new name. */
  append: string;
  /** LISTEN/NOTIFY channel of this schema (unquoted; at most 63 bytes). */
  channel: string;
}

/** Check a schema name: a plain SQL identifier, so URLs, channel names and logs stay unambiguous. */
export function assertSchemaName(schema: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new ValidationError(
      `postgres schema name '${schema}' is not a plain identifier (letters, digits, _; at most 63; not starting with a digit)`,
      { path: 'schema' },
    );
  }
}

/** Names of the store's tables and notification channel in `schema`. */
export function schemaNames(schema: string = DEFAULT_SCHEMA): SchemaNames {
  assertSchemaName(schema);
  const q = escapeIdentifier(schema);
  const plain = `aigen_events_${schema}`;
  const channel = plain.length <= 63 ? plain : `aigen_events_${createHash('sha1').update(schema).digest('hex')}`;
  return { schema, events: `${q}.events`, streams: `${q}.streams`, append: `${q}.aigen_append_v2`, channel };
}
