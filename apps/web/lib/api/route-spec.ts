import type { ErrorCode, Permission } from '@ferry/core';
import type { z } from 'zod';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * A REST route's contract: method, path, the permission it needs (null: any signed-in person, no team),
 * request and response schemas. The registry (routes.ts) drives the OpenAPI document and the role × endpoint test.
 */
export interface RouteSpec {
  id: string;
  method: Method;
  /** OpenAPI-style path, e.g. /api/v1/teams/{teamId}/clusters/{clusterId} */
  path: string;
  permission: Permission | null;
  /** Outside a team, only for instance administrators (403 for everyone else). */
  instanceAdmin?: boolean;
  summary: string;
  /** More than the summary, when the behaviour needs explaining (OpenAPI `description`). */
  description?: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  /** Success status (default 200). */
  status?: number;
  /** Plain-text response (e.g. mm2.properties). */
  text?: boolean;
  /** Errors particular to this route (beyond validation, authentication and permission), with when they happen. */
  errors?: Partial<Record<ErrorCode, string>>;
}
