import type { Role } from '@ferry/core';
import type { SecretKey } from '@ferry/core/secret-box';
import type { Db } from './client.ts';

/** Who is acting: a signed-in person or an API token. */
export interface Actor {
  type: 'user' | 'token' | 'system';
  id: string | null;
  name: string;
  ip: string | null;
}

/** Everything a team-scoped operation needs; built once per request by the route wrapper. */
export interface TeamContext {
  db: Db;
  teamId: string;
  role: Role;
  actor: Actor;
  /** Secret keys: the first seals, any opens (rotation). */
  keyring: readonly SecretKey[];
}
