import { ApiError } from '@ferry/core';
import { errorResponse } from '@/lib/api/errors.ts';
import { readBodyLimited } from '@/lib/api/with-team.ts';
import { handleAuthRequest } from '@/lib/auth.ts';

export const dynamic = 'force-dynamic';

/** Sign-in and sign-up bodies are small: anything past 64 KiB is refused (413) before better-auth parses it. */
const AUTH_BODY_LIMIT = 64 * 1024;

export async function GET(req: Request) {
  return handleAuthRequest(req);
}
export async function POST(req: Request) {
  let body: string;
  try {
    body = await readBodyLimited(req, AUTH_BODY_LIMIT);
  } catch (e) {
    return errorResponse(e instanceof ApiError ? e : new ApiError('bad_request', 'unreadable request body'));
  }
  return handleAuthRequest(new Request(req.url, { method: 'POST', headers: req.headers, body }));
}
