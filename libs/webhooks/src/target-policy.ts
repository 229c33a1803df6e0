import { promises as dns } from 'node:dns';
import ipaddr from 'ipaddr.js';

/** Resolves a host name to every address it has (injected so tests never touch real DNS). */
export interface HostResolver {
  resolve(host: string): Promise<{ address: string; family: 4 | 6 }[]>;
}

export const systemResolver: HostResolver = {
  async resolve(host) {
    const all = await dns.lookup(host, { all: true, verbatim: true });
    return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  },
};

/** A target that passed the check: connect to `address`, and only to it. */
export interface CheckedTarget {
  url: URL;
  /** the host name as written (for Host, SNI and certificate checks) */
  host: string;
  address: string;
  family: 4 | 6;
}

export class TargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefused';
  }
}

type Allowed = { kind: 'host'; host: string } | { kind: 'cidr'; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

function parseAllowed(entry: string): Allowed {
  if (entry.includes('/')) return { kind: 'cidr', range: ipaddr.parseCIDR(entry) };
  if (ipaddr.isValid(entry)) {
    const a = ipaddr.process(entry);
    return { kind: 'cidr', range: [a, a.kind() === 'ipv4' ? 32 : 128] };
  }
  return { kind: 'host', host: entry.toLowerCase() };
}

/**
 * SSRF protection for webhook targets. The host is resolved once and every address it has must
 * be a public unicast address (private, loopback, link-local, unique-local, CGNAT, metadata,
 * multicast and reserved ranges are refused, IPv4 and IPv6, IPv4-mapped IPv6 unwrapped) unless
 * WEBHOOK_ALLOWED_HOSTS names the host or a range holding the address. The caller then connects
 * to the checked address itself, so a DNS answer that changes between check and connect is
 * never used.
 */
export class WebhookTargetPolicy {
  private readonly allowed: Allowed[];

  constructor(
    allowedHosts: readonly string[],
    private readonly resolver: HostResolver = systemResolver,
  ) {
    this.allowed = allowedHosts.map(parseAllowed);
  }

  /** Syntax only (no DNS): what a URL must look like. */
  parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new TargetRefused('not an absolute URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TargetRefused('must be an http or https URL');
    if (url.username || url.password) throw new TargetRefused('must not carry credentials');
    if (!url.hostname) throw new TargetRefused('must name a host');
    return url;
  }

  async check(raw: string): Promise<CheckedTarget> {
    const url = this.parse(raw);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    let addresses: { address: string; family: 4 | 6 }[];
    if (ipaddr.isValid(host)) {
      addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
    } else {
      try {
        addresses = await this.resolver.resolve(host);
      } catch (e) {
        throw new TargetRefused(`${host} does not resolve (${(e as { code?: string }).code ?? 'error'})`);
      }
      if (!addresses.length) throw new TargetRefused(`${host} does not resolve`);
    }
    const hostAllowed = this.allowed.some((a) => a.kind === 'host' && a.host === host);
    for (const { address } of addresses) {
      if (!ipaddr.isValid(address)) throw new TargetRefused(`${host} resolves to something that is not an address`);
      const ip = ipaddr.process(address);
      const range = ip.range();
      if (range === 'unicast' || hostAllowed || this.inAllowedRange(ip)) continue;
      throw new TargetRefused(`${host} resolves to ${ip.toString()}, a ${range} address`);
    }
    const first = addresses[0];
    const ip = ipaddr.process(first.address);
    return { url, host, address: ip.toString(), family: ip.kind() === 'ipv6' ? 6 : 4 };
  }

  private inAllowedRange(ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    return this.allowed.some((a) => a.kind === 'cidr' && a.range[0].kind() === ip.kind() && ip.match(a.range));
  }
}
