// The export file: JSON lines, UTF-8, gzip-compressed when the file name ends in `.gz`.
//
//   {"format":"jotter-export","version":1,"created_at":"…","engine":"sqlite","migrations":[…]}
//   {"table":"users","row":{"id":"…","email":"…",…}}          one line per row, tables in the
//   …                                                         order of TABLES (references first)
//   {"end":{"users":2,"sessions":3,…}}                        rows per table; a file without
//                                                             this line is incomplete
//
// Rows carry every column of the table with JSON types: text as strings, booleans as true/false,
// integers as numbers, and null only in nullable columns. The file holds password hashes, refresh
// token hashes and signing keys (their private parts encrypted only if KEY_ENCRYPTION_SECRET was
// set): it is written readable by its owner only, and must be kept like the database itself.
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  readSync,
} from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline, type Readable, type Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { Engine } from '../db/connect.ts';
import type { Row } from './tables.ts';

export const FORMAT = 'jotter-export';
export const FORMAT_VERSION = 1;

export interface Header {
  format: typeof FORMAT;
  version: typeof FORMAT_VERSION;
  created_at: string;
  engine: Engine;
  migrations: string[];
}

export interface RowLine {
  table: string;
  row: Row;
}

export interface EndLine {
  end: Record<string, number>;
}

/** An expected failure of backup, export or import: the CLI prints it as one line. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export function refuseExisting(file: string): void {
  if (existsSync(file)) throw new BackupError(`${file} already exists; choose a new file name`);
}

/**
 * A new file at `path` (never an existing one), readable by its owner only; gzip-compressed when
 * the export's final name, `file`, ends in `.gz`.
 */
export function openExportFile(
  path: string,
  file: string,
): { output: Writable; compressor?: Writable } {
  // 'wx': fail rather than follow or replace anything that appeared in the meantime.
  const output = createWriteStream(path, { flags: 'wx', mode: 0o600, flush: true });
  return file.endsWith('.gz') ? { output, compressor: createGzip() } : { output };
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** The file's lines, decompressed when it starts with the gzip signature (whatever its name). */
export async function* readLines(file: string): AsyncGenerator<string> {
  const head = Buffer.alloc(2);
  let input: Readable;
  try {
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, 2, 0);
    } finally {
      closeSync(fd);
    }
    input = createReadStream(file);
  } catch (error) {
    throw new BackupError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) {
    const gunzip = createGunzip();
    // pipeline passes a read error on to the gunzip stream, and so to the reader of the lines.
    pipeline(input, gunzip, () => {});
    input = gunzip;
  }
  try {
    yield* createInterface({ input, crlfDelay: Infinity });
  } catch (error) {
    throw new BackupError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  } finally {
    input.destroy();
  }
}
