import type { CreatePageParameters } from '@notionhq/client';
import type { TranscriptDocument } from '../../recording.ts';
import { splitText } from './split-text.ts';

type PageProperties = NonNullable<CreatePageParameters['properties']>;

/** Notion's limits for select option names (no commas, ≤ 100 chars) and phone numbers (≤ 200). */
const MAX_OPTION_NAME = 100;
const MAX_PHONE = 200;

/**
 * The page properties of design §4, filled from what the document knows; unknown values are
 * left out rather than sent empty. `Recording ID` is always set: it is the idempotency key.
 */
export function pageProperties(doc: TranscriptDocument, timeZone = 'UTC'): PageProperties {
  const call = doc.call;
  const properties: PageProperties = {
    Name: { title: [text(pageName(doc, timeZone))] },
    'Recording ID': { rich_text: [text(doc.id)] },
    File: { rich_text: [text(doc.fileName)] },
    Source: select(doc.source),
  };
  if (call.callTime !== undefined && !Number.isNaN(Date.parse(call.callTime))) {
    properties['Call Time'] = { date: { start: new Date(call.callTime).toISOString() } };
  }
  if (Number.isFinite(doc.audio.durationSeconds)) {
    properties['Duration (s)'] = { number: Math.round(doc.audio.durationSeconds * 10) / 10 };
  }
  if (call.agent) properties.Agent = { rich_text: [text(call.agent)] };
  if (call.caller) properties.Caller = { phone_number: call.caller.slice(0, MAX_PHONE) };
  if (call.campaign) properties.Campaign = select(call.campaign);
  if (call.interactionId) properties['Interaction ID'] = { rich_text: [text(call.interactionId)] };
  if (call.leg) properties.Leg = select(call.leg);
  if (doc.language) properties.Language = select(doc.language);
  if (doc.model) properties.Model = select(doc.model);
  Object.assign(properties, insightProperties(doc));
  return properties;
}

/** The talk metrics and insights columns (design §6); absent values are left out. */
function insightProperties(doc: TranscriptDocument): PageProperties {
  const properties: PageProperties = {};
  const talk = doc.talk;
  const number = (value: number | undefined) => (value === undefined ? undefined : { number: value });
  const set = (name: string, value: PageProperties[string] | undefined) => {
    if (value !== undefined) properties[name] = value;
  };
  if (talk) {
    set('Agent Talk (s)', number(talk.agentSeconds));
    set('Caller Talk (s)', number(talk.callerSeconds));
    set('Silence (s)', number(talk.silenceSeconds));
    set('Cross-talk (s)', number(talk.overlapSeconds));
    set('Longest Monologue (s)', number(talk.longestAgentMonologueSeconds));
    set('Holds', number(talk.holds.length));
    if (talk.agentInterruptions !== undefined) set('Interruptions', number(talk.agentInterruptions + (talk.callerInterruptions ?? 0)));
  }
  const insights = doc.insights;
  if (insights) {
    set('Summary', { rich_text: [text(insights.summary)] });
    set('Reason', select(insights.reason));
    set('Outcome', select(insights.outcome));
    set('Sentiment', select(`${insights.sentiment.start} → ${insights.sentiment.end}`));
    if (insights.actionItems.length > 0) set('Action items', { rich_text: [text(insights.actionItems.map((a) => `• ${a}`).join('\n'))] });
    if (insights.compliance.length > 0) {
      set('Compliance', { rich_text: [text(insights.compliance.map((c) => `${c.said ? '✅' : '❌'} ${c.phrase}`).join('\n'))] });
    }
  } else if (doc.insightsError) {
    set('Summary', { rich_text: [text(`No insights: ${doc.insightsError}`)] });
  }
  return properties;
}

/** `caller · agent · local time` when the call is known, else the file name. */
export function pageName(doc: TranscriptDocument, timeZone = 'UTC'): string {
  const { caller, agent, callTime } = doc.call;
  if (!caller && !agent) return doc.fileName;
  const when = callTime === undefined ? undefined : localTime(callTime, timeZone);
  return [caller, agent, when].filter((part): part is string => Boolean(part)).join(' · ');
}

/** `2026-08-21 09:14` in `timeZone`; undefined for an unparseable time. */
export function localTime(iso: string, timeZone: string): string | undefined {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return undefined;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

function text(content: string): { type: 'text'; text: { content: string } } {
  // one item is enough for these short values; cut at a safe boundary if one is ever too long
  return { type: 'text', text: { content: splitText(content)[0] ?? '' } };
}

/** Notion rejects commas in option names and creates unknown options on the fly. */
function select(name: string): { select: { name: string } } {
  return { select: { name: name.replace(/,/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_OPTION_NAME) || '-' } };
}
