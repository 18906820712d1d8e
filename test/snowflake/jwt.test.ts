import { createHash, createPrivateKey, sign } from 'node:crypto';
import { publicKeyFingerprint, type UserRecord } from '../../devstack/snowflake/catalog';
import { verifyLoginJwt } from '../../devstack/snowflake/server';
import { newKeyPair } from './keys';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function token(privateKey: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), createPrivateKey(privateKey)).toString('base64url')}`;
}

describe('SNOWFLAKE_JWT verification', () => {
  const keys = newKeyPair();
  const user: UserRecord = { name: 'SVC', type: 'SERVICE', rsaPublicKey: keys.publicKey, rsaPublicKeyFp: publicKeyFingerprint(keys.publicKey), disabled: false, owner: 'X', createdOn: '' };
  const now = Date.now();
  const iss = `ACME.SVC.${user.rsaPublicKeyFp}`;
  const good = { iss, sub: 'ACME.SVC', iat: now, exp: now + 60_000 };

  test('the driver\'s token (iat/exp in milliseconds) and a seconds-based one are accepted', () => {
    expect(verifyLoginJwt(token(keys.privateKey, good), 'ACME', user, now)).toBe(true);
    expect(verifyLoginJwt(token(keys.privateKey, { ...good, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 60 }), 'ACME', user, now)).toBe(true);
  });

  test.each([
    ['expired', { ...good, iat: now - 120_000, exp: now - 1_000 }],
    ['issued in the future', { ...good, iat: now + 600_000, exp: now + 660_000 }],
    ['longer than an hour', { ...good, exp: now + 2 * 3_600_000 }],
    ['another account', { ...good, iss: `OTHER.SVC.${user.rsaPublicKeyFp}`, sub: 'OTHER.SVC' }],
    ['another user in the subject', { ...good, sub: 'ACME.ADMIN' }],
    ['another key fingerprint', { ...good, iss: `ACME.SVC.SHA256:${createHash('sha256').update('x').digest('base64')}` }],
  ])('rejected: %s', (_what, claims) => {
    expect(verifyLoginJwt(token(keys.privateKey, claims), 'ACME', user, now)).toBe(false);
  });

  test('rejected: a signature by another key, alg none or HS256, garbage', () => {
    expect(verifyLoginJwt(token(newKeyPair().privateKey, good), 'ACME', user, now)).toBe(false);
    expect(verifyLoginJwt(`${b64({ alg: 'none' })}.${b64(good)}.`, 'ACME', user, now)).toBe(false);
    expect(verifyLoginJwt(token(keys.privateKey, good, { alg: 'HS256' }), 'ACME', user, now)).toBe(false);
    expect(verifyLoginJwt('not.a.jwt', 'ACME', user, now)).toBe(false);
  });
});
