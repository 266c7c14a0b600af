/**
 * Server-rendered pages for browser flows. Plain HTML with a small inline stylesheet: no
 * third-party assets, nothing that needs JavaScript except auto-submitting forms.
 *
 * The only inline stylesheet and script are the constants below; the Content-Security-Policy
 * (http/security-headers.ts) allows exactly them, by hash. Every URL put into an `action` or
 * `href` must be an http(s) URL or a local path — checked here as the last line of defence.
 */
import { requireNavigableUrl } from '../domain/urls.js';
import { html, raw, type Raw } from './html.js';

/** A one-off notice shown above a page's content (kept in the browser session until shown). */
export interface Flash {
  level: 'success' | 'error' | 'info' | 'warning';
  message: string;
}

/** The one inline stylesheet of every page. */
export const PAGE_STYLE = `body{font-family:system-ui,sans-serif;background:#1c1e21;color:#222;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:6px;padding:2rem 2.5rem;width:min(420px,90vw);box-shadow:0 2px 12px #0006}
h1{font-size:1.4rem;margin:0 0 1rem}p{line-height:1.45}.flash{padding:.6rem .8rem;border-radius:4px;margin:.5rem 0}
.flash.error{background:#fdecea;color:#8a1c13}.flash.success{background:#e7f6ea;color:#1d5e2b}.flash.info,.flash.warning{background:#eef3fb;color:#1e3a6b}
label{display:block;margin:.8rem 0 .3rem;font-weight:600}input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #aaa;border-radius:4px}
button,.button{display:inline-block;margin-top:1rem;padding:.55rem 1.2rem;border:0;border-radius:4px;background:#0a64c2;color:#fff;font-size:1rem;cursor:pointer;text-decoration:none}
.field-error{color:#8a1c13;font-size:.9rem;margin:.3rem 0}ul.sources{list-style:none;padding:0}ul.sources li{margin:.4rem 0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem;border-bottom:1px solid #ddd}`;

/** The one inline script: submits the page's form (POST binding, cross-site bounce). */
export const AUTO_SUBMIT_SCRIPT = 'document.forms[0].submit()';

export function layout(title: string, body: Raw, flashes: Flash[] = []): string {
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title}</title><style>${raw(PAGE_STYLE)}</style></head>
<body><main>${flashes.map((f) => html`<div class="flash ${f.level}" role="alert">${f.message}</div>`)}${body}</main></body></html>`.html;
}

export function messagePage(title: string, message: string, flashes: Flash[] = [], link?: { href: string; label: string }): string {
  const button = link ? html`<a class="button" href="${requireNavigableUrl(link.href, 'link target')}">${link.label}</a>` : '';
  return layout(title, html`<h1>${title}</h1><p class="message">${message}</p>${button}`, flashes);
}

export function accessDeniedPage(message: string, flashes: Flash[] = []): string {
  return layout('Permission denied', html`<h1>Permission denied</h1><p class="message">${message}</p><a class="button" href="/">Back</a>`, flashes);
}

export interface PromptField {
  name: string;
  label: string;
  type: 'text' | 'password';
  value?: string;
  errors?: string[];
  autocomplete?: string;
}

export function formPage(opts: {
  title: string;
  action: string;
  csrf: string;
  fields: PromptField[];
  submit: string;
  intro?: string;
  flashes?: Flash[];
  extra?: Raw;
}): string {
  return layout(
    opts.title,
    html`<h1>${opts.title}</h1>${opts.intro ? html`<p>${opts.intro}</p>` : ''}
<form method="post" action="${requireNavigableUrl(opts.action, 'form target')}"><input type="hidden" name="csrf" value="${opts.csrf}">
${opts.fields.map(
  (
    f,
  ) => html`<label for="f-${f.name}">${f.label}</label><input id="f-${f.name}" name="${f.name}" type="${f.type}" value="${f.value ?? ''}" autocomplete="${f.autocomplete ?? 'off'}" required>
${(f.errors ?? []).map((e) => html`<p class="field-error">${e}</p>`)}`,
)}<button type="submit">${opts.submit}</button></form>${opts.extra ?? ''}`,
    opts.flashes ?? [],
  );
}

/**
 * A page whose form posts to `formTarget`, possibly on another site (the IdP): whoever sends it
 * must let the page's Content-Security-Policy `form-action` allow that target.
 */
export interface FormPostPage {
  html: string;
  formTarget: string;
}

/** A form that posts itself (SAML POST binding, cross-site bounces); a button for no-JS browsers. */
export function autoSubmitPage(opts: { title: string; action: string; fields: Record<string, string>; auto: boolean; intro?: string }): FormPostPage {
  const action = requireNavigableUrl(opts.action, 'form target');
  const script = opts.auto ? raw(`<script>${AUTO_SUBMIT_SCRIPT}</script>`) : raw('');
  return {
    formTarget: action,
    html: layout(
      opts.title,
      html`<h1>${opts.title}</h1>${opts.intro ? html`<p>${opts.intro}</p>` : ''}<form method="post" action="${action}">
${Object.entries(opts.fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit">Continue</button></form>${script}`,
    ),
  };
}
