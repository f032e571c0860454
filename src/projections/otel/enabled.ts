/**
 * Whether OTel export is on in this environment: an OTLP endpoint is set
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), and neither
 * `AIGEN_OTEL_EXPORT=off` nor `OTEL_SDK_DISABLED=true` / `OTEL_TRACES_EXPORTER=none` turns it off.
 * @example
 * ```ts
 * otlpEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }); // true
 * ```
 */
export function otlpEnabled(env: NodeJS.ProcessEnv): boolean {
  if (!(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim())) return false;
  if (['off', 'false', '0', 'no'].includes((env.AIGEN_OTEL_EXPORT ?? '').trim().toLowerCase())) return false;
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  return (env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase() !== 'none';
}
