import { createHash } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { channelMessagesHtml, channelPage, channelTitle } from './channel-html';
import { CHANNEL_VIEW_SCRIPT, CHANNEL_VIEW_STYLE } from './channel-view-assets';
import { SlackDriver } from './driver';
import { renderChannel } from './render';
import { SocketModeHub } from './socket-mode';
import type { SlackChannel, SlackWorkspace } from './workspace';

/**
 * The channel view, for people: `GET /channels/<id-or-name>` is the channel as a Slack client
 * shows it (HTML) when the browser asks for HTML, and the text rendering (renderChannel) for
 * everyone else (curl, the demo, tests), so both audiences keep working.
 *
 *   GET  /channels/<ref>            the page (Accept: text/html, or ?format=html); text otherwise (?format=text)
 *   GET  /channels/<ref>/messages   the messages as an HTML fragment, with an ETag (the page polls it)
 *   POST /channels/<ref>/click      {user, messageTs, actionId, value?}: a person clicks a button on a message
 *   GET  /_local/channel-view.js|css
 *
 * A click is delivered as the driver delivers it (signed block_actions to the app's request URL,
 * or an envelope over Socket Mode), after the same checks Slack makes: the person is in the
 * channel and the button is on that message. Clicks are taken only as JSON from the page's own
 * origin, so another site open in the same browser cannot approve anything through it.
 */

export type DriverSource = () => SlackDriver | undefined;

/** Delivers to the app's request URL when one is set, else to an app connected over Socket Mode. */
export function pageDriverSource(ws: SlackWorkspace, endpoint: () => { endpoint: string; signingSecret: string } | undefined): DriverSource {
  return () => {
    const app = endpoint();
    if (app) return new SlackDriver({ workspace: ws, ...app });
    const hub = ws.socketMode;
    if (hub instanceof SocketModeHub && hub.connected > 0) return new SlackDriver({ workspace: ws, socket: hub });
    return undefined;
  };
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function channelViewRoutes(ws: SlackWorkspace, driver: DriverSource): express.Router {
  const router = express.Router();

  const channelOf = (req: Request, res: Response): SlackChannel | undefined => {
    const channel = ws.channel(String(req.params.ref));
    if (!channel) res.status(404).type('text/plain').send('channel not found\n');
    return channel;
  };
  const viewerOf = (req: Request): string | undefined => {
    const as = typeof req.query.as === 'string' ? req.query.as : undefined;
    return as ? ws.user(as)?.id : undefined;
  };
  const fragment = (channel: SlackChannel, viewer: string | undefined) => {
    const html = channelMessagesHtml(ws, channel, { ...(viewer ? { viewer } : {}), inert: !driver() });
    return { html, etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"` };
  };

  router.get('/_local/channel-view.js', (_req, res) => {
    res.type('application/javascript').set('cache-control', 'no-cache').send(CHANNEL_VIEW_SCRIPT);
  });
  router.get('/_local/channel-view.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'no-cache').send(CHANNEL_VIEW_STYLE);
  });

  router.get('/channels/:ref', (req, res) => {
    const channel = channelOf(req, res);
    if (!channel) return;
    const format = req.query.format === 'html' || req.query.format === 'text' ? req.query.format : req.accepts(['text/plain', 'text/html']) === 'text/html' ? 'html' : 'text';
    if (format === 'text') return void res.type('text/plain').send(renderChannel(ws, channel.id, { ephemerals: true }));
    const viewer = viewerOf(req);
    const { html, etag } = fragment(channel, viewer);
    res.set('content-security-policy', CSP).set('x-content-type-options', 'nosniff').set('referrer-policy', 'no-referrer').set('cache-control', 'no-store');
    res.type('text/html').send(channelPage({ ws, channel, ...(viewer ? { viewer } : {}), canDeliver: !!driver(), messagesHtml: html, version: etag }));
  });

  router.get('/channels/:ref/messages', (req, res) => {
    const channel = channelOf(req, res);
    if (!channel) return;
    const { html, etag } = fragment(channel, viewerOf(req));
    res.set('etag', etag).set('cache-control', 'no-cache').set('x-content-type-options', 'nosniff');
    if (req.get('if-none-match') === etag) return void res.status(304).end();
    res.type('text/html').send(html);
  });

  router.post('/channels/:ref/click', async (req, res) => {
    const refuse = (status: number, error: string) => void res.status(status).json({ ok: false, error });
    // A form on another site can POST here, but not as JSON without a CORS preflight nobody answers.
    if (!req.is('application/json')) return refuse(415, 'send the click as JSON (content-type: application/json), as the channel page does');
    const origin = req.get('origin');
    if (origin !== undefined && origin !== `${req.protocol}://${req.get('host')}`) return refuse(403, `clicks are taken only from this local Slack's own pages, not from ${origin.slice(0, 200)}`);
    if (req.get('sec-fetch-site') && !['same-origin', 'none'].includes(req.get('sec-fetch-site')!)) return refuse(403, 'clicks are taken only from this local Slack\'s own pages');
    const channel = ws.channel(String(req.params.ref));
    if (!channel) return refuse(404, `no channel ${String(req.params.ref).slice(0, 100)} in this workspace`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const userRef = str(body.user);
    const messageTs = str(body.messageTs);
    const actionId = str(body.actionId);
    if (!userRef || !messageTs || !actionId) return refuse(400, 'a click needs user (who clicks), messageTs (the message) and actionId (the button)');
    const user = ws.user(userRef);
    if (!user || user.isBot || user.deleted) return refuse(400, `no person ${userRef.slice(0, 100)} in this workspace: choose who you are`);
    const member = channel.kind === 'im' ? channel.imUser === user.id : channel.members.has(user.id);
    if (!member) return refuse(403, `@${user.name} is not in ${channelTitle(ws, channel)}, so cannot see that message or click its buttons`);
    if (!ws.message(channel.id, messageTs)) return refuse(404, `no message ${messageTs.slice(0, 40)} in ${channelTitle(ws, channel)} (it may have been deleted)`);
    const delivering = driver();
    if (!delivering) return refuse(409, 'this local Slack delivers to no app: start it with an app URL (--app-url) and SLACK_SIGNING_SECRET, or connect the app over Socket Mode');
    try {
      const value = str(body.value);
      const delivery = await delivering.clickButton({ user: user.id, channel: channel.id, messageTs, actionId, ...(value !== undefined ? { value } : {}) });
      res.json({ ok: delivery.status === 200, status: delivery.status, ack: delivery.json ?? (delivery.text || null), ...(delivery.status === 200 ? {} : { error: `the app answered ${delivery.status}` }) });
    } catch (error) {
      refuse(400, (error as Error).message);
    }
  });

  return router;
}
