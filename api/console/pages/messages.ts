import { html, type Html } from '../html';

/** Signed in, but not among gatehouse.yaml's audit.readers. */
export function refusedPage(subject: string, groups: string[]): Html {
  return html`<div id="refused" role="alert">
<p>You are signed in as <strong>${subject}</strong>, but you may not read audit evidence.</p>
<p>The console is for auditors: people that gatehouse.yaml names under <code>audit.readers</code>, directly, through a group of gatehouse.yaml, or through a group of your identity provider (<code>idp-group:&lt;name&gt;</code>). ${groups.length ? html`Your identity provider lists you in: ${groups.slice(0, 20).join(', ')}.` : 'Your identity provider listed no groups for you.'}</p>
<p>If you need access, ask the owner of gatehouse.yaml to add you. Nothing was shown or recorded on your behalf.</p>
</div>`;
}

export function messagePage(lines: string[], link?: { href: string; text: string }): Html {
  return html`<div id="message" role="status">${lines.map((l) => html`<p>${l}</p>`)}${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ''}</div>`;
}
