// The `jotter` command line: serve, migrate (and, with the auth work, users and keys).
// Configuration problems and other expected failures print one line and exit with code 2.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase } from './db/connect.ts';
import { MigrationError, migrateToLatest } from './db/migrate.ts';
import { closeOnSignals, startServer, StartupError } from './serve.ts';

const USAGE = `Usage: jotter <command>

Commands:
  serve      apply database migrations, then serve (npm start)
  migrate    apply database migrations and exit

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

export async function main(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const [command] = positionals;
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
    (error instanceof Error &&
      'code' in error &&
      ['EADDRINUSE', 'EACCES', 'ECONNREFUSED'].includes(String(error.code)))
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
