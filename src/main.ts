// The `jotter` command line: serve, migrate, backup, export and import (and, with the auth work,
// users and keys).
// Configuration problems and other expected failures print one line and exit with code 2.
import { parseArgs } from 'node:util';
import { backupCommand, exportCommand, importCommand } from './backup/commands.ts';
import { BackupError } from './backup/format.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase } from './db/connect.ts';
import { MigrationError, migrateToLatest } from './db/migrate.ts';
import { closeOnSignals, startServer, StartupError } from './serve.ts';

const USAGE = `Usage: jotter <command>

Commands:
  serve        apply database migrations, then serve (npm start)
  migrate      apply database migrations and exit
  backup FILE  copy the embedded database to FILE while the server runs
  export FILE  write every row of the database to FILE (JSON lines; gzip if FILE ends in .gz)
  import FILE  load an export into a new, empty database (either engine)

Configuration comes from the environment and a .env file; see README.md.`;

class UsageError extends Error {
  override name = 'UsageError';
}

async function migrateCommand(config: Config): Promise<void> {
  const db = openDatabase(config);
  try {
    const results = await migrateToLatest(db);
    const applied = results.filter((result) => result.status === 'Success');
    console.log(
      applied.length === 0
        ? 'Database is up to date.'
        : `Applied ${applied.map((result) => result.migrationName).join(', ')}.`,
    );
  } finally {
    await db.close();
  }
}

/** The one FILE argument of backup, export and import. */
function fileArgument(command: string, rest: string[]): string {
  if (rest.length !== 1 || rest[0] === '') {
    throw new UsageError(`${command} takes one argument, a file name: jotter ${command} FILE`);
  }
  return rest[0]!;
}

export async function main(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const [command, ...rest] = positionals;
  if (command === undefined || command === 'help' || argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  switch (command) {
    case 'serve':
      closeOnSignals(await startServer(config));
      return;
    case 'migrate':
      return migrateCommand(config);
    case 'backup':
      return backupCommand(config, fileArgument(command, rest));
    case 'export':
      return exportCommand(config, fileArgument(command, rest));
    case 'import':
      return importCommand(config, fileArgument(command, rest));
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  }
}

function isExpected(error: unknown): error is Error {
  return (
    error instanceof ConfigError ||
    error instanceof UsageError ||
    error instanceof StartupError ||
    error instanceof MigrationError ||
    error instanceof BackupError ||
    (error instanceof Error &&
      'code' in error &&
      ['EADDRINUSE', 'EACCES', 'ECONNREFUSED', 'ENOENT', 'ENOTDIR', 'EISDIR', 'ENOSPC'].includes(
        String(error.code),
      ))
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (isExpected(error)) {
    console.error(`jotter: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
