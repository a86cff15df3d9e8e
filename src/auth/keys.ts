// Signing keys: Ed25519 key pairs kept in the database, so every instance signs and verifies with
// the same keys and a rotation needs no restart. The newest active key signs; retired keys stay
// published (and accepted) until the last token they signed has expired.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { decryptPrivateKey, encryptPrivateKey, isEncrypted } from './key-encryption.ts';

export const SIGNING_ALGORITHM = 'EdDSA';

/** Clock skew allowed between instances when deciding that a retired key can go. */
const RETIREMENT_MARGIN_MS = 60_000;

/** A published Ed25519 public key. */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: string;
  use: 'sig';
}

interface LoadedKey {
  kid: string;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
  privateKey: KeyObject;
  createdAt: string;
  retiredAt: string | null;
}

export interface KeyStoreOptions {
  accessTokenTtl: number;
  keyEncryptionSecret: string | undefined;
}

async function newKeyRow(
  secret: string | undefined,
): Promise<{ kid: string; public_jwk: string; private_key: string }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return {
    kid,
    public_jwk: JSON.stringify({ ...jwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' }),
    private_key: secret ? encryptPrivateKey(pem, secret) : pem,
  };
}

/**
 * Adds a key that signs from now on and retires the others. Runs in one transaction, under an
 * advisory lock on PostgreSQL, so instances starting together create one first key, not several.
 */
export async function addSigningKey(
  db: Db,
  options: KeyStoreOptions,
  { onlyIfNone }: { onlyIfNone: boolean },
): Promise<string | undefined> {
  const row = await newKeyRow(options.keyEncryptionSecret);
  return db.kysely.transaction().execute(async (trx) => {
    if (db.engine === 'postgres')
      await sql`SELECT pg_advisory_xact_lock(hashtext('jotter_signing_keys'))`.execute(trx);
    if (onlyIfNone) {
      const active = await trx
        .selectFrom('signing_keys')
        .select('kid')
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      if (active) return undefined;
    }
    const now = new Date().toISOString();
    await trx
      .updateTable('signing_keys')
      .set({ retired_at: now })
      .where('retired_at', 'is', null)
      .execute();
    await trx
      .insertInto('signing_keys')
      .values({ ...row, alg: SIGNING_ALGORITHM, created_at: now, retired_at: null })
      .execute();
    return row.kid;
  });
}

export class KeyStore {
  readonly #db: Db;
  readonly #options: KeyStoreOptions;
  #keys = new Map<string, LoadedKey>();
  #signing: LoadedKey | undefined;
  #lastReload = 0;

  private constructor(db: Db, options: KeyStoreOptions) {
    this.#db = db;
    this.#options = options;
  }

  /** Loads the keys, creating the first one on a new database. */
  static async open(db: Db, options: KeyStoreOptions): Promise<KeyStore> {
    await addSigningKey(db, options, { onlyIfNone: true });
    const store = new KeyStore(db, options);
    await store.reload();
    return store;
  }

  get signingKey(): LoadedKey {
    if (!this.#signing) throw new Error('no signing key loaded');
    return this.#signing;
  }

  /** The public key for `kid`, if it is one of ours and still published. */
  publicKey(kid: string): KeyObject | undefined {
    const key = this.#keys.get(kid);
    return key && this.#isPublished(key, Date.now()) ? key.publicKey : undefined;
  }

  /** Reloads when a token names a key we do not know, at most once every few seconds. */
  async reloadForUnknownKid(): Promise<boolean> {
    if (Date.now() - this.#lastReload < 5_000) return false;
    await this.reload();
    return true;
  }

  jwks(): { keys: PublicJwk[] } {
    const now = Date.now();
    return {
      keys: [...this.#keys.values()]
        .filter((key) => this.#isPublished(key, now))
        .map((key) => key.publicJwk),
    };
  }

  #isPublished(key: LoadedKey, now: number): boolean {
    if (key.retiredAt === null) return true;
    return (
      Date.parse(key.retiredAt) + this.#options.accessTokenTtl * 1000 + RETIREMENT_MARGIN_MS > now
    );
  }

  async reload(): Promise<void> {
    this.#lastReload = Date.now();
    const rows = await this.#db.kysely
      .selectFrom('signing_keys')
      .selectAll()
      .orderBy('created_at', 'asc')
      .execute();
    const keys = new Map<string, LoadedKey>();
    let signing: LoadedKey | undefined;
    const secret = this.#options.keyEncryptionSecret;
    for (const row of rows) {
      const existing = this.#keys.get(row.kid);
      const privatePem = existing ? undefined : decryptPrivateKey(row.private_key, secret);
      if (privatePem !== undefined && secret && !isEncrypted(row.private_key)) {
        // A key stored before a secret was configured is encrypted now.
        await this.#db.kysely
          .updateTable('signing_keys')
          .set({ private_key: encryptPrivateKey(privatePem, secret) })
          .where('kid', '=', row.kid)
          .execute();
      }
      const publicJwk = JSON.parse(row.public_jwk) as PublicJwk;
      const key: LoadedKey = existing
        ? { ...existing, retiredAt: row.retired_at }
        : {
            kid: row.kid,
            publicJwk,
            publicKey: createPublicKey({ key: publicJwk as never, format: 'jwk' }),
            privateKey: createPrivateKey(privatePem!),
            createdAt: row.created_at,
            retiredAt: row.retired_at,
          };
      keys.set(row.kid, key);
      if (key.retiredAt === null) signing = key;
    }
    this.#keys = keys;
    this.#signing = signing ?? this.#signing;
  }

  /** Deletes keys retired long enough ago that no token signed by them can still be valid. */
  async purgeRetired(): Promise<void> {
    const cutoff = new Date(
      Date.now() - this.#options.accessTokenTtl * 1000 - RETIREMENT_MARGIN_MS,
    ).toISOString();
    await this.#db.kysely.deleteFrom('signing_keys').where('retired_at', '<', cutoff).execute();
  }
}
