import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ENCRYPTED_ENCODING, EncryptionCodec, generatePayloadKey, parsePayloadKeys, PayloadCodecError } from '../../lib';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const payloadOf = (value: unknown) => defaultPayloadConverter.toPayload(value)!;
const valueOf = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);
const meta = (payload: Payload, name: string) => Buffer.from(payload.metadata![name]!).toString('utf8');

const REQUEST = { reason: 'check claim for Jane Doe DOB 3/4/1950', ticket: 'INC-4711', sql: 'SELECT * FROM CLINICAL.PHI.PATIENTS' };

describe('the payload codec (AES-256-GCM under a key id)', () => {
  test('encrypts every payload under the current key and decrypts it back', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`${key('k2')},${key('k1')}`));
    const [sealed] = await codec.encode([payloadOf(REQUEST)]);
    expect(meta(sealed!, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(meta(sealed!, 'encryption-key-id')).toBe('k2');
    expect(meta(sealed!, 'encryption-cipher')).toBe('AES-256-GCM');
    const raw = Buffer.from(sealed!.data!).toString('latin1');
    for (const secret of [REQUEST.reason, 'Jane Doe', REQUEST.ticket, 'PATIENTS', 'json/plain']) expect(raw).not.toContain(secret);
    expect(valueOf((await codec.decode([sealed!]))[0]!)).toEqual(REQUEST);
  });

  test('the same value encrypts differently each time (random IV)', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(key('k1')));
    const [a, b] = await codec.encode([payloadOf('same'), payloadOf('same')]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  test('rotation: a new current key still decrypts what the old one wrote, and encrypts with the new one', async () => {
    const old = key('k1');
    const before = new EncryptionCodec(parsePayloadKeys(old));
    const [written] = await before.encode([payloadOf(REQUEST)]);
    const after = new EncryptionCodec(parsePayloadKeys(`${key('k2')},${old}`));
    expect(valueOf((await after.decode([written!]))[0]!)).toEqual(REQUEST);
    expect(meta((await after.encode([payloadOf(1)]))[0]!, 'encryption-key-id')).toBe('k2');
  });

  test('a payload under a key this process does not know: a clear error naming the key id, never the key', async () => {
    const secret = key('k1');
    const [written] = await new EncryptionCodec(parsePayloadKeys(secret)).encode([payloadOf(REQUEST)]);
    const other = new EncryptionCodec(parsePayloadKeys(key('k9')));
    const error = await other.decode([written!]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadCodecError);
    expect((error as PayloadCodecError).code).toBe('UNKNOWN_KEY');
    expect((error as Error).message).toMatch(/key "k1", which is not in GATEHOUSE_PAYLOAD_KEYS \(known: k9\)/);
    expect((error as Error).message).not.toContain(secret.split(':')[1]);
  });

  test('tampering is detected: a flipped bit, a key id relabelled to another known key, a truncated payload', async () => {
    const keys = parsePayloadKeys(`${key('k2')},${key('k1')}`);
    const codec = new EncryptionCodec(keys);
    const [sealed] = await codec.encode([payloadOf(REQUEST)]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow(/fails authentication/);
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-key-id': Buffer.from('k1') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/fails authentication/);
    await expect(codec.decode([{ ...sealed!, data: Buffer.from(sealed!.data!).subarray(0, 10) }])).rejects.toThrow(/too short/);
    const otherCipher = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-cipher': Buffer.from('NONE') } };
    await expect(codec.decode([otherCipher])).rejects.toThrow(/only AES-256-GCM is known/);
  });

  test('payloads written before encryption was turned on stay readable', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(key('k1')));
    expect(valueOf((await codec.decode([payloadOf(REQUEST)]))[0]!)).toEqual(REQUEST);
  });

  test.each([
    ['', /is empty/],
    ['nokey', /entry 1 is not keyId:base64key/],
    [':abc', /entry 1 is not keyId:base64key/],
    ['k1:not-base64!', /the key of "k1" is not base64/],
    ['k1:c2hvcnQ=', /must be 32 bytes \(AES-256\), got 5/],
    [`bad/id:${randomBytes(32).toString('base64')}`, /must be 1-64 letters/],
    [`k1:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`, /"k1" appears twice/],
  ])('GATEHOUSE_PAYLOAD_KEYS=%j is refused with a clear error', (text, message) => {
    expect(() => parsePayloadKeys(text)).toThrow(message);
  });

  test('a generated key parses', () => {
    const keys = parsePayloadKeys(generatePayloadKey());
    expect(keys.current.key).toHaveLength(32);
    expect(keys.current.id).toMatch(/^k\d{8}-[0-9a-f]{4}$/);
  });
});
