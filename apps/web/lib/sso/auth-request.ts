import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '@ferry/core';
import type { OidcConfig } from './oidc-config.ts';

/**
 * What one request to /api/auth knows beyond better-auth: the OIDC configuration it was served with, the
 * client address, and — once the provider's verified profile was read (user.validateUserInfo) — the teams
 * and roles its groups give. The database hooks (user create gate, session create → membership sync) read
 * it; nothing a client sends can set it.
 */
export interface SsoSignIn {
  groups: string[];
  desired: Map<string, Role>;
  managed: string[];
}

export interface AuthRequestState {
  oidc: OidcConfig | null;
  ip: string | null;
  sso?: SsoSignIn;
}

export const authRequest = new AsyncLocalStorage<AuthRequestState>();
