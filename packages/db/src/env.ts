/** Where Postgres is: $DATABASE_URL, else the local server's `ferry` database. */
export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ferry';
}

/** The same server's maintenance database, used to create and drop databases. */
export function adminUrl(url = databaseUrl()): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
