// The `jotter` command line: serve, migrate, users, keys, backup, export and import.
// Configuration problems and other expected failures print one line and exit with code 2.
import { parseArgs } from 'node:util';
import { backupCommand, exportCommand, importCommand } from './backup/commands.ts';
import { BackupError } from './backup/format.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase, type Db } from './db/connect.ts';
import { MigrationError, migrateToLatest } from './db/migrate.ts';
import { serve, StartupError } from './serve.ts';
import { addSigningKey } from './auth/keys.ts';
import { KeyDecryptionError } from './auth/key-encryption.ts';
import { createUserAccount, UserInputError } from './users/create-user.ts';
import { text } from 'node:stream/consumers';

const USAGE = `Usage: jotter <command>

Commands:
  serve                      apply database migrations, then serve (npm start)
  migrate                    apply database migrations and exit
  users create --email E [--role user|admin] [--name N] [--password P]
                             create an account; without --password it is read from standard input
  keys rotate                add a signing key and sign with it; old keys stay published until
                             their tokens expire
  backup FILE                copy the embedded database to FILE while the server runs
  export FILE                write every row of the database to FILE (JSON lines; gzip if FILE
                             ends in .gz)
  import FILE                load an export into a new, empty database (either engine)

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

async function withDatabase<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(config);
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.close();
  }
}

async function usersCommand(config: Config, argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      role: { type: 'string', default: 'user' },
      name: { type: 'string' },
      password: { type: 'string' },
    },
  });
  if (positionals[1] !== 'create')
    throw new UsageError(
      `unknown users command ${JSON.stringify(positionals[1] ?? '')}\n\n${USAGE}`,
    );
  if (!values.email) throw new UsageError('users create needs --email');
  const role = values.role;
  if (role !== 'user' && role !== 'admin') throw new UsageError('--role must be user or admin');
  // From standard input the password is the first line, so `echo pw | jotter users create` works.
  const password = values.password ?? (await text(process.stdin)).split(/\r?\n/)[0] ?? '';
  const user = await withDatabase(config, (db) =>
    createUserAccount(db, { email: values.email!, password, role, name: values.name }),
  );
  console.log(`Created ${user.role} ${user.email} (${user.id}).`);
}

async function keysCommand(config: Config, argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals[1] !== 'rotate')
    throw new UsageError(
      `unknown keys command ${JSON.stringify(positionals[1] ?? '')}\n\n${USAGE}`,
    );
  const kid = await withDatabase(config, (db) =>
    addSigningKey(
      db,
      { accessTokenTtl: config.accessTokenTtl, keyEncryptionSecret: config.keyEncryptionSecret },
      { onlyIfNone: false },
    ),
  );
  console.log(
    `New signing key ${kid}; running servers sign with it within a minute. Older keys stay published until their tokens expire.`,
  );
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
      return serve(config);
    case 'migrate':
      return migrateCommand(config);
    case 'users':
      return usersCommand(config, argv);
    case 'keys':
      return keysCommand(config, argv);
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
    error instanceof UserInputError ||
    error instanceof KeyDecryptionError ||
    (error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')) ||
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
