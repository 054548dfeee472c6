/** HTML reports of linearizability checks. */
export { htmlReport, renderReport, reportData, type ReportData } from './report.ts';
