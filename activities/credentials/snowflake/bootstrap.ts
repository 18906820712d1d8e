import { UNQUOTED_IDENTIFIER } from './settings';

/**
 * The one-time setup of the broker's identity, to be run by a SECURITYADMIN (or ACCOUNTADMIN)
 * on real Snowflake, and by the dev stack on the local endpoint. The broker gets the least
 * that lets it mint and remove ephemeral users:
 *
 *   CREATE USER ON ACCOUNT         create the ephemeral users (the broker role then owns them,
 *                                  which is what ALTER USER ... DISABLED and DROP USER need)
 *   OWNERSHIP ON ROLE <target>     grant the target role to those users (Snowflake requires
 *                                  ownership of a role, or MANAGE GRANTS, to grant it; ownership
 *                                  of the one role is far narrower than MANAGE GRANTS)
 *
 *   OWNERSHIP ON NETWORK POLICY    (credential `pat`, the default) create issued users subject to
 *                                  the policy that admits only the gateway's egress addresses:
 *                                  Snowflake lets a SERVICE user have and use a programmatic
 *                                  access token only while a network policy covers it, and
 *                                  CREATE USER ... NETWORK_POLICY needs ownership of the policy.
 *                                  The broker could edit the policy it owns, which gives it no
 *                                  more than it has: it can already mint key-pair users.
 *
 * It holds no privilege on any data: it cannot read the tables the target role can.
 * SHOW USERS then lists exactly the users it owns, which is what reconciliation scans.
 */
export interface BrokerSetup {
  brokerUser: string;
  brokerRole: string;
  targetRoles: string[];
  /** Base64 SPKI body (or PEM) of the broker's public key. */
  publicKey: string;
  /**
   * For targets whose credential is `pat`: the network policy issued users are subject to (its
   * name is the target's `networkPolicy` setting) and the gateway's egress addresses it allows
   * (IPv4 addresses or CIDR ranges). Omitted: no policy is made (key-pair targets only).
   */
  networkPolicy?: { name: string; allowedIps: string[] };
}

export function brokerSetupStatements(setup: BrokerSetup): string[] {
  const policy = setup.networkPolicy;
  for (const name of [setup.brokerUser, setup.brokerRole, ...setup.targetRoles, ...(policy ? [policy.name] : [])]) {
    if (!UNQUOTED_IDENTIFIER.test(name)) throw new Error(`${JSON.stringify(name)} is not an unquoted Snowflake identifier`);
  }
  const key = setup.publicKey.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(key)) throw new Error('the broker public key must be base64 (an SPKI PEM body)');
  if (policy && (!policy.allowedIps.length || policy.allowedIps.some((ip) => !/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(ip)))) {
    throw new Error('the network policy needs at least one allowed IPv4 address or CIDR range (the gateway\'s egress)');
  }
  return [
    'USE ROLE SECURITYADMIN',
    `CREATE ROLE IF NOT EXISTS ${setup.brokerRole} COMMENT = 'Gatehouse credential broker: creates and drops ephemeral users'`,
    `GRANT CREATE USER ON ACCOUNT TO ROLE ${setup.brokerRole}`,
    ...setup.targetRoles.map((role) => `GRANT OWNERSHIP ON ROLE ${role} TO ROLE ${setup.brokerRole} COPY CURRENT GRANTS`),
    `CREATE USER IF NOT EXISTS ${setup.brokerUser} TYPE = SERVICE DEFAULT_ROLE = ${setup.brokerRole} COMMENT = 'Gatehouse credential broker'`,
    `ALTER USER ${setup.brokerUser} SET RSA_PUBLIC_KEY = '${key}'`,
    `GRANT ROLE ${setup.brokerRole} TO USER ${setup.brokerUser}`,
    ...(policy
      ? [
        `CREATE NETWORK POLICY IF NOT EXISTS ${policy.name} ALLOWED_IP_LIST = (${policy.allowedIps.map((ip) => `'${ip}'`).join(', ')}) ` +
          `COMMENT = 'Gatehouse: issued users log in only from the gateway'`,
        `GRANT OWNERSHIP ON NETWORK POLICY ${policy.name} TO ROLE ${setup.brokerRole} COPY CURRENT GRANTS`,
      ]
      : []),
  ];
}
