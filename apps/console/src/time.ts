// Every instant is shown in Europe/London, as the users read them.
const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  dateStyle: 'medium',
  timeStyle: 'short',
});

export function london(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : LONDON.format(d);
}

/** "in 3 days", "2 hours ago": a countdown to a due date. */
export function countdown(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'no due date';
  const ms = new Date(iso).getTime() - now;
  const rtf = new Intl.RelativeTimeFormat('en-GB', { numeric: 'auto' });
  const abs = Math.abs(ms);
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    abs >= 86_400_000
      ? [ms / 86_400_000, 'day']
      : abs >= 3_600_000
        ? [ms / 3_600_000, 'hour']
        : [ms / 60_000, 'minute'];
  return rtf.format(Math.round(value), unit);
}

export function pounds(m: { amount: number; currency: string } | number | null | undefined): string {
  if (m === null || m === undefined) return '—';
  const amount = typeof m === 'number' ? m : m.amount;
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(amount);
}

export const words = (s: string) => s.replace(/_/g, ' ');
