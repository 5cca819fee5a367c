'use client';
import { Slot } from '@radix-ui/react-slot';
import { lazy, Suspense, useRef, useState } from 'react';

const ConfirmDialogBody = lazy(() => import('./confirm-dialog-body.tsx'));

/**
 * Confirmation for destructive actions; the error of a refused action stays visible in the dialog. The
 * trigger is rendered at once; the dialog (Radix Dialog, ~11 KB gzip) is loaded on the first click, so it
 * is not part of the scripts every page with a Delete button waits for before it hydrates (issue #11).
 */
export function ConfirmDialog({
  trigger,
  title,
  description,
  confirmLabel = 'Delete',
  onConfirm,
}: {
  trigger: React.ReactNode;
  title: string;
  description: string;
  confirmLabel?: string;
  onConfirm: () => Promise<string | null>;
}) {
  const [open, setOpen] = useState(false);
  // Mounted from the first click on, so that closing it plays out like before (Radix unmounts its content).
  const [used, setUsed] = useState(false);
  const triggerRef = useRef<HTMLElement>(null);
  return (
    <>
      <Slot
        ref={triggerRef}
        aria-haspopup="dialog"
        aria-expanded={open}
        data-state={open ? 'open' : 'closed'}
        onClick={() => {
          setUsed(true);
          setOpen(true);
        }}
      >
        {trigger}
      </Slot>
      {used ? (
        <Suspense fallback={null}>
          <ConfirmDialogBody
            open={open}
            onOpenChange={setOpen}
            title={title}
            description={description}
            confirmLabel={confirmLabel}
            onConfirm={onConfirm}
            triggerRef={triggerRef}
          />
        </Suspense>
      ) : null}
    </>
  );
}
