import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds, from a few milliseconds to ten minutes: deadline lag and request latency alike. */
const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every figure an operator alerts on, in one registry per application (not prom-client's global
 * one: the e2e suites run several applications in one process). Scrape-time figures (outbox,
 * pool, up) are added by MetricsCollectors.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'makebuy_http_request_duration_seconds',
    help: 'HTTP request latency by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly transitions = new Counter({
    name: 'makebuy_case_transitions_total',
    help: 'Case events applied (committed), by event type',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly deadlineLag = new Histogram({
    name: 'makebuy_deadline_lag_seconds',
    help: 'Applied minus due, for deadlines applied, by kind and by what applied them (job or reconciler)',
    labelNames: ['kind', 'via'] as const,
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });

  readonly reconcilerPasses = new Counter({
    name: 'makebuy_reconciler_passes_total',
    help: 'Deadline reconciler passes, by whether Redis could be reached',
    labelNames: ['redis'] as const,
    registers: [this.registry],
  });

  readonly reconcilerDeadlines = new Counter({
    name: 'makebuy_reconciler_deadlines_total',
    help: 'What reconciler passes did: deadlines fired, superseded, failed, re-enqueued',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly overloaded = new Counter({
    name: 'makebuy_overloaded_requests_total',
    help: 'Requests answered 503 OVERLOADED because no database connection could be had in time',
    registers: [this.registry],
  });

  readonly shed = new Counter({
    name: 'makebuy_shed_requests_total',
    help: 'API requests answered 503 OVERLOADED at the door (HTTP_MAX_IN_FLIGHT reached), before any work',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'makebuy_' });
  }

  /** A live gauge computed at scrape time. */
  gauge(name: string, help: string, collect: (g: Gauge) => Promise<void> | void, labelNames: string[] = []): Gauge {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect(this);
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
