import type { RecordingFilter } from '../../ledger/recording-index.ts';
import type { RecordingState } from '../../recording.ts';

export const STATES: RecordingState[] = ['pending', 'processing', 'done', 'failed', 'duplicate', 'skipped'];
/** Recordings per page of the list. */
export const PAGE_SIZE = 50;
const MAX_TEXT = 200;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The list page's query string, checked: unknown states, malformed days and overlong text are dropped. */
export interface ConsoleQuery {
  filter: RecordingFilter;
  page: number;
}

export function parseConsoleQuery(query: Record<string, string | undefined>): ConsoleQuery {
  const text = (name: string) => {
    const value = query[name]?.trim();
    return value ? value.slice(0, MAX_TEXT) : undefined;
  };
  const day = (name: string) => {
    const value = query[name]?.trim();
    return value && DAY.test(value) && Number.isFinite(Date.parse(`${value}T00:00:00Z`)) ? value : undefined;
  };
  const state = STATES.find((s) => s === query.state);
  const page = Number.parseInt(query.page ?? '', 10);
  const filter: RecordingFilter = {};
  if (state) filter.state = state;
  const fromDay = day('from');
  const toDay = day('to');
  const agent = text('agent');
  const campaign = text('campaign');
  const search = text('q');
  if (fromDay) filter.fromDay = fromDay;
  if (toDay) filter.toDay = toDay;
  if (agent) filter.agent = agent;
  if (campaign) filter.campaign = campaign;
  if (search) filter.text = search;
  return { filter, page: Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1 };
}

/** The query string that shows `filter` at `page` (for pagination links and redirects). */
export function consoleQueryString(filter: RecordingFilter, page = 1): string {
  const params = new URLSearchParams();
  if (filter.state) params.set('state', filter.state);
  if (filter.fromDay) params.set('from', filter.fromDay);
  if (filter.toDay) params.set('to', filter.toDay);
  if (filter.agent) params.set('agent', filter.agent);
  if (filter.campaign) params.set('campaign', filter.campaign);
  if (filter.text) params.set('q', filter.text);
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}
