import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { HostResolver, TargetRefused, WebhookTargetPolicy } from './target-policy';
import { postOnce } from './webhook-http.client';

/** A resolver scripted per name; counts its calls. Tests never touch real DNS. */
function scripted(answers: Record<string, string[][]>): HostResolver & { calls: string[] } {
  const served = new Map<string, number>();
  const calls: string[] = [];
  return {
    calls,
    async resolve(host) {
      calls.push(host);
      const list = answers[host];
      if (!list) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      const n = served.get(host) ?? 0;
      served.set(host, n + 1);
      return list[Math.min(n, list.length - 1)].map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  };
}

/** Checks then (only if allowed) delivers: the delivery path of WebhookDelivery, minus the database. */
async function deliver(policy: WebhookTargetPolicy, url: string) {
  const target = await policy.check(url);
  return postOnce(target, { 'content-type': 'application/json' }, '{}', 2_000);
}

describe('webhook target policy (SSRF)', () => {
  let server: http.Server;
  let port: number;
  let served = 0;
  let connect: jest.SpyInstance;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      served++;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    connect = jest.spyOn(net.Socket.prototype, 'connect');
  });
  afterEach(() => connect.mockRestore());

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/hook',
    'http://192.168.1.1/hook',
    'http://[fd00::1]/hook',
    'http://[::1]/hook',
    'http://127.0.0.1/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[fe80::1]/hook',
    'http://100.100.100.200/hook',
    'http://0.0.0.0/hook',
    'http://2130706433/hook',
  ])('refuses %s without WEBHOOK_ALLOWED_HOSTS, and opens no connection', async (url) => {
    const resolver = scripted({});
    const policy = new WebhookTargetPolicy([], resolver);
    await expect(deliver(policy, url)).rejects.toThrow(TargetRefused);
    expect(resolver.calls).toEqual([]); // a literal is not looked up
    expect(connect).not.toHaveBeenCalled();
  });

  it('refuses a name the resolver answers with a private address (any one of several), and opens no connection', async () => {
    const resolver = scripted({
      'metadata.evil.test': [['169.254.169.254']],
      'mixed.evil.test': [['93.184.215.14', '10.1.2.3']],
      'v6.evil.test': [['fd12:3456::1']],
      'loop.evil.test': [['127.0.0.1']],
    });
    const policy = new WebhookTargetPolicy([], resolver);
    for (const host of Object.keys({
      'metadata.evil.test': 1,
      'mixed.evil.test': 1,
      'v6.evil.test': 1,
      'loop.evil.test': 1,
    })) {
      await expect(deliver(policy, `https://${host}/hook`)).rejects.toThrow(/resolves to/);
    }
    await expect(deliver(policy, 'https://nowhere.test/hook')).rejects.toThrow(/does not resolve/);
    expect(connect).not.toHaveBeenCalled();
    expect(served).toBe(0);
  });

  it('allows what WEBHOOK_ALLOWED_HOSTS names (hosts or CIDRs), and only that', async () => {
    const resolver = scripted({ 'hooks.internal': [['10.9.8.7']], 'other.internal': [['10.9.8.8']] });
    const policy = new WebhookTargetPolicy(['hooks.internal', '127.0.0.1', 'fd00::/8'], resolver);
    await expect(policy.check('http://hooks.internal/x')).resolves.toMatchObject({ address: '10.9.8.7' });
    await expect(policy.check('http://[fd00::1]/x')).resolves.toMatchObject({ family: 6 });
    await expect(policy.check('http://other.internal/x')).rejects.toThrow(TargetRefused);
    await expect(policy.check('http://10.0.0.1/x')).rejects.toThrow(TargetRefused);
    await expect(policy.check('http://[::1]/x')).rejects.toThrow(TargetRefused);
    expect(connect).not.toHaveBeenCalled();
  });

  it('connects to the address it checked, whatever DNS answers afterwards (rebinding)', async () => {
    // first answer loopback (allowed here), every later answer a private address
    const resolver = scripted({ 'rebind.test': [['127.0.0.1'], ['10.0.0.1']] });
    const policy = new WebhookTargetPolicy(['127.0.0.1'], resolver);
    const r = await deliver(policy, `http://rebind.test:${port}/hook`);
    expect(r).toMatchObject({ outcome: 'succeeded', statusCode: 200, responseExcerpt: 'ok' });
    expect(resolver.calls).toEqual(['rebind.test']); // resolved once, by the check
    expect(served).toBe(1);
    // the spy sees real connections (so "not called" above means something): this one went to
    // the loopback server through the pinned lookup, never to the later answer
    expect(connect).toHaveBeenCalledTimes(1);
    const hosts = connect.mock.calls.map((c) => JSON.stringify(c[0]));
    expect(hosts.some((h) => h.includes('10.0.0.1'))).toBe(false);
  });

  it('does not follow redirects', async () => {
    const redirecting = http.createServer((_req, res) => {
      res.writeHead(302, { location: 'http://10.0.0.1/' });
      res.end();
    });
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', () => r()));
    try {
      const p = (redirecting.address() as AddressInfo).port;
      const policy = new WebhookTargetPolicy(['127.0.0.1'], scripted({}));
      const r = await deliver(policy, `http://127.0.0.1:${p}/`);
      expect(r).toMatchObject({ outcome: 'http_error', statusCode: 302, error: 'redirects are not followed' });
      const hosts = connect.mock.calls.map((c) => JSON.stringify(c[0]));
      expect(hosts.filter((h) => !h.includes('127.0.0.1'))).toEqual([]);
    } finally {
      await new Promise<void>((r) => redirecting.close(() => r()));
    }
  });
});
