export { AccessClient, AccessError, HOLD_UPDATES_IN_FLIGHT_PER_REQUEST, type AccessErrorCode, type NewAccessRequest, type RequestFilter } from './access-client';
export { statusAtAcceptance } from './accepted-status';
