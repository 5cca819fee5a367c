import { SignInForm } from '@/components/app/sign-in-form.tsx';
import { safeNext } from '@/lib/safe-next.ts';

export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <SignInForm next={safeNext(next, '/overview')} />
    </main>
  );
}
