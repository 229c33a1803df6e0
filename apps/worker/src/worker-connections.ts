import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { ConnectionWatch } from '@makebuy/metrics';

/**
 * Every BullMQ worker's connection errors go to ConnectionWatch (one log line per outage).
 * Without a listener BullMQ prints each reconnect failure as a raw stack trace.
 */
@Injectable()
export class WorkerConnections implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly watch: ConnectionWatch,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const host = wrapper.instance as unknown;
      if (host instanceof WorkerHost) host.worker.on('error', (e: Error) => this.watch.failed('redis', e));
    }
  }
}
