import { escapeMarkdown } from '../publish/escape-markdown.ts';
import { clock } from '../publish/transcript-markdown.ts';
import type { TranscriptDocument } from '../recording.ts';
import type { TalkMetrics } from './talk-metrics.ts';

/** One header line of the talk metrics: who talked how long, silence, cross-talk, holds. */
export function talkSummary(talk: TalkMetrics): string {
  const s = (seconds: number) => `${seconds.toFixed(1)} s`;
  const parts =
    talk.kind === 'stereo'
      ? [
          `agent ${s(talk.agentSeconds ?? 0)}`,
          `caller ${s(talk.callerSeconds ?? 0)}`,
          `silence ${s(talk.silenceSeconds)}`,
          `cross-talk ${s(talk.overlapSeconds ?? 0)}`,
          `longest agent monologue ${s(talk.longestAgentMonologueSeconds ?? 0)}`,
          `interruptions ${talk.agentInterruptions ?? 0} by the agent, ${talk.callerInterruptions ?? 0} by the caller`,
        ]
      : [`speech ${s(talk.speechSeconds)}`, `silence ${s(talk.silenceSeconds)}`];
  if (talk.holds.length > 0) parts.push(`holds ${talk.holds.map((h) => `${clock(h.start)}–${clock(h.end)}`).join(', ')}`);
  return parts.join(' · ');
}

/** The `## Insights` section of the Markdown transcript (empty when insights are off). */
export function insightsMarkdown(doc: TranscriptDocument): string[] {
  if (doc.insightsError) return ['## Insights', '', `_No insights: ${escapeMarkdown(doc.insightsError)}_`, ''];
  const insights = doc.insights;
  if (!insights) return [];
  const lines = ['## Insights', '', escapeMarkdown(insights.summary), ''];
  lines.push(`- **Reason:** ${escapeMarkdown(insights.reason)}`);
  lines.push(`- **Outcome:** ${insights.outcome}`);
  lines.push(`- **Caller sentiment:** ${insights.sentiment.start} → ${insights.sentiment.end}`);
  if (insights.actionItems.length > 0) {
    lines.push('- **Action items:**');
    for (const item of insights.actionItems) lines.push(`  - ${escapeMarkdown(item)}`);
  }
  if (insights.compliance.length > 0) {
    lines.push('- **Compliance:**');
    for (const check of insights.compliance) {
      const quote = check.quote ? ` — “${escapeMarkdown(check.quote)}”` : '';
      lines.push(`  - ${check.said ? '✅' : '❌'} ${escapeMarkdown(check.phrase)}${quote}`);
    }
  }
  if (insights.note) lines.push(`- _${escapeMarkdown(insights.note)}_`);
  lines.push('');
  return lines;
}
