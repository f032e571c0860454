import type { CliContext } from './context.js';

/**
 * Export the store's runs as OTel traces while this command runs, when the standard OTEL
 * variables ask for it (see docs/observability.md); the export catches up with the log and flushes
 * when the command ends. Commands that execute or serve runs call this (run, resume, serve).
 */
export async function exportTracesWhileRunning(ctx: CliContext): Promise<void> {
  const { otlpEnabled } = await import('../projections/otel/enabled.js');
  if (!otlpEnabled(ctx.proc.env)) return;
  const [{ startTraceExport }, store] = await Promise.all([import('../projections/otel/index.js'), ctx.openStore()]);
  const otel = await startTraceExport(ctx.globals.store, store, ctx.proc.env, (err) => ctx.logger.warn({ err }, 'OTel export failed (retrying)'));
  if (!otel) return;
  ctx.logger.debug({ protocol: otel.protocol }, 'OTel export on');
  ctx.onClose(() => otel.stop());
}
