/**
 * Text from callers, agents, file names and the speech model put into Markdown as text: nothing
 * in it can become emphasis, a link, an image, HTML, a table cell or a new block. A caller who
 * says "*urgent* [click](http://x)" is transcribed, not rendered.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      // one value stays on its line: a newline could start a heading, a list or a code fence
      .replace(/\s*[\r\n]+\s*/g, ' ')
      // only what can act inline (values never start a line, so `-`, `+`, `1.` stay readable)
      .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
      .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
      // GitHub-flavoured Markdown links bare URLs by itself
      .replace(/:\/\//g, '\\://')
      .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`)
  );
}

/** `text` as an inline code span, whatever backticks it holds (the fence is longer than any run in it). */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
