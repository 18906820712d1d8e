import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes; the dev bootstrap registers them (see devstack/temporal.ts). */
export const requesterKey = defineSearchAttributeKey('GatehouseRequester', SearchAttributeType.KEYWORD);
export const targetKey = defineSearchAttributeKey('GatehouseTarget', SearchAttributeType.KEYWORD);
export const stateKey = defineSearchAttributeKey('GatehouseState', SearchAttributeType.KEYWORD);
export const approverKey = defineSearchAttributeKey('GatehouseApprover', SearchAttributeType.KEYWORD);
/** What the archived session held: `held` (a command waited for an approver), `denied` (a command was refused or a held one not approved), `masked` (PHI was masked). Set when the request is archived. */
export const findingsKey = defineSearchAttributeKey('GatehouseFindings', SearchAttributeType.KEYWORD_LIST);

export const searchAttributeKeys = [requesterKey, targetKey, stateKey, approverKey, findingsKey];
