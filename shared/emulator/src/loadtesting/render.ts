/** The data plane's answers: tests, file infos and test runs as the 2022-11-01 API shapes them. */
import type { Json } from '../state/model';
import type { LtFile, LtRun, LtTest } from './state';

export function fileStatus(f: LtFile, now: number): string {
  return now < f.validateAt ? 'VALIDATION_INITIATED' : f.finalStatus;
}

export function renderFile(base: string, t: LtTest, f: LtFile, now: number): Json {
  const status = fileStatus(f, now);
  return {
    url: `${base}/tests/${t.testId}/files/${encodeURIComponent(f.fileName)}/content`,
    fileName: f.fileName,
    fileType: f.fileType,
    expireDateTime: new Date(now + 3_600_000).toISOString(),
    validationStatus: status,
    ...(status === 'VALIDATION_FAILURE' && f.failure ? { validationFailureDetails: f.failure } : {}),
  };
}

export function renderTest(base: string, t: LtTest, now: number): Json {
  const files = Object.values(t.files);
  const jmx = files.find((f) => f.fileType === 'JMX_FILE');
  const secrets = t.body.secrets as Record<string, { type: string; value: string }> | undefined;
  return {
    ...t.body,
    // A SECRET_VALUE is never read back.
    ...(secrets ? { secrets: Object.fromEntries(Object.entries(secrets).map(([k, s]) => [k, s.type === 'SECRET_VALUE' ? { type: s.type } : s])) } : {}),
    testId: t.testId,
    inputArtifacts: {
      ...(jmx ? { testScriptFileInfo: renderFile(base, t, jmx, now) } : {}),
      additionalFileInfo: files.filter((f) => f.fileType !== 'JMX_FILE').map((f) => renderFile(base, t, f, now)),
    },
    createdDateTime: t.createdAt,
    createdBy: t.createdBy,
    lastModifiedDateTime: t.lastModifiedAt,
    lastModifiedBy: t.lastModifiedBy,
  };
}

export function renderRun(baseUrl: string, resourceId: string, r: LtRun): Json {
  const portal = `${baseUrl}/_emulator/portal/loadtesting${resourceId}/testruns/${r.testRunId}`;
  return {
    testRunId: r.testRunId,
    testId: r.testId,
    displayName: r.displayName,
    description: r.description,
    status: r.status,
    loadTestConfiguration: { engineInstances: r.engineInstances, splitAllCSVs: false },
    passFailCriteria: { passFailMetrics: r.passFailMetrics },
    secrets: Object.fromEntries(Object.entries(r.secrets).map(([k, s]) => [k, s.type === 'SECRET_VALUE' ? { type: s.type } : s])),
    environmentVariables: r.environmentVariables,
    virtualUsers: r.plan.threads * r.engineInstances,
    ...(r.testResult ? { testResult: r.testResult } : {}),
    ...(r.statistics ? { testRunStatistics: { Total: r.statistics } } : {}),
    ...(r.errorDetails ? { errorDetails: r.errorDetails } : {}),
    ...(r.startDateTime ? { startDateTime: r.startDateTime } : {}),
    ...(r.executedDateTime ? { executedDateTime: r.executedDateTime } : {}),
    ...(r.endDateTime ? { endDateTime: r.endDateTime, duration: Date.parse(r.endDateTime) - Date.parse(r.startDateTime ?? r.createdAt) } : {}),
    portalUrl: portal,
    testArtifacts: { inputArtifacts: { testScriptFileInfo: { fileName: r.fileName, fileType: 'JMX_FILE', validationStatus: 'VALIDATION_SUCCESS' } } },
    createdDateTime: r.createdAt,
    createdBy: r.createdBy,
    lastModifiedDateTime: r.endDateTime ?? r.startDateTime ?? r.createdAt,
    lastModifiedBy: r.createdBy,
  };
}
