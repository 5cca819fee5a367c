import { getInvitation } from '@ferry/db';
import { AcceptInvitation } from '@/components/app/accept-invitation.tsx';
import { VerifyEmailFirst } from '@/components/app/verify-email-first.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card.tsx';
import { db } from '@/lib/db.ts';
import { mailerConfigured } from '@/lib/mailer.ts';
import { pageContext } from '@/lib/page-context.ts';

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const { user } = await pageContext();
  const inv = await getInvitation(db(), token);
  return (
    <Card className="max-w-lg">
      <CardHeader>
        <CardTitle>Invitation</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-3">
        {inv?.status !== 'pending' ? (
          <p>This invitation does not exist, was used, or expired. Ask for a new link.</p>
        ) : (
          <>
            <p>
              Join <strong>{inv.teamName}</strong> as <strong>{inv.role}</strong>.
            </p>
            {inv.email !== user.email.toLowerCase() ? (
              <p className="text-destructive">
                This invitation is for {inv.email}; you are signed in as {user.email}.
              </p>
            ) : mailerConfigured() && !user.emailVerified ? (
              <VerifyEmailFirst email={user.email} callbackURL={`/invite/${encodeURIComponent(token)}`} />
            ) : (
              <AcceptInvitation token={token} teamId={inv.teamId} />
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
