import { foreignOrigin, originRules } from '../../proxy/request-origin';

// The Host verdicts are remembered per rules object (proxy/request-origin.ts): a remembered
// verdict must be the one a fresh rules object (nothing remembered) gives, past the memory's size
// too, and two gateways' rules must not share verdicts.
describe('remembered Host verdicts', () => {
  const config = { publicUrl: 'https://gw.example.com', allowedHosts: ['internal.example:8788'], allowedOrigins: [] };
  const hosts = ['gw.example.com', 'GW.example.com:443', 'gw.example.com:80', 'internal.example:8788', 'localhost:8788', '127.0.0.1', 'evil.example.com', '', 'a b', 'gw.example.com@evil'];
  for (let i = 0; i < 150; i++) hosts.push(`h${i}.example.com`, 'gw.example.com');

  test('the same verdict as nothing remembered, for 310 Hosts asked twice each (past the 64 remembered)', () => {
    const rules = originRules(config);
    for (let round = 0; round < 2; round++) {
      for (const host of hosts) {
        const headers = host ? { host } : {};
        expect(foreignOrigin(headers, rules)).toBe(foreignOrigin(headers, originRules(config)));
      }
    }
    expect(foreignOrigin({ host: 'gw.example.com' }, rules)).toBeUndefined();
    expect(foreignOrigin({ host: 'evil.example.com' }, rules)).toMatch(/^refused: the Host header/);
  });

  test('each rules object has its own verdicts: a Host one gateway serves is refused by another', () => {
    const loopback = originRules(undefined);
    const publicOnly = originRules({ publicUrl: 'https://gw.example.com', allowLoopback: false, allowedHosts: [], allowedOrigins: [] });
    for (let round = 0; round < 3; round++) {
      expect(foreignOrigin({ host: 'localhost:8788' }, loopback)).toBeUndefined();
      expect(foreignOrigin({ host: 'localhost:8788' }, publicOnly)).toMatch(/^refused/);
      expect(foreignOrigin({ host: 'gw.example.com' }, loopback)).toMatch(/^refused/);
      expect(foreignOrigin({ host: 'gw.example.com' }, publicOnly)).toBeUndefined();
    }
  });
});
