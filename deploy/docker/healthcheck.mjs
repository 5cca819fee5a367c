// The images' HEALTHCHECK (Node only: the slim base has no curl). `web` asks GET /api/healthz on $PORT (the
// server and its database); `worker` asks GET /healthz on $FERRY_WORKER_PORT (the process and its event loop).
// Exit 0 when the answer is 2xx, 1 otherwise or after 2.5 s.
const role = process.argv[2];
const url =
  role === 'web'
    ? `http://127.0.0.1:${process.env.PORT ?? 3000}/api/healthz`
    : role === 'worker'
      ? `http://127.0.0.1:${process.env.FERRY_WORKER_PORT ?? 9464}/healthz`
      : undefined;
if (!url) {
  console.error(`healthcheck: unknown role "${role}" (expected web or worker)`);
  process.exit(2);
}
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(2500) });
  if (!res.ok) console.error(`healthcheck: ${url} answered ${res.status}`);
  process.exit(res.ok ? 0 : 1);
} catch (e) {
  console.error(`healthcheck: ${url}: ${e.message}`);
  process.exit(1);
}
