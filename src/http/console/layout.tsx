/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';

// no quotes, ampersands or angle brackets: JSX escapes the text of a style element like any text
const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { background: #1d2330; padding: 10px 24px; }
header a { color: #fff; font-weight: 600; text-decoration: none; margin-right: 16px; }
main { padding: 16px 24px; max-width: 1400px; }
h1 { font-size: 20px; margin: 8px 0 12px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
th { background: #eef0f4; font-weight: 600; }
form.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-bottom: 12px; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: #555; }
input, select, button { font: inherit; padding: 4px 6px; }
button { cursor: pointer; }
form.inline { display: inline; }
.state { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #e3e6eb; }
.state-done { background: #d5f0dc; } .state-failed { background: #f8d4d4; } .state-pending, .state-processing { background: #fdf0c4; }
.reason { color: #9b1c1c; max-width: 420px; overflow-wrap: anywhere; }
td.reason:not(:empty) { min-width: 240px; }
.scroll { overflow-x: auto; }
td.nowrap { white-space: nowrap; }
.attention { color: #8a5a00; }
.notice { background: #e4efff; border: 1px solid #b7cff5; padding: 8px 12px; }
.pager { margin: 12px 0; display: flex; gap: 12px; align-items: center; }
.muted { color: #777; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: #fff; padding: 12px; }
dl.meta dt { font-weight: 600; }
td.time { white-space: nowrap; color: #555; font-variant-numeric: tabular-nums; }
td.speaker { white-space: nowrap; font-weight: 600; }
.speaker-agent { color: #1f4fa8; } .speaker-caller { color: #2d7a3a; }
.actions { margin: 12px 0; }
`;

/** The page frame of every console page: title, navigation, the flash notice. */
export function Layout(props: { title: string; notice?: string; children?: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="no-referrer" />
          <title>{props.title} · recpipe</title>
          <style>{CSS}</style>
        </head>
        <body>
          <header>
            <a href="/">Recordings</a>
          </header>
          <main>
            {props.notice ? (
              <p class="notice" role="status">
                {props.notice}
              </p>
            ) : null}
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

/** The hidden CSRF field every POST form of the console carries. */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="csrf" value={props.token} />;
}

/** A recording state as a coloured badge. */
export function StateBadge(props: { state: string }) {
  return <span class={`state state-${props.state}`}>{props.state}</span>;
}
