import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, problemType, TITLE_OF } from './problem-details';

/** What a shed request is asked to wait before retrying (as the pool-wait 503 asks). */
export const SHED_RETRY_AFTER_SECONDS = 1;

/** Only API work is shed: health, metrics, docs and the console's static files are always answered. */
const SHEDDABLE = /^\/api\//;

/**
 * Admission control at the door: when `maxInFlight` API requests are already being worked on,
 * one more is answered 503 OVERLOADED with Retry-After at once, before its body is read, before
 * authentication, before any SQL. Queueing it instead would only make every request slower (the
 * pool and the one event loop are already busy) until the pool-wait 503 hits after some of its
 * work was done. That pool-wait 503 stays as the last resort. 0 turns the bound off.
 */
export function admission(maxInFlight: number, onShed: () => void) {
  let inFlight = 0;
  return function admit(req: Request, res: Response, next: NextFunction): void {
    if (maxInFlight <= 0 || !SHEDDABLE.test(req.path)) return next();
    if (inFlight >= maxInFlight) {
      onShed();
      res
        .status(503)
        .setHeader('Retry-After', String(SHED_RETRY_AFTER_SECONDS))
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          JSON.stringify({
            type: problemType('OVERLOADED'),
            title: TITLE_OF.OVERLOADED,
            status: 503,
            detail: `the API is working on ${inFlight} requests (HTTP_MAX_IN_FLIGHT); retry later`,
            code: 'OVERLOADED',
            instance: req.originalUrl ?? req.url,
          }),
        );
      return;
    }
    inFlight++;
    let done = false;
    const leave = () => {
      if (done) return;
      done = true;
      inFlight--;
    };
    res.once('finish', leave);
    res.once('close', leave);
    next();
  };
}
