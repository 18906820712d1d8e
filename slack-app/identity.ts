import { normalizeSubject } from '../policy';

/** The part of the Web API client identity needs (Bolt's `client`). */
export interface UsersInfoClient {
  users: { info(args: { user: string }): Promise<unknown> };
}

export type Identity = { ok: true; subject: string } | { ok: false; reason: string };

interface SlackUserInfo {
  user?: {
    deleted?: boolean;
    is_bot?: boolean;
    is_restricted?: boolean;
    is_ultra_restricted?: boolean;
    is_email_confirmed?: boolean;
    profile?: { email?: string };
  };
}

/**
 * Maps a Slack person to a policy subject: their verified workspace email (users.info, which
 * needs users:read and users:read.email). Anyone without one, bots and deactivated accounts are
 * refused: Gatehouse never guesses who someone is. Answers are cached for `ttlMs`.
 */
export class SlackIdentity {
  private readonly cache = new Map<string, { identity: Identity; at: number }>();

  constructor(private readonly client: UsersInfoClient, private readonly ttlMs = 5 * 60_000) {}

  async resolve(userId: string): Promise<Identity> {
    const cached = this.cache.get(userId);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.identity;
    let info: SlackUserInfo;
    try {
      info = (await this.client.users.info({ user: userId })) as SlackUserInfo;
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === 'user_not_found') return this.remember(userId, { ok: false, reason: 'Slack does not know your account in this workspace.' });
      throw error;
    }
    const user = info.user;
    const email = user?.profile?.email;
    let identity: Identity;
    if (!user || user.deleted) identity = { ok: false, reason: 'Your Slack account is deactivated.' };
    else if (user.is_bot) identity = { ok: false, reason: 'Bots cannot ask for or decide on access in Slack; agents use the REST API.' };
    else if (!email) identity = { ok: false, reason: 'Slack shows Gatehouse no email for your account, and Gatehouse knows people by their verified workspace email.' };
    else if (user.is_email_confirmed !== true) identity = { ok: false, reason: `Your workspace email (${email}) is not verified, and Gatehouse acts only on verified emails. Confirm it in Slack, then try again.` };
    else identity = { ok: true, subject: normalizeSubject(email) };
    return this.remember(userId, identity);
  }

  private remember(userId: string, identity: Identity): Identity {
    this.cache.set(userId, { identity, at: Date.now() });
    return identity;
  }
}
