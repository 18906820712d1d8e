// Types for the `cors` middleware (2.8, expressjs/cors), the options the gateway uses; the
// package ships none and @types/cors is not installed.
declare module 'cors' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  type OriginCallback = (error: Error | null, allow?: boolean | string) => void;
  interface CorsOptions {
    origin?: boolean | string | RegExp | (string | RegExp)[] | ((origin: string | undefined, callback: OriginCallback) => void);
    methods?: string | string[];
    allowedHeaders?: string | string[];
    exposedHeaders?: string | string[];
    credentials?: boolean;
    maxAge?: number;
    preflightContinue?: boolean;
    optionsSuccessStatus?: number;
  }
  function cors(options?: CorsOptions): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  export = cors;
}
