'use client';
import { useRouter } from 'next/navigation';
import { NativeSelect } from '@/components/ui/input.tsx';
import { setTeamCookie } from '@/lib/team-cookie.ts';

export function TeamSwitcher({
  teams,
  current,
}: {
  teams: { id: string; name: string; role: string }[];
  current: string | null;
}) {
  const router = useRouter();
  if (teams.length === 0) return <p className="text-xs text-muted-foreground">No team yet</p>;
  return (
    <div className="grid gap-1 text-xs text-muted-foreground">
      <label htmlFor="team-switcher">Team</label>
      <NativeSelect
        id="team-switcher"
        value={current ?? ''}
        onChange={(e) => {
          setTeamCookie(e.target.value);
          router.refresh();
        }}
      >
        {teams.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} ({t.role})
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}
