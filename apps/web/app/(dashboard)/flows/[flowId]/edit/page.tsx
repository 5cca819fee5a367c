import { clusterView, getFlow, listClusters } from '@ferry/db';
import { notFound } from 'next/navigation';
import { FlowForm } from '@/components/app/flow-form.tsx';
import { teamPage } from '@/lib/page-context.ts';

export default async function EditFlowPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  const { ctx, team } = await teamPage('flows.write');
  const flow = await getFlow(ctx, flowId).catch(() => null);
  if (!flow) notFound();
  const clusters = (await listClusters(ctx)).map(clusterView);
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold">Edit flow {flow.name}</h1>
      <FlowForm teamId={team.id} clusters={clusters.map((c) => ({ id: c.id, name: c.name }))} flow={flow} />
    </div>
  );
}
