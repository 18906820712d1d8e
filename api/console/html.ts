// HTML built only through the `html` tag: every interpolated value is escaped unless it is
// itself Html, so text an agent wrote (a reason, SQL, a tool argument) can never become markup.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/** A template whose interpolations are escaped (arrays are joined, Html is kept, null/undefined/false vanish). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** A console link: a path under /console with an encoded query string (never a scheme an attacker could pick). */
export function consoleHref(path: string, query: Record<string, string | undefined> = {}): string {
  if (!path.startsWith('/console')) throw new Error(`console links stay under /console (got ${path})`);
  const search = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString();
  return search ? `${path}?${search}` : path;
}

export interface LayoutOptions {
  title: string;
  /** Who is signed in (shown with the sign-out button); absent on sign-in and error pages. */
  who?: { subject: string; name?: string; csrf: string };
  body: Html;
  /** The current section, for aria-current in the navigation. */
  section?: 'find' | 'export';
}

export function layout(options: LayoutOptions): string {
  const { who } = options;
  const nav = who
    ? html`<nav aria-label="Console">
  <a href="/console"${options.section === 'find' ? html` aria-current="page"` : ''}>Find requests</a>
  <a href="/console/export"${options.section === 'export' ? html` aria-current="page"` : ''}>Export evidence</a>
</nav>
<form method="post" action="/console/sign-out" class="sign-out" aria-label="Sign out">
  <span>Signed in as <strong id="signed-in-as">${who.name ? `${who.name} (${who.subject})` : who.subject}</strong></span>
  <input type="hidden" name="csrf" value="${who.csrf}">
  <button type="submit">Sign out</button>
</form>`
    : '';
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Gatehouse audit console</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
  <p class="brand"><a href="/console">Gatehouse audit console</a></p>
  ${nav}
</header>
<main id="main" tabindex="-1">
<h1>${options.title}</h1>
${options.body}
</main>
</body>
</html>`.value}\n`;
}
