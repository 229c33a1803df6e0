import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '@makebuy/domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

/** A path id that is not a UUID names nothing: 404, like any unknown id. */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  constructor(private readonly what = 'object') {}
  transform(value: string): string {
    if (!isUuid(value)) throw new DomainError('NOT_FOUND', `no ${this.what} with id ${JSON.stringify(value)}`);
    return value.toLowerCase();
  }
}
