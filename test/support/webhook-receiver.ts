import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What a route answers: a status (and body), or 'hang' (never answers). */
export type Answer = { status: number; body?: string } | 'hang';

/**
 * A webhook receiver on loopback, started by a test. Each path answers from its script in turn
 * (the last answer repeats); every request is kept.
 */
export async function startReceiver(script: Record<string, Answer[]> = {}): Promise<{
  url: (path: string) => string;
  received: Received[];
  on: (path: string) => Received[];
  connections: () => number;
  close: () => Promise<void>;
}> {
  const received: Received[] = [];
  const served = new Map<string, number>();
  let connections = 0;
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({
        path,
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answers = script[path] ?? [{ status: 204 }];
      const n = served.get(path) ?? 0;
      served.set(path, n + 1);
      const a = answers[Math.min(n, answers.length - 1)];
      if (a === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(a.status, { 'content-type': 'text/plain' });
      res.end(a.body ?? '');
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    on: (path) => received.filter((r) => r.path === path),
    connections: () => connections,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
