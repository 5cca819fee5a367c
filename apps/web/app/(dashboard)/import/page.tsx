import { Mm2Import } from '@/components/app/mm2-import.tsx';
import { teamPage } from '@/lib/page-context.ts';

export default async function ImportPage() {
  const { team, can } = await teamPage('flows.read');
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold">Import mm2.properties</h1>
      {can('mm2.import') ? (
        <Mm2Import teamId={team.id} />
      ) : (
        <p className="text-muted-foreground">Your role ({team.role}) cannot import; an admin or owner can.</p>
      )}
    </div>
  );
}
