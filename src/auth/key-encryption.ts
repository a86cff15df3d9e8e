// Encryption at rest for signing keys' private parts, with a key derived from
// KEY_ENCRYPTION_SECRET by scrypt (the secret may be a passphrase) and AES-256-GCM (tampering with
// the stored ciphertext is detected, not decrypted into garbage).
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

const PREFIX = 'enc:v1:';

export class KeyDecryptionError extends Error {
  override name = 'KeyDecryptionError';
}

function deriveKey(secret: string, salt: Buffer): Buffer {
  return scryptSync(secret, salt, 32, { N: 16_384, r: 8, p: 1 });
}

export function isEncrypted(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export function encryptPrivateKey(pem: string, secret: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, salt), iv);
  const ciphertext = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return (
    PREFIX +
    [salt, iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join('.')
  );
}

export function decryptPrivateKey(stored: string, secret: string | undefined): string {
  if (!isEncrypted(stored)) return stored;
  if (!secret) {
    throw new KeyDecryptionError(
      'signing keys are encrypted: set KEY_ENCRYPTION_SECRET to the secret they were stored with',
    );
  }
  const [salt, iv, tag, ciphertext] = stored
    .slice(PREFIX.length)
    .split('.')
    .map((part) => Buffer.from(part, 'base64url'));
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(secret, salt!), iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(ciphertext!), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyDecryptionError(
      'signing keys cannot be decrypted: KEY_ENCRYPTION_SECRET is not the secret they were stored with',
    );
  }
}
