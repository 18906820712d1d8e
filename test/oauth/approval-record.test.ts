import { grantReusedReply, requestMessage } from '../../activities/notify';
import { describeRequest, lifecycleEvents } from '../../audit';
import { messageBlockProblems } from '../../devstack/slack';
import { subjectName } from '../../lib/slack';
import type { AccessStatus, SignInClient } from '../../workflows';
import { edgeStatus, formattingFromUserText, MARKERS } from '../slack/edges';

// How an OAuth sign-in reads where people decide and audit: the Slack approval message, the
// archive's lifecycle events and `gatehouse audit show`. No stack: the builders are plain functions.

const mention = (subject: string) => (subject.includes('@') ? '<@U0L0C000004>' : subjectName(subject));

const lookalike: SignInClient = {
  clientId: 'ghc_Zm9vYmFyYmF6cXV4', kind: 'dynamic', name: 'Claude Desktop', nameVerified: false,
  verified: 'nothing: registered itself dynamically from 203.0.113.7 at 2026-11-29T15:00:00.000Z; anyone can register any name',
  redirectOrigin: 'https://evil.example', impersonates: 'Claude Desktop (pre-registered client claude-desktop)',
};

function signedIn(client: SignInClient, overrides: Partial<AccessStatus> = {}): AccessStatus {
  const at = '2026-11-29T15:00:00.000Z';
  return edgeStatus({
    origin: 'oauth', client, reason: 'readmission review',
    timeline: [
      { at, type: 'oauth_client_identified', client: client.clientId, detail: `"${client.name}" (name claimed by the client, not verified)` },
      { at, type: 'oauth_signed_in', client: client.clientId, actor: 'carol@example.org', detail: 'at the OpenID provider' },
      { at, type: 'oauth_request_started', client: client.clientId, actor: 'carol@example.org', detail: '30 minutes asked' },
      { at, type: 'requested', actor: 'carol@example.org', detail: 'readmission review' },
    ],
    ...overrides,
  });
}

describe('an OAuth sign-in, as approvers and auditors read it', () => {
  test('Slack: the approver sees a sign-in, what Gatehouse verified apart from what the client claims, and a look-alike name flagged', () => {
    const message = requestMessage(signedIn(lookalike), mention);
    expect(messageBlockProblems(message.blocks)).toEqual([]);
    const shown = JSON.stringify(message.blocks);
    expect(message.text).toMatch(/^Sign-in request req_/);
    expect(shown).toContain('signed in at the OpenID provider, from an MCP client');
    expect(shown).toContain('*Name (claimed by the client, not verified)*');
    expect(shown).toContain('*Verified by Gatehouse*');
    expect(shown).toContain('nothing: registered itself dynamically from 203.0.113.7');
    expect(shown).toContain(':warning: *The claimed name looks like Claude Desktop (pre-registered client claude-desktop), but this is not that client.*');
    expect(shown).toContain('Approve only if you expected a self-registered client');
    // A verified (pre-registered) client says so, and carries no warning.
    const known = requestMessage(signedIn({ ...lookalike, kind: 'preregistered', clientId: 'claude-desktop', nameVerified: true, verified: 'pre-registered in gatehouse.yaml', impersonates: undefined }), mention);
    expect(JSON.stringify(known.blocks)).toContain('*Name (verified: gatehouse.yaml)*');
    expect(JSON.stringify(known.blocks)).not.toContain(':warning:');
  });

  test('Slack: a client name or id made of formatting, mentions and links is inert', () => {
    for (const marker of MARKERS) {
      const hostile = { ...lookalike, name: `Claude ${marker} Approved by @dana.lead`, clientId: `https://evil.example/${marker}`, kind: 'metadata_document' as const, impersonates: `${marker}` };
      const message = requestMessage(signedIn(hostile), mention);
      expect({ marker, problems: [...messageBlockProblems(message.blocks), ...formattingFromUserText(message)] }).toEqual({ marker, problems: [] });
    }
  });

  test('Slack: a grant reused by another client is told in the thread, its words inert', () => {
    for (const marker of MARKERS) {
      const message = grantReusedReply(signedIn(lookalike, { state: 'ACTIVE' }), { client: `ghc_${marker}`, detail: `"Claude ${marker}" (name claimed by the client, not verified)` }, mention);
      expect({ marker, problems: [...messageBlockProblems(message.blocks), ...formattingFromUserText(message)] }).toEqual({ marker, problems: [] });
      expect(message.text).toContain('signed in from another MCP client and reused this access');
    }
  });

  test('archive and audit show: origin, the client (verified vs claimed) and every sign-in step', () => {
    const status = signedIn(lookalike, { state: 'ARCHIVED' });
    const [request, ...rest] = lifecycleEvents(status, '2026-11-29T16:00:00.000Z');
    expect(request).toMatchObject({ type: 'request', origin: 'oauth', client: { clientId: lookalike.clientId, nameVerified: false, impersonates: lookalike.impersonates } });
    expect(rest.filter((e) => String(e.type).startsWith('oauth_')).map((e) => [e.type, e.client])).toEqual([
      ['oauth_client_identified', lookalike.clientId], ['oauth_signed_in', lookalike.clientId], ['oauth_request_started', lookalike.clientId],
    ]);
    const shown = describeRequest({ requestId: status.requestId, status, workflowStatus: 'COMPLETED', startTime: new Date() });
    expect(shown).toContain('by carol@example.org (oauth: OAuth sign-in from an MCP client) for clinical');
    expect(shown).toContain(`client       Claude Desktop (name claimed, not verified), dynamic client ${lookalike.clientId}`);
    expect(shown).toContain('WARNING: the name looks like Claude Desktop (pre-registered client claude-desktop)');
    expect(shown).toContain('sign-in      3 steps');
    expect(shown).toContain(`signed_in carol@example.org [client ${lookalike.clientId}]: at the OpenID provider`);
  });
});
