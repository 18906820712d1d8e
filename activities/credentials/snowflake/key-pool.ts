import { generateKeyPair } from 'node:crypto';

/** An RSA key pair as Snowflake takes it: the public key's DER (SPKI) and the private key's PEM (PKCS#8). */
export interface KeyPair {
  publicKeyDer: Buffer;
  privateKeyPem: string;
}

/** Key pairs kept ready per target; enough for a burst while more are made. */
const DEFAULT_READY = 16;

/**
 * RSA-2048 key pairs made ahead of need, off the event loop (libuv's thread pool), so an issuance
 * takes one that is ready instead of blocking the worker for a key generation. Each pair is handed
 * out once and lives only in this process's memory until then: never logged, never in history.
 * An empty pool makes one on the spot.
 */
export class KeyPairPool {
  private readonly ready: KeyPair[] = [];
  private filling = false;

  constructor(private readonly size = DEFAULT_READY, private readonly make: () => Promise<KeyPair> = makeKeyPair) {}

  async take(): Promise<KeyPair> {
    const pair = this.ready.shift();
    // An empty pool: this issuance's own pair is asked for before any refill, so it never queues behind them.
    const own = pair ? Promise.resolve(pair) : this.make();
    void this.fill();
    return own;
  }

  /** How many pairs are ready (tests). */
  get available(): number {
    return this.ready.length;
  }

  /** One pair at a time: the refill never takes more than one of libuv's threads from the rest of the worker. */
  private async fill(): Promise<void> {
    if (this.filling) return;
    this.filling = true;
    try {
      while (this.ready.length < this.size) this.ready.push(await this.make());
    } catch {
      // A failed generation leaves the pool short; the next take makes its own pair and refills.
    } finally {
      this.filling = false;
    }
  }
}

export function makeKeyPair(): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }, (error, publicKeyDer, privateKeyPem) => (error ? reject(error) : resolve({ publicKeyDer, privateKeyPem })));
  });
}
