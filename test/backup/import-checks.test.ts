import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { exportDatabase } from '../../src/backup/export.ts';
import { BackupError } from '../../src/backup/format.ts';
import { importDatabase } from '../../src/backup/import.ts';
import { fileColumns, TABLES } from '../../src/backup/tables.ts';
import { temporaryDirectory, testEngines } from '../helpers/databases.ts';
import { dumpTables, fillSampleData, freshDatabase } from './sample-data.ts';

type Line = Record<string, unknown>;

for (const engine of await testEngines()) {
  describe(`import checks every line and keeps all or nothing (${engine.name})`, () => {
    async function exportedLines(t: TestContext): Promise<{ lines: Line[]; dir: string }> {
      const dir = temporaryDirectory();
      t.after(() => dir.remove());
      const source = await freshDatabase(t, engine);
      await fillSampleData(source.db, 1);
      const file = join(dir.path, 'good.jsonl');
      await exportDatabase(source.db, file);
      const lines = readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((text) => JSON.parse(text) as Line);
      return { lines, dir: dir.path };
    }

    const rowOf = (lines: Line[], table: string): Record<string, unknown> =>
      lines.find((line) => line.table === table)!.row as Record<string, unknown>;

    const cases: { name: string; edit: (lines: Line[]) => Line[] | string; error: RegExp }[] = [
      { name: 'no end line (a truncated file)', edit: (l) => l.slice(0, -1), error: /incomplete/ },
      {
        name: 'truncated in the middle of a line',
        edit: (l) =>
          l
            .map((line) => JSON.stringify(line))
            .join('\n')
            .slice(0, -40),
        error: /not JSON|incomplete/,
      },
      {
        name: 'an end line whose count disagrees',
        edit: (l) => {
          const end = l.at(-1)!.end as Record<string, number>;
          end.notes = end.notes! + 1;
          return l;
        },
        error: /notes: the end line says/,
      },
      {
        name: 'a missing row',
        edit: (l) => l.filter((line, index) => line.table !== 'todos' || index % 2 === 0),
        error: /todos: the end line says/,
      },
      {
        name: 'not a jotter export',
        edit: (l) => [{ format: 'other' }, ...l.slice(1)],
        error: /not a jotter export/,
      },
      {
        name: 'another schema version',
        edit: (l) => [{ ...l[0], migrations: ['0001-accounts'] }, ...l.slice(1)],
        error: /another database schema/,
      },
      {
        name: 'an unknown table',
        edit: (l) => [l[0]!, { table: 'sqlite_master', row: {} }, ...l.slice(1)],
        error: /unknown table/,
      },
      {
        name: 'an unknown column',
        edit: (l) => {
          rowOf(l, 'users')['password_hash"; DROP TABLE users; --'] = 'x';
          return l;
        },
        error: /users has no column/,
      },
      {
        name: 'a missing column',
        edit: (l) => {
          delete rowOf(l, 'notes').version;
          return l;
        },
        error: /notes\.version must be an integer/,
      },
      {
        name: 'a boolean given as a number',
        edit: (l) => {
          rowOf(l, 'todos').done = 1;
          return l;
        },
        error: /todos\.done must be true or false/,
      },
      {
        name: 'null in a column that is not nullable',
        edit: (l) => {
          rowOf(l, 'sessions').user_agent = null;
          return l;
        },
        error: /sessions\.user_agent must be a string/,
      },
      {
        name: 'tables out of order',
        edit: (l) => {
          const todo = l.findIndex((line) => line.table === 'todos');
          return [
            ...l.slice(0, todo),
            { table: 'users', row: rowOf(l, 'users') },
            ...l.slice(todo),
          ];
        },
        error: /users rows must come before note_tags rows/,
      },
      {
        name: 'a row repeated (the database refuses the duplicate key)',
        edit: (l) => {
          const user = l.findIndex((line) => line.table === 'users');
          const end = l.at(-1)!.end as Record<string, number>;
          end.users = end.users! + 1;
          return [...l.slice(0, user + 1), l[user]!, ...l.slice(user + 1)];
        },
        error: /users: /,
      },
      {
        name: 'an array line',
        edit: (l) => [l[0]!, [] as unknown as Line, ...l.slice(1)],
        error: /not a JSON object/,
      },
      { name: 'an empty file', edit: () => '', error: /empty/ },
    ];

    for (const { name, edit, error } of cases) {
      test(`refuses ${name}, importing nothing`, async (t) => {
        const { lines, dir } = await exportedLines(t);
        const edited = edit(lines);
        const file = join(dir, 'edited.jsonl');
        writeFileSync(
          file,
          typeof edited === 'string'
            ? edited
            : edited.map((line) => `${JSON.stringify(line)}\n`).join(''),
        );
        const target = await freshDatabase(t, engine);
        await assert.rejects(importDatabase(target.db, file), (thrown: unknown) => {
          assert.ok(thrown instanceof BackupError, String(thrown));
          assert.match(thrown.message, error);
          return true;
        });
        for (const rows of Object.values(await dumpTables(target.db))) assert.equal(rows.length, 0);
      });
    }

    test('refuses a file that is not there, or not gzip inside despite the signature', async (t) => {
      const dir = temporaryDirectory();
      t.after(() => dir.remove());
      const target = await freshDatabase(t, engine);
      await assert.rejects(importDatabase(target.db, join(dir.path, 'none.jsonl')), BackupError);
      const broken = join(dir.path, 'broken.jsonl.gz');
      writeFileSync(broken, Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5]));
      await assert.rejects(importDatabase(target.db, broken), /cannot read/);
    });

    test('exports and imports every table and every column the database has', async (t) => {
      const { db } = await freshDatabase(t, engine);
      const internal = /^(kysely_|sqlite_|notes_fts)/;
      const tables =
        engine.name === 'sqlite'
          ? await sql<{
              name: string;
            }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db.kysely)
          : await sql<{
              name: string;
            }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`.execute(
              db.kysely,
            );
      const names = tables.rows.map((row) => row.name).filter((name) => !internal.test(name));
      assert.deepEqual(names.sort(), TABLES.map((table) => table.name).sort());
      for (const table of TABLES) {
        const columns =
          engine.name === 'sqlite'
            ? await sql<{
                name: string;
              }>`SELECT name FROM pragma_table_info(${table.name})`.execute(db.kysely)
            : await sql<{
                name: string;
              }>`SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table.name}`.execute(
                db.kysely,
              );
        // Engine internals the schema types do not name: SQLite's notes.seq (the full-text
        // index's key, assigned on insert), PostgreSQL's generated notes.search.
        const internal = new Set(['notes.seq', 'notes.search']);
        const stored = columns.rows
          .map((row) => row.name)
          .filter((name) => !internal.has(`${table.name}.${name}`));
        // Every stored column is known to the export; every column the file carries is stored.
        for (const name of stored) assert.ok(name in table.columns, `${table.name}.${name}`);
        for (const name of fileColumns(table))
          assert.ok(stored.includes(name), `${table.name}.${name}`);
      }
    });
  });
}
