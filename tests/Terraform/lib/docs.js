'use strict';
// Renders the README's Inputs and Outputs tables from the module's variables and outputs
// (`scripts/check-terraform --print-tables`), so the README can be kept in step with the code.

const { expr } = require('./hcl');

function cell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\n\s*/g, ' ');
}

function renderDefault(block) {
  if (!('default' in block)) {
    return 'n/a (required)';
  }
  const value = block.default;
  if (value === null) {
    return '`null`';
  }
  return `\`${JSON.stringify(value)}\``;
}

/** Markdown for the Inputs and Outputs sections of a loaded module. */
function renderTables(module) {
  const lines = ['## Inputs', '', '| Name | Description | Type | Default |', '| --- | --- | --- | --- |'];
  for (const [name, blocks] of Object.entries(module.config.variable || {})) {
    const block = blocks[0];
    const type = expr(block.type).replace(/\{\s*\n\s*/g, '{ ').replace(/\s*\n\s*\}/g, ' }').replace(/\s*\n\s*/g, ', ');
    lines.push(`| \`${name}\` | ${cell(block.description)} | \`${cell(type)}\` | ${cell(renderDefault(block))} |`);
  }
  lines.push('', '## Outputs', '', '| Name | Description |', '| --- | --- |');
  for (const [name, blocks] of Object.entries(module.config.output || {})) {
    lines.push(`| \`${name}\` | ${cell(blocks[0].description)} |`);
  }
  return lines.join('\n');
}

module.exports = { renderTables };
