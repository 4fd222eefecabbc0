import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';

// The frame of every /respond page: plain HTML in the GOV.UK manner (one column, large calm
// type, clear focus), one inline stylesheet allowed by its hash in the Content-Security-Policy,
// no scripts, images, fonts or anything fetched from elsewhere.

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:Arial,Helvetica,sans-serif;font-size:100%;line-height:1.5;color:#0b0c0c;background:#fff}
body{margin:0}
.skip{position:absolute;left:-9999px}
.skip:focus{position:static;display:block;padding:.5rem 1rem;background:#fd0;color:#0b0c0c}
.masthead{background:#0b0c0c;color:#fff;padding:.75rem 1rem;border-bottom:.5rem solid #1d70b8}
.masthead p{margin:0 auto;max-width:40rem;font-weight:700;font-size:1.2rem}
main{display:block;margin:0 auto;max-width:40rem;padding:1.5rem 1rem 3rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 1.5rem}
h2{font-size:1.5rem;line-height:1.25;margin:2.5rem 0 1rem}
.caption{color:#505a5f;font-size:1.2rem;margin:0 0 .25rem}
dl{margin:0 0 1.5rem}
dt{font-weight:700}
dd{margin:0 0 1rem}
p,li{max-width:36em}
.detail{white-space:pre-wrap}
ol.updates{padding-left:1.25rem}
ol.updates li{margin-bottom:1rem}
.form-group{margin-bottom:1.5rem}
label,legend{display:block;font-weight:700;margin-bottom:.25rem}
fieldset{border:0;margin:0 0 1.5rem;padding:0}
.hint{color:#505a5f;margin:0 0 .5rem}
textarea{display:block;width:100%;min-height:8rem;font:inherit;padding:.5rem;border:2px solid #0b0c0c}
.radio{display:flex;align-items:center;margin-bottom:.5rem}
.radio input{width:1.5rem;height:1.5rem;margin:0 .5rem 0 0}
.radio label{font-weight:400;margin:0}
button{font:inherit;font-size:1.1rem;color:#fff;background:#00703c;border:0;box-shadow:0 2px 0 #002d18;padding:.5rem 1rem;cursor:pointer}
a{color:#1d70b8}
a:focus,button:focus,textarea:focus,input:focus,[tabindex]:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 4px #0b0c0c}
.error-summary{border:5px solid #d4351c;padding:1rem;margin-bottom:2rem}
.error-summary h2{margin-top:0}
.error-summary a{color:#d4351c;font-weight:700}
.error-message{color:#d4351c;font-weight:700;margin:0 0 .5rem}
.form-group.has-error{border-left:5px solid #d4351c;padding-left:1rem}
.panel{background:#00703c;color:#fff;padding:1.5rem;margin-bottom:2rem;text-align:center}
.panel h1{margin:0}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
`.trim();

/** The page's Content-Security-Policy: its one stylesheet, forms posted back here, nothing else. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A whole page; `main` is HTML already escaped. */
export function layout(title: string, main: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} – Scrutiny Tracker</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header class="masthead"><p>Scrutiny Tracker</p></header>
<main id="main" tabindex="-1">
${main}
</main>
</body>
</html>
`;
}

/** "Monday 15 July 2024". */
export function dateInWords(date: string): string {
  return DateTime.fromISO(date, { zone: 'UTC', locale: 'en-GB' }).toFormat('cccc d LLLL yyyy');
}

/** "Monday 15 July 2024 at 6:30pm", in the committee's time zone. */
export function instantInWords(instant: string, timeZone: string): string {
  const local = DateTime.fromISO(instant, { zone: timeZone, locale: 'en-GB' });
  return `${local.toFormat('cccc d LLLL yyyy')} at ${local.toFormat('h:mma').toLowerCase()}`;
}

/** "15 July 2024", in the committee's time zone. */
export function dayOf(instant: string, timeZone: string): string {
  return DateTime.fromISO(instant, { zone: timeZone, locale: 'en-GB' }).toFormat('d LLLL yyyy');
}
