// Password hashing and strength rules. argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane),
// computed on libuv's thread pool, one hash per core at a time and at a lower priority than
// requests (hashing-lane.ts), so a login storm does not stall the event loop. Passwords are
// NFC-normalised before hashing, so the same password typed on two keyboards (composed or
// decomposed accents) is the same password.
import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { createRequire } from 'node:module';
import { inHashingLane } from './hashing-lane.ts';

const ARGON2_OPTIONS = {
  algorithm: 2, // argon2id
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;
const COMMON_PASSWORD_COUNT = 10_000;

// The 10,000 most common passwords, ranked, from the list zxcvbn ships (offline, in the package).
// Loaded at the first strength check, not at start: only registration and password changes need
// it. Only the password list is read (not the package's other dictionaries), and the module is
// dropped from the require cache once the Set is made, so the 30,000-entry list it decompresses
// can be collected: the server keeps ~1 MB instead of ~10 MB.
let commonPasswords: Set<string> | undefined;

function loadCommonPasswords(): Set<string> {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@zxcvbn-ts/language-common/dist/passwords.json.cjs');
  const list = require(path) as string[];
  delete require.cache[path];
  return new Set(list.slice(0, COMMON_PASSWORD_COUNT));
}

function normalise(password: string): string {
  return password.normalize('NFC');
}

export function hashPassword(password: string): Promise<string> {
  return inHashingLane(() => hash(normalise(password), ARGON2_OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await inHashingLane(() => verify(passwordHash, normalise(password)));
  } catch {
    return false;
  }
}

/** The reason a new password is refused, or undefined when it is acceptable. */
export function passwordWeakness(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  commonPasswords ??= loadCommonPasswords();
  if (commonPasswords.has(normalise(password).toLowerCase())) {
    return 'This password is among the most common ones; choose another.';
  }
  return undefined;
}

// A real hash of a random password with the same parameters: logins for unknown emails verify
// against it, so they cost the same as a wrong password for a real account.
let dummyHash: Promise<string> | undefined;

/** Computes the dummy hash once, at start-up, so the first unknown-email login costs no more. */
export async function prepareDummyHash(): Promise<void> {
  dummyHash ??= hashPassword(randomUUID());
  await dummyHash;
}

/** Does the work of a password check for an account that does not exist; always false. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomUUID());
  await verifyPassword(await dummyHash, password);
  return false;
}
