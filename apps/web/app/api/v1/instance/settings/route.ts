import { getInstanceSettings, type InstanceSettings, recordAudit, setInstanceSetting } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { clientIp, withUser } from '@/lib/api/with-team.ts';
import { db } from '@/lib/db.ts';

export const GET = withUser(route('instance.settings.get'), () => getInstanceSettings(db()));

export const PATCH = withUser<Partial<InstanceSettings>>(
  route('instance.settings.update'),
  async ({ user, body, req }) => {
    const before = await getInstanceSettings(db());
    for (const [k, v] of Object.entries(body) as [keyof InstanceSettings, boolean][])
      await setInstanceSetting(db(), k, v);
    const after = await getInstanceSettings(db());
    await recordAudit(
      { db: db(), teamId: null, actor: { type: 'user', id: user.id, name: user.email, ip: clientIp(req) } },
      { action: 'instance.update', targetType: 'instance', before, after },
    );
    return after;
  },
);
