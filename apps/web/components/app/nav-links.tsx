'use client';
import { Activity, ArrowLeftRight, FileUp, Gauge, KeyRound, Server, Users } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/utils.ts';

const LINKS = [
  { href: '/overview', label: 'Overview', icon: Gauge },
  { href: '/flows', label: 'Flows', icon: ArrowLeftRight },
  { href: '/clusters', label: 'Clusters', icon: Server },
  { href: '/import', label: 'MM2 import', icon: FileUp },
  { href: '/team', label: 'Team', icon: Users },
  { href: '/audit', label: 'Audit', icon: Activity },
  { href: '/tokens', label: 'API tokens', icon: KeyRound },
];

export function NavLinks() {
  const path = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-row flex-wrap gap-1 md:flex-col">
      {LINKS.map(({ href, label, icon: Icon }) => (
        // No prefetch: every dashboard page is dynamic, so a prefetch renders the whole page on the server; seven
        // of them on every page load competed with the page's own hydration for the same cores (issue #11).
        <Link
          key={href}
          prefetch={false}
          href={href}
          aria-current={path.startsWith(href) ? 'page' : undefined}
          className={cn(
            'flex items-center gap-2 rounded-md px-3 py-2 text-sm hover:bg-muted',
            path.startsWith(href) && 'bg-muted font-medium',
          )}
        >
          <Icon className="h-4 w-4" aria-hidden />
          {label}
        </Link>
      ))}
    </nav>
  );
}
