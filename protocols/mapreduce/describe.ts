/** One-line renderings of MapReduce messages for traces. */
import type { Payload } from '../../sim/contract.ts';
import { ReportTask, RequestTask, type ReportTaskArgs, type RequestTaskArgs, type TaskReply } from './types.ts';

function describeTaskReply(r: TaskReply): string {
  switch (r.kind) {
    case 'map':
      return `map #${r.task} ${r.file} nReduce=${r.nReduce}`;
    case 'reduce':
      return `reduce #${r.task} nMap=${r.nMap}`;
    case 'wait':
      return `wait ${r.retryAfterUs / 1000}ms`;
    case 'exit':
      return 'exit';
  }
}

export function describeMr(method: string, payload: Payload, isReply: boolean): string {
  const short = method.replace(/^Coordinator\./, '');
  if (method === ReportTask && isReply) return 'mr/ReportTask → ok';
  if (payload === null || typeof payload !== 'object') return `mr/${short}${isReply ? ' reply' : ''} ${String(payload)}`;
  if (method === RequestTask) {
    if (isReply) return `mr/RequestTask → ${describeTaskReply(payload as TaskReply)}`;
    return `mr/RequestTask pid=${(payload as RequestTaskArgs).pid}`;
  }
  if (method === ReportTask && !isReply) {
    const a = payload as ReportTaskArgs;
    return `mr/ReportTask ${a.kind} #${a.task} pid=${a.pid}`;
  }
  return `mr/${short}${isReply ? ' reply' : ''} ${JSON.stringify(payload)}`;
}
