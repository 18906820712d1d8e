import {
  isJSONRPCErrorResponse as sdkIsErrorResponse, isJSONRPCNotification as sdkIsNotification, isJSONRPCRequest as sdkIsRequest, isJSONRPCResultResponse as sdkIsResultResponse,
  type JSONRPCMessage, type JSONRPCNotification, type JSONRPCRequest,
} from '@modelcontextprotocol/server';
import { jsonText } from '../lib';

const texts = new WeakMap<object, string>();

/**
 * A message's JSON text, made once per message object: the event store keeps it and the client
 * transport writes it (a 10 KB result was serialized twice per call). The gateway never changes a
 * message after it hands it to the transport (it builds a new object for each answer). JSON.stringify's
 * text, with a long string's escaping taken from the recording entry's canonical JSON when that
 * was made first (`jsonText`: the 10 KB result text is escaped once per call, not twice).
 */
export function messageText(message: JSONRPCMessage): string {
  let text = texts.get(message);
  if (text === undefined) {
    text = jsonText(message);
    texts.set(message, text);
  }
  return text;
}

/**
 * A response (result or error) among the messages the gateway sends: it builds them itself, so
 * their shape is known; the SDK's guards would validate a 10 KB result again with zod on every call.
 */
export function isAnswer(message: JSONRPCMessage): boolean {
  return 'id' in message && !('method' in message) && ('result' in message || 'error' in message);
}

/*
 * Requests and notifications told apart by their keys alone: for messages the gateway built or
 * already validated (what it sends upstream), where the SDK's guards would run zod over the whole
 * message again. Never for bytes from a client or an upstream: those go through the guards.
 */
export function isOwnRequest(message: JSONRPCMessage): message is JSONRPCRequest {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

export function isOwnNotification(message: JSONRPCMessage): message is JSONRPCNotification {
  return 'method' in message && !isOwnRequest(message);
}

/**
 * The SDK's guards (zod over the whole message), each run at most once per message object: a
 * client's request or an upstream's answer is asked what it is by the upstream session, the
 * session and its answer path in turn (four zod passes over a 10 KB result per call). Same
 * verdicts: the gateway never changes a message it received (it builds new objects).
 * `required`: members the guard's schema cannot do without (no schema of theirs takes undefined).
 * A message that reads undefined at one of them is refused without zod, which would read the same
 * member, fail, and build a ZodError (an Error, with its stack) to say so: asking an answer
 * whether it is an error response was ~9 us of every call.
 */
function once<T>(guard: (value: unknown) => value is T, required: readonly string[]): (value: unknown) => value is T {
  const verdicts = new WeakMap<object, boolean>();
  return (value: unknown): value is T => {
    if (typeof value !== 'object' || value === null) return guard(value);
    let verdict = verdicts.get(value);
    if (verdict === undefined) {
      verdict = required.every((name) => (value as Record<string, unknown>)[name] !== undefined) && guard(value);
      verdicts.set(value, verdict);
    }
    return verdict;
  };
}

// The members each schema requires (JSONRPCRequestSchema, ... in @modelcontextprotocol/core):
// test/proxy/message-guards.test.ts checks the verdicts against the SDK's own guards.
export const isJSONRPCRequest = once(sdkIsRequest, ['jsonrpc', 'id', 'method']);
export const isJSONRPCNotification = once(sdkIsNotification, ['jsonrpc', 'method']);
export const isJSONRPCResultResponse = once(sdkIsResultResponse, ['jsonrpc', 'id', 'result']);
export const isJSONRPCErrorResponse = once(sdkIsErrorResponse, ['jsonrpc', 'error']);
