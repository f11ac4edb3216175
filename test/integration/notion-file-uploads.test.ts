import { createHash } from 'node:crypto';
import { APIResponseError, Client } from '@notionhq/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FREE_MAX_FILE_BYTES } from '../../src/emulators/notion/file-upload-store.ts';
import { TOKEN, startNotion, type NotionKit } from './notion-test-kit.ts';

const MiB = 1024 * 1024;

let kit: NotionKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

function clientFor(k: NotionKit): Client {
  return new Client({ auth: TOKEN, baseUrl: k.server.url, retry: false, logger: () => {} });
}

async function newPage(client: Client, k: NotionKit): Promise<string> {
  const page = await client.pages.create({ parent: { data_source_id: k.dataSourceId }, properties: { Name: { title: [{ text: { content: 'Call' } }] } } });
  return page.id;
}

/** The error the SDK throws, with Notion's code, or a failure when the call succeeded. */
async function refusal(call: Promise<unknown>): Promise<APIResponseError> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  expect(APIResponseError.isAPIResponseError(error), `expected an API error, got ${String(error)}`).toBe(true);
  return error as APIResponseError;
}

const wav = (bytes: number): Blob => new Blob([Buffer.alloc(bytes, 7)], { type: 'audio/wav' });
const audioBlock = (id: string) => ({ type: 'audio' as const, audio: { type: 'file_upload' as const, file_upload: { id } } });

