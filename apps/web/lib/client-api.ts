'use client';
import type * as React from 'react';

export interface ApiFailure {
  message: string;
  issues: Record<string, string>;
}

/** Calls the REST API from the browser (same API as everyone else). Returns data or a failure with field errors. */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ ok: true; data: T } | { ok: false; error: ApiFailure }> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return { ok: true, data: undefined as T };
  const json = await res.json().catch(() => ({}));
  if (res.ok) return { ok: true, data: json as T };
  const e = (json as { error?: { message?: string; issues?: { path: string; message: string }[] } }).error;
  return {
    ok: false,
    error: {
      message: e?.message ?? `request failed (${res.status})`,
      issues: Object.fromEntries((e?.issues ?? []).map((i) => [i.path, i.message])),
    },
  };
}

/**
 * A form submit handler that keeps what the person typed (React's `<form action>` resets uncontrolled fields
 * after every submission, which loses input when the server answers with an error).
 */
export function onSubmitForm(fn: (form: FormData, submitter: HTMLElement | null) => Promise<unknown>) {
  return (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const native = e.nativeEvent as SubmitEvent;
    void fn(new FormData(e.currentTarget), native.submitter ?? null);
  };
}
