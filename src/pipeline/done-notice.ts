import type { Config } from '../config.ts';
import { buildCallEnricher } from '../five9/call-enricher.ts';
import type { DoneNotice } from '../publish/notifier.ts';
import type { Outcome } from './outcome.ts';

/** Builds the `SLACK_NOTIFY=all` notice of a finished call from its Five9 name (agent, campaign). */
export function createDoneNotice(five9: Config['five9']): (outcome: Extract<Outcome, { kind: 'done' }>) => DoneNotice {
  const enrich = buildCallEnricher(five9);
  return (outcome) => {
    const { call } = enrich(outcome.file);
    return { id: outcome.id, audioSeconds: outcome.audioSeconds, agent: call.agent, campaign: call.campaign };
  };
}