describe('Notion emulator: the File Upload API through @notionhq/client', () => {
  it('single part: pending → uploaded, a second send refused, attached as an audio block that reads back as a hosted file', async () => {
    kit = await startNotion();
    const client = clientFor(kit);
    const created = await client.fileUploads.create({ mode: 'single_part', filename: 'call.wav', content_type: 'audio/wav' });
    expect(created).toMatchObject({ object: 'file_upload', status: 'pending', filename: 'call.wav', content_type: 'audio/wav', content_length: null });
    expect(created.upload_url).toBe(`${kit.server.url}/v1/file_uploads/${created.id}/send`);
    const expiresIn = Date.parse(created.expiry_time ?? '') - Date.now();
    expect(expiresIn).toBeGreaterThan(59 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(60 * 60_000);

    const pageId = await newPage(client, kit);
    const early = await refusal(client.blocks.children.append({ block_id: pageId, children: [audioBlock(created.id)] }));
    expect(early).toMatchObject({ status: 400, code: 'validation_error' });
    expect(early.message).toContain('`pending`');

    const contents = Buffer.alloc(4_000, 3);
    const sent = await client.fileUploads.send({ file_upload_id: created.id, file: { filename: 'call.wav', data: new Blob([contents], { type: 'audio/wav' }) } });
    expect(sent).toMatchObject({ status: 'uploaded', content_length: 4_000 });
    const again = await refusal(client.fileUploads.send({ file_upload_id: created.id, file: { filename: 'call.wav', data: wav(10) } }));
    expect(again).toMatchObject({ status: 400, code: 'validation_error' });

    const appended = await client.blocks.children.append({ block_id: pageId, children: [audioBlock(created.id)] });
    const block = appended.results[0] as { type: string; audio: { type: string; file: { url: string; expiry_time: string } } };
    expect(block.type).toBe('audio');
    expect(block.audio.type).toBe('file');
    expect(block.audio.file.url).toContain('call.wav');
    expect((await client.fileUploads.retrieve({ file_upload_id: created.id })).expiry_time).toBeNull();
    const snapshot = kit.emulator.pages()[0]!.blocks[0]!;
    expect(snapshot).toMatchObject({ type: 'audio', upload: { id: created.id, bytes: 4_000, sha256: createHash('sha256').update(contents).digest('hex') } });
  });

  it('refuses FLAC and mismatched types, and a send over 20 MiB', async () => {
    kit = await startNotion();
    const client = clientFor(kit);
    expect(await refusal(client.fileUploads.create({ filename: 'call.flac' }))).toMatchObject({ code: 'validation_error' });
    expect(await refusal(client.fileUploads.create({ content_type: 'audio/flac' }))).toMatchObject({ code: 'validation_error' });
    expect(await refusal(client.fileUploads.create({ filename: 'call.wav', content_type: 'image/png' }))).toMatchObject({ code: 'validation_error' });
    const png = await client.fileUploads.create({ filename: 'a.png', content_type: 'image/png' });
    await client.fileUploads.send({ file_upload_id: png.id, file: { filename: 'a.png', data: new Blob([Buffer.alloc(10)], { type: 'image/png' }) } });
    const pageId = await newPage(client, kit);
    expect(await refusal(client.blocks.children.append({ block_id: pageId, children: [audioBlock(png.id)] }))).toMatchObject({ code: 'validation_error' });

    const big = await client.fileUploads.create({ filename: 'big.wav' });
    const tooBig = await refusal(client.fileUploads.send({ file_upload_id: big.id, file: { filename: 'big.wav', data: wav(20 * MiB + 1) } }));
    expect(tooBig).toMatchObject({ status: 400, code: 'validation_error' });
    expect((await client.fileUploads.retrieve({ file_upload_id: big.id })).status).toBe('pending');
  });

  it('a free workspace: 5 MiB per file, reported by users.me', async () => {
    kit = await startNotion({ maxFileUploadBytes: FREE_MAX_FILE_BYTES });
    const client = clientFor(kit);
    const me = await client.users.me({});
    expect(me.type === 'bot' && 'workspace_limits' in me.bot ? me.bot.workspace_limits.max_file_upload_size_in_bytes : 0).toBe(5 * MiB);
    const upload = await client.fileUploads.create({ filename: 'call.wav' });
    expect(await refusal(client.fileUploads.send({ file_upload_id: upload.id, file: { filename: 'call.wav', data: wav(5 * MiB + 1) } }))).toMatchObject({ code: 'validation_error' });
    await client.fileUploads.send({ file_upload_id: upload.id, file: { filename: 'call.wav', data: wav(5 * MiB) } });
  });

  it('multi part: part numbers and sizes checked, complete only when every part is in', async () => {
    kit = await startNotion();
    const client = clientFor(kit);
    expect(await refusal(client.fileUploads.create({ mode: 'multi_part', filename: 'long.wav' }))).toMatchObject({ code: 'validation_error' });
    const upload = await client.fileUploads.create({ mode: 'multi_part', filename: 'long.wav', content_type: 'audio/wav', number_of_parts: 3 });
    expect(upload).toMatchObject({ status: 'pending', number_of_parts: { total: 3, sent: 0 } });
    expect(upload.complete_url).toBe(`${kit.server.url}/v1/file_uploads/${upload.id}/complete`);
    const send = (part: number, bytes: number) =>
      client.fileUploads.send({ file_upload_id: upload.id, file: { filename: 'long.wav', data: wav(bytes) }, part_number: String(part) });

    expect(await refusal(client.fileUploads.send({ file_upload_id: upload.id, file: { filename: 'long.wav', data: wav(6 * MiB) } }))).toMatchObject({ code: 'validation_error' });
    expect(await refusal(send(1, 4 * MiB))).toMatchObject({ code: 'validation_error' });
    expect(await refusal(send(4, 6 * MiB))).toMatchObject({ code: 'validation_error' });
    expect(await send(1, 6 * MiB)).toMatchObject({ status: 'pending', number_of_parts: { total: 3, sent: 1 } });
    await send(3, 1_000);
    expect(await refusal(client.fileUploads.complete({ file_upload_id: upload.id }))).toMatchObject({ code: 'validation_error' });
    await send(2, 5 * MiB);
    const done = await client.fileUploads.complete({ file_upload_id: upload.id });
    expect(done).toMatchObject({ status: 'uploaded', content_length: 11 * MiB + 1_000, number_of_parts: { total: 3, sent: 3 } });

    const single = await client.fileUploads.create({ filename: 'x.wav' });
    expect(await refusal(client.fileUploads.complete({ file_upload_id: single.id }))).toMatchObject({ code: 'validation_error' });
  });

  it('an upload left unattached expires: no more sends, no attaching', async () => {
    kit = await startNotion({ fileUploadTtlMs: 200 });
    const client = clientFor(kit);
    const upload = await client.fileUploads.create({ filename: 'call.wav' });
    await client.fileUploads.send({ file_upload_id: upload.id, file: { filename: 'call.wav', data: wav(100) } });
    await vi.waitFor(async () => expect((await client.fileUploads.retrieve({ file_upload_id: upload.id })).status).toBe('expired'), {
      timeout: 5000,
      interval: 50,
    });
    const pageId = await newPage(client, kit);
    expect(await refusal(client.blocks.children.append({ block_id: pageId, children: [audioBlock(upload.id)] }))).toMatchObject({ code: 'validation_error' });
    const listed = await client.fileUploads.list({ status: 'expired' });
    expect(listed.results.map((u) => u.id)).toEqual([upload.id]);
  });
});
