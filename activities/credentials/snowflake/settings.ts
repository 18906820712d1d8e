import { z } from 'zod';

/**
 * Snowflake identifiers Gatehouse puts into SQL: unquoted identifiers only (letters, digits,
 * `_` and `$`, not starting with a digit), upper-cased as Snowflake resolves them. Nothing else
 * is ever spliced into a statement.
 */
export const UNQUOTED_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/;

const identifier = (what: string) =>
  z
    .string()
    .regex(UNQUOTED_IDENTIFIER, `${what} must be an unquoted Snowflake identifier (letters, digits, _ and $; not starting with a digit)`)
    .transform((v) => v.toUpperCase());

/** `credentials.settings` of a target whose provider is `snowflake`. */
export const snowflakeSettingsSchema = z
  .object({
    /** The account identifier (e.g. `myorg-myaccount`); the local endpoint's is `gatehouse-dev`. */
    account: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/, 'account must be a Snowflake account identifier such as myorg-myaccount'),
    /** Only for the local endpoint or a private link: the base URL the driver talks to. */
    accessUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The broker's own key-pair service user. */
    brokerUser: identifier('brokerUser'),
    /** Name of the environment variable holding the broker's PEM private key (PKCS#8). */
    brokerPrivateKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'brokerPrivateKeyEnv must name an environment variable (A-Z, 0-9, _)').default('GATEHOUSE_SNOWFLAKE_BROKER_KEY'),
    /** The broker's role: CREATE USER on the account and ownership of the target role (see bootstrap.ts). */
    brokerRole: identifier('brokerRole'),
    /** The scoped role every issued user gets (its DEFAULT_ROLE and only grant). */
    targetRole: identifier('targetRole'),
    warehouse: identifier('warehouse').optional(),
    database: identifier('database').optional(),
    schema: identifier('schema').optional(),
    /**
     * What each issued user logs in with. `pat` (default): a programmatic access token that
     * Snowflake generates (ALTER USER ... ADD PAT), bound to the target role and usable only from
     * the addresses of `networkPolicy`; the worker makes no key. `keyPair`: an RSA-2048 key pair the
     * worker generates per grant (0.10-0.16 CPU-s each on 2 cores: half the worker's CPU per grant,
     * bench/README.md "grants"), for accounts that cannot put issued users under a network policy.
     */
    credential: z.enum(['pat', 'keyPair']).default('pat'),
    /**
     * `pat` only: the network policy every issued user is subject to (Snowflake requires one for a
     * SERVICE user's token), owned by the broker role; bootstrap.ts makes it with the gateway's egress.
     */
    networkPolicy: identifier('networkPolicy').default('GATEHOUSE_GATEWAY_EGRESS'),
    /** Backstop: Snowflake disables the user after this many days even if every revocation is lost. */
    daysToExpiry: z.number().int().min(1).max(30).default(1),
  })
  .strict();

export type SnowflakeSettings = z.output<typeof snowflakeSettingsSchema>;

/** Parses a target's settings, with errors that name the target and the field. */
export function parseSnowflakeSettings(target: string, settings: Record<string, unknown>): SnowflakeSettings {
  const parsed = snowflakeSettingsSchema.safeParse(settings ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`).join('; ');
    throw new Error(`target "${target}": invalid snowflake credentials.settings: ${problems}`);
  }
  return parsed.data;
}
