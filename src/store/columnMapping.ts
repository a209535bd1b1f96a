/** Rows to entities and back, driven by the entity's field declaration (src/domain/fieldMapping.ts). */
import type { ColumnCodec, FieldSpec } from '../domain/fieldMapping.js';
import { bool, jsonArray, jsonObject, jsonRecord, num, numOrNull, strOrNull, type Row } from './rows.js';

const READ: Record<ColumnCodec, (value: unknown) => unknown> = {
  text: (value) => String(value ?? ''),
  optionalText: strOrNull,
  boolean: bool,
  integer: num,
  optionalInteger: numOrNull,
  jsonList: jsonArray,
  jsonRecord: jsonRecord,
  jsonObject: jsonObject,
  spaceList: (value) => String(value ?? '').split(' ').filter(Boolean),
};

const WRITE: Record<ColumnCodec, (value: unknown) => unknown> = {
  text: (value) => value,
  optionalText: (value) => value ?? null,
  boolean: (value) => value,
  integer: (value) => value,
  optionalInteger: (value) => value ?? null,
  jsonList: (value) => JSON.stringify(value),
  jsonRecord: (value) => JSON.stringify(value),
  jsonObject: (value) => JSON.stringify(value ?? {}),
  spaceList: (value) => (value as string[]).join(' '),
};

/**
 * The declared fields of a row. The codecs give each field the type the declaration's entity has
 * (enumerations are read as text and trusted, as the database only holds what the services wrote).
 */
export function readFields<T>(fields: Record<keyof T, FieldSpec>, row: Row): T {
  const entity: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries<FieldSpec>(fields)) entity[key] = READ[spec.codec](row[spec.column]);
  return entity as T;
}

/** The columns of the declared fields present in `entity` (all of them for a whole entity). */
export function writeFields(fields: Record<string, FieldSpec>, entity: object): Row {
  const row: Row = {};
  for (const [key, spec] of Object.entries<FieldSpec>(fields)) {
    const value = (entity as Record<string, unknown>)[key];
    if (value !== undefined) row[spec.column] = WRITE[spec.codec](value);
  }
  return row;
}
