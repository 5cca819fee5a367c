import { Ship } from 'lucide-react';
import Link from 'next/link';
import { NavLinks } from '@/components/app/nav-links.tsx';
import { TeamSwitcher } from '@/components/app/team-switcher.tsx';
import { ThemeToggle, UserMenu } from '@/components/app/user-menu.tsx';
import { pageContext } from '@/lib/page-context.ts';

export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const { user, teams, team } = await pageContext();
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-card focus:p-2"
      >
        Skip to content
      </a>
      <aside className="flex flex-col gap-4 border-b border-border bg-card p-4 md:w-56 md:border-b-0 md:border-r">
        <Link
          prefetch={false}
          href="/overview"
          className="flex items-center gap-2 text-xl font-bold tracking-tight"
        >
          <Ship className="h-6 w-6 text-primary" aria-hidden />
          Ferry
        </Link>
        <TeamSwitcher teams={teams} current={team?.id ?? null} />
        <NavLinks />
        <div className="mt-auto flex items-center justify-between gap-2">
          <UserMenu email={user.email} />
          <ThemeToggle />
        </div>
      </aside>
      <main id="main" className="flex-1 p-4 md:p-8">
        <div className="mx-auto max-w-5xl">{children}</div>
      </main>
    </div>
  );
}
