import { ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { buildMessage, validate, ValidateBy, ValidationOptions } from 'class-validator';
import { DomainError } from '@makebuy/domain';

export function flattenValidationErrors(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const m of Object.values(e.constraints ?? {})) out.push({ field, message: m.replace(/^property /, '') });
    out.push(...flattenValidationErrors(e.children ?? [], field));
  }
  return out;
}

export function validationFailed(errors: ValidationError[]): DomainError {
  const list = flattenValidationErrors(errors);
  return new DomainError(
    'VALIDATION_FAILED',
    list.map((e) => `${e.field}: ${e.message}`).join('; ') || 'invalid request',
    { errors: list },
  );
}

/** whitelist, reject unknown fields, transform; failures become VALIDATION_FAILED problem details */
export const globalValidationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: validationFailed,
  });

/** Validates a plain body against a DTO class after guards have run (used where the class depends on the body). */
export async function validateBody<T extends object>(cls: new () => T, body: unknown): Promise<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DomainError('VALIDATION_FAILED', 'the body must be a JSON object');
  }
  const inst = plainToInstance(cls, body);
  const errors = await validate(inst, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length) throw validationFailed(errors);
  return inst;
}

/**
 * A number with at most two decimal places (pence). class-validator's `maxDecimalPlaces` throws on
 * numbers JavaScript writes in exponent form (`6e-323`), turning bad input into a 500.
 */
export const HasAtMostTwoDecimals = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'hasAtMostTwoDecimals',
      validator: {
        validate: (v: unknown) => typeof v === 'number' && Number.isFinite(v) && Math.round(v * 100) / 100 === v,
        defaultMessage: buildMessage((each) => `${each}$property must have at most two decimal places`, options),
      },
    },
    options,
  );
