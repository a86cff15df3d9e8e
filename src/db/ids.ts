// Row ids: UUIDv7 strings, time-ordered, made by the application.
import { v7 } from 'uuid';

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function newId(): string {
  return v7();
}

/**
 * True for a string shaped like the ids this service makes. Anything else in a path can name no
 * row, so repositories answer "not found" without asking the database (a NUL byte, for one,
 * would be an error on PostgreSQL rather than a miss).
 */
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}
