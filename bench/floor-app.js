/**
 * The framework's floor under every API read (reported by the bench, not a target): a bare NestJS
 * application, on the API's own HTTP server setup (PrototypedExpressAdapter, from the built tree),
 * with one route answering a constant JSON object about the size of a case view's header. No
 * middleware, guard, interceptor, database or logging: what a request costs this machine before
 * the application does anything. `node bench/floor-app.js <port>`; GET /floor.
 */
require('reflect-metadata');
const { join } = require('node:path');
const { NestFactory } = require('@nestjs/core');
const { Controller, Get, Module } = require('@nestjs/common');
const { PrototypedExpressAdapter } = require(join(__dirname, '..', 'dist/apps/api/src/http/express-server.js'));

const BODY = Object.freeze({
  id: '00000000-0000-4000-8000-000000000000',
  version: 7,
  state: 'tendering',
  title: 'Community dermatology redesign',
  description: 'x'.repeat(600),
  allowedEvents: ['CANCEL', 'EXTEND_TENDER'],
});

class FloorController {
  floor() {
    return BODY;
  }
}
Reflect.decorate(
  [Get('floor')],
  FloorController.prototype,
  'floor',
  Object.getOwnPropertyDescriptor(FloorController.prototype, 'floor'),
);
const Controller_ = Reflect.decorate([Controller()], FloorController);
class FloorModule {}
const Module_ = Reflect.decorate([Module({ controllers: [Controller_] })], FloorModule);

(async () => {
  const app = await NestFactory.create(Module_, new PrototypedExpressAdapter(), { logger: false });
  await app.listen(Number(process.argv[2]), '127.0.0.1');
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
})();
