import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What a route answers: a status (and body), 'hang' (never answers) or 'hold' (answers 200 once released). */
export type Answer = { status: number; body?: string } | 'hang' | 'hold';

/**
 * A webhook receiver on loopback, started by a test. Each path answers from its script in turn
 * (the last answer repeats); every request is kept.
 */
export async function startReceiver(script: Record<string, Answer[]> = {}): Promise<{
  url: (path: string) => string;
  received: Received[];
  on: (path: string) => Received[];
  connections: () => number;
  /** the most requests to one path in progress at once */
  maxInFlight: (path: string) => number;
  inFlight: (path: string) => number;
  /** answers every held request 200; later requests to held paths are answered at once */
  release: () => void;
  close: () => Promise<void>;
}> {
  const received: Received[] = [];
  const served = new Map<string, number>();
  let connections = 0;
  const hanging = new Set<http.ServerResponse>();
  const held = new Set<http.ServerResponse>();
  let released = false;
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const p = req.url ?? '/';
    inFlight.set(p, (inFlight.get(p) ?? 0) + 1);
    maxInFlight.set(p, Math.max(maxInFlight.get(p) ?? 0, inFlight.get(p)!));
    let counted = true;
    const done = () => {
      if (counted) inFlight.set(p, inFlight.get(p)! - 1);
      counted = false;
    };
    res.on('finish', done);
    res.on('close', done);
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
      if (a === 'hold') {
        if (released) res.end('ok');
        else held.add(res);
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
    maxInFlight: (path) => maxInFlight.get(path) ?? 0,
    inFlight: (path) => inFlight.get(path) ?? 0,
    release: () => {
      released = true;
      for (const res of held) res.end('ok');
      held.clear();
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
