import { describe, expect, it } from 'vitest';
import type { TranscriptDocument } from '../../src/recording.ts';
import { codeSpan, escapeMarkdown } from '../../src/publish/escape-markdown.ts';
import { transcriptLine, transcriptMarkdown } from '../../src/publish/transcript-markdown.ts';

const doc = (overrides: Partial<TranscriptDocument> = {}): TranscriptDocument => ({
  id: '0123456789abcdef',
  sha256: '0123456789abcdef'.repeat(4),
  source: 'inbox',
  sourcePath: 'Campaign/11_28_2026/call.wav',
  fileName: 'call.wav',
  receivedAt: '2026-11-28T10:00:00.000Z',
  audio: { durationSeconds: 65, channels: 2, sampleRate: 8000, codec: 'gsm_ms' },
  call: {},
  model: 'whisper-1',
  text: '',
  segments: [],
  redactions: {},
  ...overrides,
});

describe('Markdown transcripts escape what came from outside', () => {
  it('a caller saying "*urgent* [click](http://x)" is text, not emphasis and a link', () => {
    const md = transcriptMarkdown(doc({ segments: [{ start: 5, end: 8, text: '*urgent* [click](http://x) <b>hi</b> `rm` a|b ~~no~~', speaker: 'caller' }] }));
    expect(md).toContain('[00:05] Caller: \\*urgent\\* \\[click\\](http\\://x) &lt;b&gt;hi&lt;/b&gt; \\`rm\\` a\\|b \\~\\~no\\~\\~');
    // the plain-text line (Notion, Slack) keeps the words as spoken
    expect(transcriptLine({ start: 5, end: 8, text: '*urgent*', speaker: 'caller' })).toBe('[00:05] Caller: *urgent*');
  });

  it('file names with #, |, backticks or a newline stay in their heading and code span', () => {
    const name = '# x | `y` \n## z.wav';
    const md = transcriptMarkdown(doc({ fileName: name, sourcePath: `in/\`\`a\`/${name}` }));
    const [heading, blank] = md.split('\n');
    expect(heading).toBe('# \\# x \\| \\`y\\` \\#\\# z.wav');
    expect(blank).toBe('');
    expect(md).toContain('- **Source:** inbox — ```in/``a`/# x | `y`  ## z.wav```');
    // no line of the document starts a second heading
    expect(md.split('\n').filter((l) => l.startsWith('#'))).toEqual([heading, '## Transcript']);
  });

  it('metadata from names (agent, campaign, caller) and the attention note are escaped', () => {
    const md = transcriptMarkdown(
      doc({ call: { agent: 'j_doe*', campaign: '[Sales](javascript:alert(1))', caller: '<img src=x>' }, needsAttention: 'name **odd**\n# not a heading' }),
    );
    expect(md).toContain('- **Agent:** j\\_doe\\*');
    expect(md).toContain('- **Campaign:** \\[Sales\\](javascript:alert(1))');
    expect(md).toContain('- **Caller:** &lt;img src=x&gt;');
    expect(md).toContain('> **Needs attention:** name \\*\\*odd\\*\\* \\# not a heading');
  });

  it('escapeMarkdown leaves ordinary speech readable; codeSpan outlasts any backtick run', () => {
    expect(escapeMarkdown('Thanks - call back at 3.30, ok? 100% sure!')).toBe('Thanks - call back at 3.30, ok? 100% sure!');
    expect(escapeMarkdown('visit www.example.com & https://a.b')).toBe('visit www\\.example.com &amp; https\\://a.b');
    expect(codeSpan('plain')).toBe('`plain`');
    expect(codeSpan('a``b')).toBe('```a``b```');
    expect(codeSpan('`edge`')).toBe('`` `edge` ``');
  });
});
