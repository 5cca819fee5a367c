import { openApiDocument } from '@/lib/openapi.ts';

export const dynamic = 'force-static';

export function GET() {
  return Response.json(openApiDocument());
}
