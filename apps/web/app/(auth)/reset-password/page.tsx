import { ResetPasswordForm } from '@/components/app/reset-password-form.tsx';

export const dynamic = 'force-dynamic';

/** Where the mailed reset link leads (better-auth checked the token and appended it, or `error`). */
export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string; error?: string }>;
}) {
  const { token, error } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <ResetPasswordForm token={!error && token && /^[A-Za-z0-9_-]{1,200}$/.test(token) ? token : null} />
    </main>
  );
}
