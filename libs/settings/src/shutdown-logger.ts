import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';

/** Says what graceful shutdown is doing: stop taking requests, let running jobs finish, close connections. */
@Injectable()
export class ShutdownLogger implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly log = new Logger('Shutdown');
  beforeApplicationShutdown(signal?: string): void {
    if (signal) this.log.log(`${signal} received: no new requests or jobs are taken; running ones are finishing`);
  }
  onApplicationShutdown(signal?: string): void {
    if (signal) this.log.log('connections closed; exiting');
  }
}
