'use client';
import { LogOut, Moon, Sun } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useTheme } from 'next-themes';
import { Button } from '@/components/ui/button.tsx';

export function UserMenu({ email }: { email: string }) {
  const router = useRouter();
  return (
    <div className="flex min-w-0 items-center gap-1">
      <span className="truncate text-xs text-muted-foreground" title={email}>
        {email}
      </span>
      <Button
        variant="ghost"
        size="icon"
        aria-label="Sign out everywhere"
        title="Sign out everywhere"
        onClick={async () => {
          // Loaded on the click: the better-auth client (~12 KB gzip) is not in every dashboard page's
          // scripts (issue #11: the flow page's hydration waited for it).
          const { authClient } = await import('./auth-client.ts');
          await authClient.revokeSessions();
          await authClient.signOut();
          router.push('/sign-in');
        }}
      >
        <LogOut className="h-4 w-4" />
      </Button>
    </div>
  );
}

export function ThemeToggle() {
  const { resolvedTheme, setTheme } = useTheme();
  return (
    <Button
      variant="ghost"
      size="icon"
      aria-label="Toggle dark mode"
      onClick={() => setTheme(resolvedTheme === 'dark' ? 'light' : 'dark')}
    >
      <Sun className="hidden h-4 w-4 dark:block" />
      <Moon className="h-4 w-4 dark:hidden" />
    </Button>
  );
}
