import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

/** The activity type of each local activity a history recorded (core writes it, in clear, in the marker's `data`). */
export function localActivities(history: History): string[] {
  return (history.events ?? []).flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    if (m?.markerName !== 'core_local_activity') return [];
    const data = m.details?.data?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type] : [];
  });
}

/** The activities a history scheduled (activity tasks through the server), by type. */
export function scheduledActivities(history: History): string[] {
  return (history.events ?? []).flatMap((e) => {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    return name ? [name] : [];
  });
}

/** The patch ids a history recorded (one marker each, and each one also a TemporalChangeVersion upsert). */
export function patchMarkers(history: History): string[] {
  return (history.events ?? []).flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    if (m?.markerName !== 'core_patch') return [];
    const data = m.details?.['patch-data']?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id] : [];
  });
}

export const workflowTasks = (history: History) => (history.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes).length;
