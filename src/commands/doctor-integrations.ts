import type { Config } from '../config.ts';

type Check = (part: string, work: () => Promise<string>) => Promise<void>;

/** Doctor lines for the optional integrations that are configured (SFTP, Notion, Slack). */
export async function checkIntegrations(config: Config, _options: { fix: boolean }, check: Check): Promise<void> {
  if (!config.sftp) await check('sftp', async () => 'not configured (SFTP_HOST unset)');
  if (!config.notion) await check('notion', async () => 'not configured (NOTION_TOKEN unset)');
  if (!config.slack) await check('slack', async () => 'not configured (SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL unset)');
}
