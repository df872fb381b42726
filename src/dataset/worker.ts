import { buildStructure } from './build.js';
import type { JobResult } from './db.js';
import { runJob } from './job.js';
import type { JobSpec } from './plan.js';

/** Worker-thread entry (piscina): one job in, its result (or its error, as data) out. */
export default function campaignWorker(job: JobSpec): Promise<JobResult> {
  return runJob(job, buildStructure);
}
