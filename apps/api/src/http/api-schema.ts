import { Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptions, getSchemaPath } from '@nestjs/swagger';

/*
 * Property decorators for shapes @nestjs/swagger gets wrong on its own, so DTOs tell the truth:
 *
 * - A nullable nested object. `{ type: Model, nullable: true }` gives `nullable` beside
 *   `allOf: [$ref]`, which in OpenAPI 3.0 still rejects `null` (the referenced schema is an
 *   object). `oneOf` with a schema that admits only null validates both the object and the real
 *   `null` the API sends.
 * - A UUID that may be null: TypeScript's `string | null` reflects as Object, so without an
 *   explicit type the document said `type: object`.
 */

/** OpenAPI 3.0 spelling of "only null" (`type: 'null'` is 3.1). */
export const NULL_ONLY = { type: 'object', nullable: true, enum: [null] } as const;

type Options = Omit<ApiPropertyOptions, 'type' | 'nullable' | 'oneOf' | 'allOf'>;

/** `Model | null`, documented as `oneOf: [Model, null]`. */
export function ApiNullableRef(model: Type<unknown>, options: Options = {}): PropertyDecorator {
  return (target, key) => {
    // the referenced schema must be in components even when nothing else names the model
    ApiExtraModels(model)(target.constructor);
    ApiProperty({ ...options, oneOf: [{ $ref: getSchemaPath(model) }, NULL_ONLY] } as ApiPropertyOptions)(target, key);
  };
}

/** A UUID string (`nullable: true` for `string | null`). */
export function ApiUuid(options: Omit<ApiPropertyOptions, 'type' | 'format'> = {}): PropertyDecorator {
  return ApiProperty({ ...options, type: String, format: 'uuid' } as ApiPropertyOptions);
}

/**
 * One of `values`, or null. OpenAPI 3.0.3: `nullable` does not widen `enum`, so null must be
 * listed among the values for a validator to accept the null the API sends.
 */
export function ApiNullableEnum(
  values: readonly string[],
  options: Omit<ApiPropertyOptions, 'type' | 'enum' | 'nullable'> = {},
): PropertyDecorator {
  return ApiProperty({ ...options, type: String, enum: [...values, null], nullable: true } as ApiPropertyOptions);
}
