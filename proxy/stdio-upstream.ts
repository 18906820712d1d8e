import type { Stream } from 'node:stream';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport, type StdioServerParameters } from '@modelcontextprotocol/client/stdio';
import { DEFAULT_MAX_ANSWER_BYTES } from '../policy';
import { UpstreamAnswerTooLarge } from './upstream-answer-bound';

/**
 * The SDK's overflow error of its stdio read buffer ("ReadBuffer exceeded maximum size of N bytes"):
 * the only sign it gives. test/proxy/upstream-answer-bound.test.ts fails if a new SDK words it otherwise.
 */
const OVERFLOW = /exceeded maximum size/;

/**
 * A stdio upstream (the SDK's StdioClientTransport: the process, its environment and its stopping)
 * whose messages are bounded: a line of stdout longer than `maxAnswerBytes` without a newline is
 * never read on. The SDK's read buffer refuses it (maxBufferSize); this stops the process at once
 * (SIGKILL: a server that wrote that is broken or hostile, and the SDK would read on for up to 4 s
 * while it closed stdin and waited), and says why in `endedBecause`, which the session's end and
 * every call still waiting on the upstream carry. Nothing of the line is passed on. A stdio pipe
 * cannot skip one message and read the next (the rest of the line is still to come), so the
 * session's upstream ends: a 2025 session ends, a 2026-07-28 grant's link opens anew on its next request.
 *
 * The SDK counts what its buffer holds, a line not yet ended plus the pipe chunk just read (at most
 * 64 KB), so a line within one chunk of the bound may be refused too.
 */
export class StdioUpstreamTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Why the gateway stopped the upstream itself (it wrote a message past the bound), if it did. */
  endedBecause?: string;
  private readonly inner: StdioClientTransport;

  constructor(params: StdioServerParameters, private readonly maxAnswerBytes = DEFAULT_MAX_ANSWER_BYTES) {
    this.inner = new StdioClientTransport({ ...params, maxBufferSize: maxAnswerBytes });
  }

  get pid(): number | null {
    return this.inner.pid;
  }

  get stderr(): Stream | null {
    return this.inner.stderr;
  }

  async start(): Promise<void> {
    this.inner.onmessage = (message) => this.onmessage?.(message);
    this.inner.onclose = () => this.onclose?.();
    this.inner.onerror = (error) => {
      if (OVERFLOW.test(error.message) && !this.endedBecause) {
        const tooLarge = new UpstreamAnswerTooLarge(this.maxAnswerBytes, 'a message line the upstream MCP server wrote on stdout');
        this.endedBecause = tooLarge.message;
        const pid = this.inner.pid;
        if (pid) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone already
          }
        }
        this.onerror?.(tooLarge);
        return;
      }
      this.onerror?.(error);
    };
    await this.inner.start();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.inner.send(message);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
