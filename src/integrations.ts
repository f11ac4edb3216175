import type { Config } from './config.ts';

/**
 * The optional integrations' modules, each loaded only when the configuration uses it: each
 * brings an SDK (ssh2 for SFTP, Notion's, Slack's) that stays resident in every process that
 * loads it, 5 to 20 MB apiece (issue 9: a service without them now starts ~25 MB smaller).
 */
export interface Integrations {
  sftp?: {
    SftpPoller: typeof import('./sftp/sftp-poller.ts').SftpPoller;
    SftpHandler: typeof import('./sftp/sftp-handler.ts').SftpHandler;
  };
  notion?: { NotionPublisher: typeof import('./publish/notion/notion-publisher.ts').NotionPublisher };
  slack?: { SlackNotifier: typeof import('./publish/slack/slack-notifier.ts').SlackNotifier };
}

export async function loadIntegrations(config: Pick<Config, 'sftp' | 'notion' | 'slack'>): Promise<Integrations> {
  const [poller, handler, notion, slack] = await Promise.all([
    config.sftp ? import('./sftp/sftp-poller.ts') : undefined,
    config.sftp ? import('./sftp/sftp-handler.ts') : undefined,
    config.notion ? import('./publish/notion/notion-publisher.ts') : undefined,
    config.slack ? import('./publish/slack/slack-notifier.ts') : undefined,
  ]);
  return {
    ...(poller && handler ? { sftp: { SftpPoller: poller.SftpPoller, SftpHandler: handler.SftpHandler } } : {}),
    ...(notion ? { notion: { NotionPublisher: notion.NotionPublisher } } : {}),
    ...(slack ? { slack: { SlackNotifier: slack.SlackNotifier } } : {}),
  };
}
