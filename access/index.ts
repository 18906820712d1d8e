export { AccessClient, AccessError, type AccessErrorCode, type NewAccessRequest, type RequestFilter } from './access-client';
