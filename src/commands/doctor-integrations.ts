import pino from 'pino';
import type { Config } from '../config.ts';
import { Metrics } from '../observability/metrics.ts';
import { SlackNotifier } from '../publish/slack/slack-notifier.ts';
import { checkSftp } from '../sftp/sftp-doctor.ts';
import { checkNotionDatabase } from '../publish/notion/notion-schema.ts';

type Check = (part: string, work: () => Promise<string>) => Promise<void>;

/** Doctor lines for the optional integrations that are configured (SFTP, Notion, Slack). */
export async function checkIntegrations(config: Config, options: { fix: boolean }, check: Check): Promise<void> {
  if (!config.sftp) await check('sftp', async () => 'not configured (SFTP_HOST unset)');
  else {
    const result = await checkSftp(config.sftp);
    // one doctor line per checked thing, with its fix hint on the same line
    const groups: string[][] = [];
    for (const line of result.lines) {
      if (line.startsWith('  ') && groups.length > 0) groups.at(-1)!.push(line.trim());
      else groups.push([line]);
    }
    for (const [head = '', ...fixes] of groups) {
      const text = [head.replace(/^sftp /, ''), ...fixes].join(' — ');
      await check('sftp', async () => {
        if (/FAILED/.test(head)) throw new Error(text);
        return text;
      });
    }
    // first contact (or a changed key): the exact line to paste into .env, on its own
    const pin = /\b(SFTP_HOST_KEY_SHA256=SHA256:[A-Za-z0-9+/]+=?)/.exec(result.lines.join('\n'))?.[1];
    if (pin && !config.sftp.hostKeySha256) console.log(`\nafter confirming this fingerprint with the SFTP server's administrator, pin it in .env:\n${pin}\n`);
  }
  if (!config.notion) await check('notion', async () => 'not configured (NOTION_TOKEN unset)');
  else {
    const notion = config.notion;
    await check('notion', async () => {
      const report = await checkNotionDatabase(notion, { fix: options.fix });
      const detail = report.lines.join('; ');
      if (!report.ok) throw new Error(`${detail}${options.fix ? '' : ' (run `recpipe doctor --fix` to add missing properties)'}`);
      return detail;
    });
  }
  if (!config.slack) await check('slack', async () => 'not configured (SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL unset)');
  else {
    const slack = config.slack;
    await check('slack', async () => {
      const notifier = new SlackNotifier({ ...slack, metrics: new Metrics({ defaultMetrics: false }), logger: pino({ level: 'silent' }) });
      try {
        return await notifier.check();
      } finally {
        await notifier.close(100);
      }
    });
  }
}
