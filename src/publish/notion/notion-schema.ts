import type { UpdateDataSourceParameters } from '@notionhq/client';
import { extractDatabaseId } from '@notionhq/client';
import { messageOf } from '../../errors.ts';
import { NotionApi } from './notion-api.ts';
import { RateLimiter } from './rate-limiter.ts';

type PropertyDefinitions = NonNullable<UpdateDataSourceParameters['properties']>;

/** The database columns of design §4 (binding), in data-source update form. */
export const NOTION_PROPERTIES = {
  Name: { title: {} },
  'Recording ID': { rich_text: {} },
  File: { rich_text: {} },
  Source: { select: { options: [{ name: 'sftp', color: 'blue' }, { name: 'inbox', color: 'green' }] } },
  'Call Time': { date: {} },
  'Duration (s)': { number: { format: 'number' } },
  Agent: { rich_text: {} },
  Caller: { phone_number: {} },
  Campaign: { select: { options: [] } },
  'Interaction ID': { rich_text: {} },
  Leg: { select: { options: [{ name: 'agent', color: 'purple' }, { name: 'ivr', color: 'gray' }] } },
  Language: { select: { options: [] } },
  Model: { select: { options: [] } },
  // talk metrics (design §6), measured from the audio for every call
  'Agent Talk (s)': { number: { format: 'number' } },
  'Caller Talk (s)': { number: { format: 'number' } },
  'Silence (s)': { number: { format: 'number' } },
  'Cross-talk (s)': { number: { format: 'number' } },
  'Longest Monologue (s)': { number: { format: 'number' } },
  Holds: { number: { format: 'number' } },
  Interruptions: { number: { format: 'number' } },
  // chat-model insights (INSIGHTS_MODEL)
  Summary: { rich_text: {} },
  Reason: { select: { options: [] } },
  Outcome: {
    select: {
      options: [
        { name: 'resolved', color: 'green' },
        { name: 'follow-up', color: 'yellow' },
        { name: 'escalated', color: 'orange' },
        { name: 'unresolved', color: 'red' },
      ],
    },
  },
  Sentiment: { select: { options: [] } },
  'Action items': { rich_text: {} },
  Compliance: { rich_text: {} },
} satisfies PropertyDefinitions;

/**
 * Columns added after the first release: a page carries them only where the database has them,
 * so a database not yet updated by `recpipe doctor --fix` still receives every transcript.
 */
export const LATER_PROPERTIES: ReadonlySet<string> = new Set([
  'Agent Talk (s)',
  'Caller Talk (s)',
  'Silence (s)',
  'Cross-talk (s)',
  'Longest Monologue (s)',
  'Holds',
  'Interruptions',
  'Summary',
  'Reason',
  'Outcome',
  'Sentiment',
  'Action items',
  'Compliance',
]);

export type NotionPropertyName = keyof typeof NOTION_PROPERTIES;

export interface NotionDatabaseTarget {
  token: string;
  databaseId: string;
  /** Origin without `/v1`; default the SDK's. */
  baseUrl?: string;
  timeoutMs?: number;
}

export interface NotionSchemaReport {
  ok: boolean;
  /** One line per finding, for `recpipe doctor`. */
  lines: string[];
}

function expectedType(name: NotionPropertyName): string {
  return Object.keys(NOTION_PROPERTIES[name])[0] ?? 'unknown';
}

/**
 * Retrieves the database and its data source and compares the columns with design §4.
 * With `fix`, adds the missing columns in one data-source update (and renames a title column
 * that is not called `Name`); mistyped columns are only reported, since changing a column's
 * type can destroy what people already entered.
 */
export async function checkNotionDatabase(target: NotionDatabaseTarget, options: { fix: boolean }): Promise<NotionSchemaReport> {
  const api = new NotionApi({ token: target.token, baseUrl: target.baseUrl, timeoutMs: target.timeoutMs, limiter: new RateLimiter(3) });
  const databaseId = extractDatabaseId(target.databaseId) ?? target.databaseId;
  const lines: string[] = [];
  try {
    const database = await api.call('databases.retrieve', (c) => c.databases.retrieve({ database_id: databaseId }));
    const source = 'data_sources' in database ? database.data_sources[0] : undefined;
    if (source === undefined) return { ok: false, lines: [`notion: database ${databaseId} has no data source`] };
    let properties = await readColumns(api, source.id);
    let problems = compare(properties);
    if (options.fix && problems.missing.length > 0) {
      const update: PropertyDefinitions = {};
      for (const name of problems.missing) {
        if (name === 'Name' && problems.titleName !== undefined) update[problems.titleName] = { name: 'Name' };
        else update[name] = NOTION_PROPERTIES[name];
      }
      await api.call('dataSources.update', (c) => c.dataSources.update({ data_source_id: source.id, properties: update }));
      lines.push(`notion: added ${problems.missing.map((n) => `"${n}"`).join(', ')} to data source "${source.name}"`);
      properties = await readColumns(api, source.id);
      problems = compare(properties);
    }
    for (const name of problems.missing) lines.push(`notion: missing property "${name}" (${expectedType(name)})${options.fix ? '' : ' — run `recpipe doctor --fix` to add it'}`);
    for (const { name, actual } of problems.mistyped) lines.push(`notion: property "${name}" is ${actual}, expected ${expectedType(name)} — change or rename it in Notion`);
    const ok = problems.missing.length === 0 && problems.mistyped.length === 0;
    if (ok) lines.push(`notion: database "${source.name}" ok (data source ${source.id}, ${Object.keys(NOTION_PROPERTIES).length} properties as expected)`);
    return { ok, lines };
  } catch (error) {
    return { ok: false, lines: [...lines, `notion: cannot check database ${databaseId}: ${messageOf(error)}`] };
  }
}

async function readColumns(api: NotionApi, dataSourceId: string): Promise<Map<string, string>> {
  const dataSource = await api.call('dataSources.retrieve', (c) => c.dataSources.retrieve({ data_source_id: dataSourceId }));
  const properties = 'properties' in dataSource ? dataSource.properties : {};
  return new Map(Object.values(properties).map((p) => [p.name, p.type]));
}

function compare(columns: Map<string, string>): {
  missing: NotionPropertyName[];
  mistyped: Array<{ name: NotionPropertyName; actual: string }>;
  titleName?: string;
} {
  const missing: NotionPropertyName[] = [];
  const mistyped: Array<{ name: NotionPropertyName; actual: string }> = [];
  for (const name of Object.keys(NOTION_PROPERTIES) as NotionPropertyName[]) {
    const actual = columns.get(name);
    if (actual === undefined) missing.push(name);
    else if (actual !== expectedType(name)) mistyped.push({ name, actual });
  }
  const titleName = [...columns].find(([, type]) => type === 'title')?.[0];
  return { missing, mistyped, titleName: titleName === 'Name' ? undefined : titleName };
}
