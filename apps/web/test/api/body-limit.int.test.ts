import { schema } from '@ferry/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { type TeamFixture, teamFixture } from './fixtures.ts';

// Finding 9: request bodies were read whole before validation, with no size limit.
let A: TeamFixture;
beforeAll(async () => {
  A = await teamFixture('body');
});

async function post(
  file: string,
  url: string,
  body: BodyInit,
  cookie: string,
  params: Record<string, string>,
) {
  const mod = await import(/* @vite-ignore */ file);
  return (mod.POST as (r: Request, c: unknown) => Promise<Response>)(
    new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000', cookie },
      body,
      // @ts-expect-error Node's fetch needs it for a streamed body
      duplex: 'half',
    }),
    { params: Promise.resolve(params) },
  );
}

describe('request body limit', () => {
  const importFile = `${import.meta.dirname}/../../app/api/v1/teams/[teamId]/mm2/import/route.ts`;
  it('refuses a body over 1 MiB with 413 and changes nothing', async () => {
    const before = (await db().select().from(schema.clusters)).length;
    const huge = JSON.stringify({ properties: `clusters = a, b\n${'x'.repeat(2 * 1024 * 1024)}` });
    const r = await post(
      importFile,
      `http://localhost:3000/api/v1/teams/${A.id}/mm2/import`,
      huge,
      A.people.admin.cookie,
      {
        teamId: A.id,
      },
    );
    expect(r.status).toBe(413);
    expect((await r.json()).error.code).toBe('payload_too_large');
    expect((await db().select().from(schema.clusters)).length).toBe(before);
  });

  it('stops reading a streamed body (no Content-Length) once past the limit', async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += chunk.byteLength;
        if (sent > 64 * 1024 * 1024) c.close();
        else c.enqueue(chunk);
      },
    });
    const r = await post(
      importFile,
      `http://localhost:3000/api/v1/teams/${A.id}/mm2/import`,
      stream,
      A.people.admin.cookie,
      {
        teamId: A.id,
      },
    );
    expect(r.status).toBe(413);
    expect(sent).toBeLessThan(4 * 1024 * 1024);
  });

  it('sign-in bodies are capped at 64 KiB', async () => {
    const file = `${import.meta.dirname}/../../app/api/auth/[...all]/route.ts`;
    const r = await post(
      file,
      'http://localhost:3000/api/auth/sign-in/email',
      JSON.stringify({ email: 'a@example.test', password: 'p'.repeat(100_000) }),
      '',
      {},
    );
    expect(r.status).toBe(413);
  });
});
