import { Command, CommanderError } from 'commander';
import { registerDbCommands } from './commands/db.ts';
import { registerOffsetsCommands } from './commands/offsets.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerSecretsCommands } from './commands/secrets.ts';
import { registerStackCommands } from './commands/stack.ts';
import { registerVerifyCommand } from './commands/verify.ts';

export function buildProgram(): Command {
  const program = new Command('ferry')
    .description('Ferry: Kafka cluster-to-cluster replication. Run "ferry <command> --help" for details.')
    .showHelpAfterError()
    .exitOverride();
  registerStackCommands(program);
  registerRunCommand(program);
  registerVerifyCommand(program);
  registerDbCommands(program);
  registerOffsetsCommands(program);
  registerSecretsCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode);
    const err = e as Error & { code?: string };
    console.error(`ferry: ${err.message}`);
    if (process.env.FERRY_DEBUG) console.error(err.stack);
    process.exit(1);
  }
}
