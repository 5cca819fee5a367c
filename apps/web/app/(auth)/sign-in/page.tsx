import { SignInForm } from '@/components/app/sign-in-form.tsx';
import { mailerConfigured } from '@/lib/mailer.ts';
import { safeNext } from '@/lib/safe-next.ts';
import { ssoErrorMessage } from '@/lib/sso/errors.ts';
import { currentOidcConfig } from '@/lib/sso/oidc-config.ts';

export const dynamic = 'force-dynamic';

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; error?: string }>;
}) {
  const { next, error } = await searchParams;
  const oidc = await currentOidcConfig();
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <SignInForm
        next={safeNext(next, '/overview')}
        sso={oidc ? { name: oidc.name } : null}
        initialError={error ? ssoErrorMessage(error) : null}
        canResetPassword={mailerConfigured()}
      />
    </main>
  );
}
