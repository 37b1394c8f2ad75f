import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lead } from '../../../../shared/domain/entities';
import { useCall } from '../../api/hooks';
import { useSyncGeneration } from '../../app/sync-context';
import { useToast } from '../../ui/toasts';
import { freshest } from '../leads/lead-assign';
import { LeadDrawer } from '../leads/LeadDrawer';

/** The lead drawer for a row that names only its lead's id (agenda tasks, meetings, first-response clocks). */
export function LeadDrawerById({ id, onClose }: { id: string | null; onClose: () => void }) {
  return id === null ? <LeadDrawer lead={null} onClose={onClose} /> : <LoadedLeadDrawer key={id} id={id} onClose={onClose} />;
}

function LoadedLeadDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const generation = useSyncGeneration();
  // leads.get answers any lead the cache holds, in any status (pending review included).
  const result = useCall('leads.get', { id }, `${id}|${generation}`);
  // A change made in the drawer (e.g. an assignment) may be newer than the last read.
  const [changed, setChanged] = useState<Lead | null>(null);
  const lead = freshest(result.data?.lead, changed) ?? result.data?.lead ?? null;
  const error = result.error;
  useEffect(() => {
    // The lead left this computer's copy (reassigned away, closed on the server): say so, and close.
    if (!error) return;
    toast({ color: 'red', title: t('agenda.leadGone'), message: error.message });
    onClose();
  }, [error, onClose, t, toast]);
  return <LeadDrawer lead={lead} onClose={onClose} onChange={setChanged} />;
}
