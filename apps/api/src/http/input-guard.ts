import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Observable, throwError } from 'rxjs';
import { DomainError } from '@makebuy/domain';

/** Deeper JSON than this is refused: the validation pipe, class-transformer and hashing all recurse. */
export const MAX_INPUT_DEPTH = 64;

/** Keys that would reach an object's prototype if anything ever merged the body; JSON.parse keeps them as own keys. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// PostgreSQL text cannot hold U+0000; a lone surrogate is not a character (and not valid UTF-8)
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface InputProblem {
  field: string;
  message: string;
}

const fieldOf = (parent: string, key: string | number) =>
  typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;

/**
 * The first thing wrong with untrusted input, or null: nesting beyond MAX_INPUT_DEPTH, a string
 * (value or key) holding U+0000 or a lone surrogate, or a prototype key. Iterative, so hostile
 * nesting cannot exhaust the stack here either.
 */
export function findInputProblem(input: unknown, root = ''): InputProblem | null {
  const stack: { value: unknown; field: string; depth: number }[] = [{ value: input, field: root, depth: 0 }];
  while (stack.length) {
    const { value, field, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const p = badString(value);
      if (p) return { field: field || 'body', message: p };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH)
      return { field: shorten(field) || 'body', message: `nested deeper than ${MAX_INPUT_DEPTH} levels` };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], field: fieldOf(field, i), depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const keyField = fieldOf(field, key);
      const bad = badString(key);
      if (bad) return { field: fieldOf(field, JSON.stringify(key)), message: `the key ${bad}` };
      if (PROTOTYPE_KEYS.has(key)) return { field: keyField, message: 'should not exist' };
      stack.push({ value: (value as Record<string, unknown>)[key], field: keyField, depth: depth + 1 });
    }
  }
  return null;
}

const shorten = (field: string) => (field.length > 60 ? `${field.slice(0, 60)}...` : field);

function badString(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone surrogate (not a Unicode character)';
  return null;
}

export function inputProblemError(p: InputProblem): DomainError {
  return new DomainError('VALIDATION_FAILED', `${p.field}: ${p.message}`, { errors: [p] });
}

const CHECKED_AFTER_ACCESS = 'makebuy:input-checked-after-access';

/**
 * For a handler whose 404 and 403 are decided on the row the case engine locks (not by a guard):
 * the input guard records the problem instead of answering it, and the handler raises it with
 * `refuseBadInput` after its own 404/403, so the contract's order holds. Nothing reads the input
 * meanwhile (the idempotency interceptor passes such a request through without hashing it).
 */
export const InputCheckedAfterAccess = () => SetMetadata(CHECKED_AFTER_ACCESS, true);

export type InputCheckedRequest = Request & { inputProblem?: InputProblem };

/** 400 for the problem the input guard found (InputCheckedAfterAccess). */
export function refuseBadInput(req: InputCheckedRequest): void {
  if (req.inputProblem) throw inputProblemError(req.inputProblem);
}

/**
 * The one input guard, first of the global interceptors: after authentication and access guards
 * (so 401, 404 and 403 still come first, as the contract orders them) and before anything else
 * reads the body or query (idempotency hashing, validation pipes, handlers).
 */
@Injectable()
export class InputGuardInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<InputCheckedRequest>();
    const problem = findInputProblem(req.params) ?? findInputProblem(req.query) ?? findInputProblem(req.body);
    if (problem) {
      if (!this.reflector.get<boolean>(CHECKED_AFTER_ACCESS, ctx.getHandler()))
        return throwError(() => inputProblemError(problem));
      req.inputProblem = problem;
    }
    return next.handle();
  }
}
