import { clusterView, listClusters } from '@ferry/db';
import { FlowForm } from '@/components/app/flow-form.tsx';
import { teamPage } from '@/lib/page-context.ts';

export default async function NewFlowPage() {
  const { ctx, team } = await teamPage('flows.write');
  const clusters = (await listClusters(ctx)).map(clusterView);
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold">New flow</h1>
      <FlowForm teamId={team.id} clusters={clusters.map((c) => ({ id: c.id, name: c.name }))} flow={null} />
    </div>
  );
}
