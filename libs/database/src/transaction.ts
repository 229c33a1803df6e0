/** Postgres error codes worth naming. */
export const PG_UNIQUE_VIOLATION = '23505';

export function pgCode(e: unknown): string | undefined {
  return (
    (e as { code?: string; driverError?: { code?: string } })?.code ??
    (e as { driverError?: { code?: string } })?.driverError?.code
  );
}
