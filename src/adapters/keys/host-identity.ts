// A host's Ed25519 identity: a private key file (0600) the agent creates once and keeps, the public key it
// announces (raw 32 bytes, base64url), and signatures over exact bytes — verified on the bytes received, never on
// a re-serialization.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

export type HostIdentity = { publicKey: string; sign(bytes: string): string };

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const rawPublicKey = (key: KeyObject): string =>
  key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length).toString('base64url');

export async function loadOrCreateHostIdentity(path: string): Promise<HostIdentity> {
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    await writeFile(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  const privateKey = createPrivateKey(await readFile(path, 'utf8'));
  return {
    publicKey: rawPublicKey(createPublicKey(privateKey)),
    sign: (bytes) => sign(null, Buffer.from(bytes, 'utf8'), privateKey).toString('base64url'),
  };
}

/** Hosts sign every receipt: their keys are parsed once. Bounded, since anyone may send a registration. */
const parsedKeys = new Map<string, KeyObject>();
const MAX_PARSED_KEYS = 4096;

function publicKeyObject(publicKey: string): KeyObject | undefined {
  const known = parsedKeys.get(publicKey);
  if (known) return known;
  const raw = Buffer.from(publicKey, 'base64url');
  if (raw.length !== 32) return undefined;
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  if (parsedKeys.size >= MAX_PARSED_KEYS) parsedKeys.clear();
  parsedKeys.set(publicKey, key);
  return key;
}

export function verifyHostSignature(publicKey: string, bytes: string, signature: string): boolean {
  try {
    const key = publicKeyObject(publicKey);
    return key !== undefined && verify(null, Buffer.from(bytes, 'utf8'), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** A host's id follows from its public key, so a host that registers again is the same host. */
export const hostIdFor = (publicKey: string): string =>
  `host_${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}`;
