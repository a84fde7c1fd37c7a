// The marketplace API's typed client: every path, parameter, request, response and problem comes from
// src/schema.d.ts, which openapi-typescript generates from api/openapi.json (`npm run generate`). Calls go through
// openapi-fetch, so a wrong path, a missing required header or a misspelt field is a compile error, not a 400.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, operations, paths } from "./schema.js";

export type { components, operations, paths };

/** Every schema of the API by name, e.g. `Schemas["CartResponse"]`. */
export type Schemas = components["schemas"];

/** The body of every error: RFC 9457 `application/problem+json`. */
export type Problem = Schemas["ProblemDetails"];

/** A 400's body: the problem, and for each bad field the messages naming what is wrong. */
export type ValidationProblem = Schemas["HttpValidationProblemDetails"];

export type MarketplaceClient = Client<paths>;

export interface MarketplaceClientOptions {
  /** Where the API answers, e.g. `https://api.shop.example` (no trailing `/api/v1`). */
  baseUrl: string;
  /** The signed-in customer's or seller's access token, read before every call; undefined for a guest. */
  accessToken?: () => string | undefined;
  /** A guest cart's token (from `POST /api/v1/cart/guest`), read before every call; sent as `X-Cart-Token`. */
  cartToken?: () => string | undefined;
  /** A seller tool's API key, sent as `X-Api-Key`. */
  apiKey?: () => string | undefined;
  /** The language of the texts the API writes (mails, problems), sent as `Accept-Language`. */
  language?: () => string | undefined;
  /** A `fetch` of your own (tests, server-side rendering); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

/**
 * A client of the marketplace API. Credentials are read from the callbacks on every call, so a token refreshed or a
 * cart created later is used from then on; a header the call sets itself wins.
 */
export function createMarketplaceClient(options: MarketplaceClientOptions): MarketplaceClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  const credentials: Middleware = {
    onRequest({ request }) {
      setUnlessPresent(request.headers, "Authorization", bearer(options.accessToken?.()));
      setUnlessPresent(request.headers, "X-Cart-Token", options.cartToken?.());
      setUnlessPresent(request.headers, "X-Api-Key", options.apiKey?.());
      setUnlessPresent(request.headers, "Accept-Language", options.language?.());
      return request;
    },
  };
  client.use(credentials);
  return client;
}

/** A new key for `Idempotency-Key`: keep it for the retries of one checkout, make a new one for the next. */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/** True when an answer was replayed for a repeated `Idempotency-Key` (the first request already succeeded). */
export function wasReplayed(response: Response): boolean {
  return response.headers.get("Idempotent-Replayed") === "true";
}

/** The messages of a 400 by field (`errors` of the problem), or an empty object for another problem. */
export function fieldErrors(problem: unknown): Record<string, string[]> {
  const errors = (problem as ValidationProblem | undefined)?.errors;
  return errors && typeof errors === "object" ? (errors as Record<string, string[]>) : {};
}

function bearer(token: string | undefined): string | undefined {
  return token ? `Bearer ${token}` : undefined;
}

function setUnlessPresent(headers: Headers, name: string, value: string | undefined): void {
  if (value && !headers.has(name)) {
    headers.set(name, value);
  }
}
