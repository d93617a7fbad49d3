#!/usr/bin/env node
// The `fuseguard` command line.
import { Command } from 'commander';
import { VERSION } from '../app/version.js';
import { registerAdminCommands } from './admin-commands.js';
import { registerDemoCommand } from './demo-command.js';
import { registerMaintenanceCommands } from './maintenance-commands.js';
import { registerServeCommand } from './serve-command.js';
import { registerSimulateCommand } from './simulate.js';
import { registerSiteCommand } from './site-command.js';

const program = new Command('fuseguard')
  .description('Fuseguard: load management for EV charging sites (OCPP 1.6J, Modbus)')
  .version(VERSION)
  .showHelpAfterError()
  .addHelpText('afterAll', '\nRun `fuseguard <command> --help` for the options of a command.');

registerServeCommand(program);
registerDemoCommand(program);
registerSiteCommand(program);
registerAdminCommands(program);
registerMaintenanceCommands(program);
registerSimulateCommand(program);

program.addHelpText('after', () => `\nAll commands:\n${listCommands(program).join('\n')}`);

await program.parseAsync(process.argv);

/** Every command and sub-command with its summary, so `fuseguard --help` shows them all. */
function listCommands(command: Command, prefix = ''): string[] {
  return command.commands.filter((c) => c.name() !== 'help').flatMap((c) => {
    const name = `${prefix}${c.name()}`;
    const usage = c.commands.length > 0 ? '' : ` ${c.usage()}`;
    return [`  ${`${name}${usage}`.padEnd(46)} ${c.description()}`, ...listCommands(c, `${name} `)];
  });
}
