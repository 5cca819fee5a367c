import { ClusterForm } from '@/components/app/cluster-form.tsx';
import { teamPage } from '@/lib/page-context.ts';

export default async function NewClusterPage() {
  const { team } = await teamPage('clusters.write');
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold">Register a cluster</h1>
      <ClusterForm teamId={team.id} cluster={null} />
    </div>
  );
}
