import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes; the dev bootstrap registers them (see devstack/temporal.ts). */
export const requesterKey = defineSearchAttributeKey('GatehouseRequester', SearchAttributeType.KEYWORD);
export const targetKey = defineSearchAttributeKey('GatehouseTarget', SearchAttributeType.KEYWORD);
export const stateKey = defineSearchAttributeKey('GatehouseState', SearchAttributeType.KEYWORD);
export const approverKey = defineSearchAttributeKey('GatehouseApprover', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [requesterKey, targetKey, stateKey, approverKey];
