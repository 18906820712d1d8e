export { createLogger, type Logger } from './logger';
export { parseDuration, formatDuration } from './duration';
export { newRequestId, isRequestId, newGrantId, newCommandId } from './ids';
export { connectRedis, waitForRedis, DEFAULT_REDIS_URL, type Redis } from './redis';
export { evalScript, redisScript, type RedisScript } from './redis-script';
export { encrypt, decrypt, decodeKey, generateKey, sha256Hex, hmacBase64Url, safeEqual } from './crypto';
export { loadGatewaySecrets, MissingSecretError, type GatewaySecrets } from './secrets';
export { RedisSecretVault } from './vault';
export { GrantStore, GrantRevocations, REVOCATION_CHANNEL, GRANT_TOKEN_PREFIX, type GrantRecord, type GrantStart, type RevocationEvent, type StartedGrant } from './grant-store';
export { RequestChangeFeed, RequestChangePublisher, REQUEST_CHANGE_CHANNEL, type ChangeWaiter, type RequestChange } from './request-changes';
export { AcceptedStatusKeeper, ACCEPTED_STATUS_VERSION, requestStatusKey, sealRequestStatus, openRequestStatus, REQUEST_STATUS_PREFIX, type PushedStatus } from './request-status';
export { CommandBoard, COMMAND_DECISION_CHANNEL, callFingerprint, type BoardDecision, type HeldCall } from './command-board';
export {
  connectTemporalClient, temporalSettings, temporalConnectionOptions, temporalDataConverter, explainTemporalConnectError, diagnoseTemporalConnectError, TemporalConfigError,
  DEFAULT_TASK_QUEUE, ENCODED_FAILURE_CONVERTER_PATH, type TemporalSettings, type TemporalTls,
} from './temporal';
export { ENCODED_FAILURES_MARKER } from './failure-converter';
export {
  EncryptionCodec, PayloadKeyring, PayloadCodecError, parsePayloadKeys, generatePayloadKey, sealPayload, openPayload, isSealed, ENCRYPTED_ENCODING, type PayloadKey,
} from './payload-codec';
export { listenerTls, ListenerTlsError, HSTS, type ListenerTls } from './listener-tls';
export { SERVICE_ENVIRONMENT, serviceVariable, missingEnvironment, type EnvVariable, type ServiceEnvironment, type ServiceName } from './environment';
export { projectRoot, stateDir } from './state';
export { RedisCatalogRecords, catalogNamespace, DEFAULT_CATALOG_NAMESPACE } from './catalog-store';
export { inParallel } from './in-parallel';
export { PerKeyLimit } from './per-key-limit';
export { within } from './within';
export { redisDataSince, REDIS_DATA_SINCE_KEY } from './redis-data-since';
export { jsonText, quoteHeld } from './json-text';
