import type { CallInsights } from './call-insights.ts';

export type InsightAlertOn = 'escalated' | 'unresolved' | 'follow-up' | 'negative';

/** Which SLACK_ALERT_ON entries these insights match: an outcome by name, `negative` by the caller's mood at the end. */
export function insightFlags(insights: CallInsights, alertOn: readonly InsightAlertOn[]): InsightAlertOn[] {
  return alertOn.filter((flag) => (flag === 'negative' ? insights.sentiment.end === 'negative' : insights.outcome === flag));
}
