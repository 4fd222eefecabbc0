// The part of autocannon's programmatic API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  export interface RequestDefinition extends Request {
    setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
  }
  export interface Options {
    url: string;
    connections?: number;
    /** Requests per second across all connections (open-ended when absent). */
    overallRate?: number;
    duration?: number;
    amount?: number;
    headers?: Record<string, string>;
    requests?: RequestDefinition[];
    timeout?: number;
  }
  export interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p99: number;
    max: number;
    total: number;
  }
  export interface Result {
    /** `total` counts the answered requests; `sent` every request sent, answered or not. */
    requests: Histogram & { sent: number };
    latency: Histogram;
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
  }
  /** A run in progress: awaited for its result, or stopped early. */
  function autocannon(options: Options): Promise<Result> & { stop(): void };
  export default autocannon;
}
