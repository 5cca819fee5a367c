import type { GapView } from '@ferry/db';
import { Badge, Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card.tsx';

/**
 * Data gaps on the flow page (server-rendered): source records deleted before the flow replicated them, each
 * in one sentence, with the gap policy that applied. Nothing is shown for a flow without gaps.
 */
export function FlowGaps({ gaps, gapPolicy }: { gaps: GapView[]; gapPolicy: 'continue' | 'halt' }) {
  if (gaps.length === 0) return null;
  return (
    <Card data-testid="flow-gaps">
      <CardHeader>
        <CardTitle>Data gaps</CardTitle>
        <CardDescription>
          Records the source deleted before this flow replicated them. Gap policy:{' '}
          {gapPolicy === 'halt' ? 'halt the partition' : 'continue at the log start'}.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="grid gap-2 text-sm">
          {gaps.map((g) => (
            <li key={g.id} className="flex flex-wrap items-baseline gap-2" data-testid="flow-gap">
              <Badge tone={g.policy === 'halt' ? 'danger' : 'warning'}>
                {g.policy === 'halt' ? 'halted' : 'skipped'}
              </Badge>
              <span>{g.sentence}</span>
              <span className="text-xs text-muted-foreground">
                {g.detectedAt.slice(0, 19).replace('T', ' ')}
              </span>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}
