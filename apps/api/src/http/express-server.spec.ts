import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expressServerOptions } from './express-server';

/** Node builds each request and response with Express's prototypes, so Express never has to change them. */
describe('expressServerOptions', () => {
  const serve = async (withOptions: boolean) => {
    const app = express();
    app.use(express.json());
    app.post('/echo', (req, res) => {
      res.status(201).setHeader('X-Seen', String(req.get('x-ask')));
      res.json({ body: req.body, path: req.path, query: req.query });
    });
    const server = withOptions ? http.createServer(expressServerOptions(app), app) : http.createServer(app);
    // what Node built, seen before Express's own request listener runs
    const built: { req: boolean; res: boolean; isRequest: boolean; isResponse: boolean }[] = [];
    server.prependListener('request', (req, res) =>
      built.push({
        req: Object.getPrototypeOf(req) === app.request,
        res: Object.getPrototypeOf(res) === app.response,
        isRequest: req instanceof http.IncomingMessage,
        isResponse: res instanceof http.ServerResponse,
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { built, url, close: () => new Promise((r) => server.close(r)) };
  };

  const post = (url: string) =>
    fetch(`${url}/echo?n=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ask': 'yes' },
      body: JSON.stringify({ a: [1, 'two'] }),
    });

  it('gives every request and response Express’s prototypes when Node builds them', async () => {
    const s = await serve(true);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await post(s.url);
        expect(res.status).toBe(201);
        expect(res.headers.get('x-seen')).toBe('yes');
        expect(await res.json()).toEqual({ body: { a: [1, 'two'] }, path: '/echo', query: { n: '2' } });
      }
      expect(s.built).toEqual(Array(3).fill({ req: true, res: true, isRequest: true, isResponse: true }));
    } finally {
      await s.close();
    }
  });

  it('differs from a default server, whose objects Express has to re-prototype on every request', async () => {
    const s = await serve(false);
    try {
      expect((await post(s.url)).status).toBe(201);
      expect(s.built).toEqual([{ req: false, res: false, isRequest: true, isResponse: true }]);
    } finally {
      await s.close();
    }
  });
});
