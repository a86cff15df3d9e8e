// The command-line side of backup, export and import: open the configured database, run, and
// print what was copied. Expected failures are BackupErrors (one `jotter:` line, exit 2).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { openDatabase, SQLITE_FILE_NAME, type Db } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { lockDataDir } from '../serve.ts';
import { backupSqlite } from './backup.ts';
import { exportDatabase, type TableCounts } from './export.ts';
import { BackupError } from './format.ts';
import { importDatabase } from './import.ts';

function describeCounts(counts: TableCounts): string {
  return Object.entries(counts)
    .map(([table, count]) => `${table} ${count}`)
    .join(', ');
}

function where(config: Config): string {
  return config.databaseUrl ? 'PostgreSQL' : join(config.dataDir, SQLITE_FILE_NAME);
}

async function withDatabase<T>(config: Config, run: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(config);
  try {
    return await run(db);
  } finally {
    await db.close();
  }
}

export function backupCommand(config: Config, file: string): void {
  const counts = backupSqlite(config, file);
  console.log(`Backed up ${where(config)} to ${file}: ${describeCounts(counts)}.`);
}

export async function exportCommand(config: Config, file: string): Promise<void> {
  // Opening a missing embedded database would create an empty one.
  if (!config.databaseUrl && !existsSync(join(config.dataDir, SQLITE_FILE_NAME))) {
    throw new BackupError(`there is no database at ${where(config)}`);
  }
  const counts = await withDatabase(config, (db) => exportDatabase(db, file));
  console.log(`Exported ${where(config)} to ${file}: ${describeCounts(counts)}.`);
}

export async function importCommand(config: Config, file: string): Promise<void> {
  if (!existsSync(file)) throw new BackupError(`there is no file ${file}`);
  // No server may use the embedded database while it is filled.
  const lock = config.databaseUrl ? undefined : lockDataDir(config.dataDir);
  try {
    const counts = await withDatabase(config, async (db) => {
      await migrateToLatest(db);
      return importDatabase(db, file);
    });
    console.log(`Imported ${file} into ${where(config)}: ${describeCounts(counts)}.`);
  } finally {
    lock?.close();
  }
}
