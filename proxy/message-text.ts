import type { JSONRPCMessage, JSONRPCNotification, JSONRPCRequest } from '@modelcontextprotocol/server';

const texts = new WeakMap<object, string>();

/**
 * A message's JSON text, made once per message object: the event store keeps it and the client
 * transport writes it (a 10 KB result was serialized twice per call). The gateway never changes a
 * message after it hands it to the transport (it builds a new object for each answer).
 */
export function messageText(message: JSONRPCMessage): string {
  let text = texts.get(message);
  if (text === undefined) {
    text = JSON.stringify(message);
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
