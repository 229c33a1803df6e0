import type { NextFunction, Request, Response } from 'express';
import { carriesCredentials } from '@makebuy/auth';

/**
 * Answers to a request that carries credentials are the caller's own: no shared or browser cache
 * may keep them (set first, so errors and every handler's answer carry it too).
 */
export function noStoreWhenAuthenticated(req: Request, res: Response, next: NextFunction): void {
  if (carriesCredentials(req)) res.setHeader('Cache-Control', 'no-store');
  next();
}
