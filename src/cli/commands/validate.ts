import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check a workflow file (YAML or JSON); errors name file:line:column and the field')
    .argument('<file>', 'a .yaml, .yml or .json workflow file')
    .action(async (file: string) => {
      const [{ loadWorkflowFile, WorkflowFileError }, { catalog }] = await Promise.all([import('../../config/index.js'), ctx.project()]);
      let workflow;
      try {
        workflow = loadWorkflowFile(file, { catalog });
      } catch (err) {
        if (ctx.json && err instanceof WorkflowFileError) {
          ctx.output.json({ valid: false, file, error: { code: err.code, message: err.message, issues: err.issues } });
        }
        throw err;
      }
      const agents = workflow.agents().map((a) => a.agentId);
      if (ctx.json) {
        ctx.output.json({ valid: true, file, name: workflow.name, kind: workflow.kind, agents });
        return;
      }
      const s = ctx.output.out.style;
      ctx.output.out.line(`${s.green('✓')} ${file}: ${workflow.kind} workflow ${s.bold(workflow.name)} with ${agents.length} agent${agents.length === 1 ? '' : 's'} (${agents.join(', ')})`);
    });
}
