// Formatting of what the API answers. Figures are never computed here: a
// rate of 0.3736 is shown as 37.4%, nothing more.
import { locale } from './i18n.js';

let timeZone; // the campaign's, once the rules are loaded

export function setTimeZone(zone) {
  timeZone = zone || undefined;
}

export function percent(rate) {
  if (rate === null || rate === undefined) return '—';
  return `${(rate * 100).toFixed(1)}%`;
}

export function number(n) {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString(locale());
}

// A signed change: +3, −2, 0.
export function signed(n, digits = 0) {
  const text = Math.abs(n).toFixed(digits);
  if (n > 0) return `+${text}`;
  if (n < 0) return `−${text}`;
  return text;
}

// An RFC 3339 instant in the campaign's time zone: 2026-11-27 10:30.
export function dateTime(instant) {
  if (!instant) return '—';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const part = (type) => parts.find((p) => p.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
