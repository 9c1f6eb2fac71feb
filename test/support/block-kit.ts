/**
 * Slack's Block Kit limits, checked the way Slack checks them: the one checker behind the view tests and
 * the fake Slack Web API (which answers `invalid_blocks` when it finds a problem). Limits from
 * docs.slack.dev/reference/block-kit (blocks, composition objects, block elements, views).
 */

export type Surface = 'message' | 'modal' | 'home';

type Json = Record<string, unknown>;

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

const BLOCKS_BY_SURFACE: Record<Surface, Set<string>> = {
  message: new Set([
    'actions',
    'context',
    'divider',
    'file',
    'header',
    'image',
    'rich_text',
    'section',
    'video',
    'markdown',
  ]),
  modal: new Set([
    'actions',
    'context',
    'divider',
    'header',
    'image',
    'input',
    'rich_text',
    'section',
    'video',
  ]),
  home: new Set([
    'actions',
    'context',
    'divider',
    'header',
    'image',
    'input',
    'rich_text',
    'section',
    'video',
  ]),
};

const INTERACTIVE = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'timepicker',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'overflow',
  'radio_buttons',
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
  'rich_text_input',
]);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Checker {
  readonly errors: string[] = [];

  fail(path: string, message: string): void {
    this.errors.push(`${path}: ${message}`);
  }

  text(
    value: unknown,
    path: string,
    max: number,
    kinds: ('plain_text' | 'mrkdwn')[] = ['plain_text', 'mrkdwn'],
  ) {
    if (!isObject(value)) return this.fail(path, 'must be a text object');
    if (!kinds.includes(value.type as 'plain_text'))
      return this.fail(path, `type must be ${kinds.join(' or ')}`);
    if (typeof value.text !== 'string' || value.text.length === 0)
      return this.fail(path, 'text must not be empty');
    if (value.text.length > max) this.fail(path, `text is ${value.text.length} characters, more than ${max}`);
  }

  string(value: unknown, path: string, max: number, required = true) {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || value.length === 0) return this.fail(path, 'must be a non-empty string');
    if (value.length > max) this.fail(path, `is ${value.length} characters, more than ${max}`);
  }

  option(value: unknown, path: string) {
    if (!isObject(value)) return this.fail(path, 'must be an option object');
    this.text(value.text, `${path}.text`, 75);
    this.string(value.value, `${path}.value`, 150);
    if (value.description !== undefined) this.text(value.description, `${path}.description`, 75);
  }

  options(value: unknown, path: string, max: number) {
    if (!Array.isArray(value) || value.length === 0) return this.fail(path, 'must be a non-empty array');
    if (value.length > max) this.fail(path, `has ${value.length} options, more than ${max}`);
    value.forEach((option, i) => {
      this.option(option, `${path}[${i}]`);
    });
  }

  element(value: unknown, path: string, actionIds: Set<string>) {
    if (!isObject(value)) return this.fail(path, 'must be an element object');
    const type = String(value.type);
    if (!INTERACTIVE.has(type) && type !== 'image') return this.fail(path, `unknown element type ${type}`);
    if (type === 'image') return;
    if (value.action_id !== undefined) {
      this.string(value.action_id, `${path}.action_id`, 255);
      if (actionIds.has(String(value.action_id)))
        this.fail(path, `duplicate action_id ${String(value.action_id)}`);
      actionIds.add(String(value.action_id));
    }
    if (value.placeholder !== undefined)
      this.text(value.placeholder, `${path}.placeholder`, 150, ['plain_text']);
    if (value.confirm !== undefined) this.confirm(value.confirm, `${path}.confirm`);
    switch (type) {
      case 'button':
        this.text(value.text, `${path}.text`, 75, ['plain_text']);
        if (value.value !== undefined) this.string(value.value, `${path}.value`, 2000);
        if (value.url !== undefined) this.string(value.url, `${path}.url`, 3000);
        if (value.style !== undefined && !['primary', 'danger'].includes(String(value.style)))
          this.fail(path, 'style must be primary or danger');
        break;
      case 'static_select':
      case 'multi_static_select':
        if (value.option_groups === undefined) this.options(value.options, `${path}.options`, 100);
        if (value.initial_option !== undefined) this.option(value.initial_option, `${path}.initial_option`);
        break;
      case 'overflow':
        this.options(value.options, `${path}.options`, 5);
        break;
      case 'checkboxes':
      case 'radio_buttons':
        this.options(value.options, `${path}.options`, 10);
        break;
      case 'plain_text_input':
        if (
          value.max_length !== undefined &&
          (Number(value.max_length) > 3000 || Number(value.max_length) < 1)
        )
          this.fail(`${path}.max_length`, 'must be between 1 and 3000');
        if (typeof value.initial_value === 'string' && value.initial_value.length > 3000)
          this.fail(`${path}.initial_value`, 'is longer than 3000 characters');
        break;
      case 'datepicker':
        if (value.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(value.initial_date)))
          this.fail(`${path}.initial_date`, 'must be YYYY-MM-DD');
        break;
      default:
        break;
    }
  }

  confirm(value: unknown, path: string) {
    if (!isObject(value)) return this.fail(path, 'must be a confirmation object');
    this.text(value.title, `${path}.title`, 100, ['plain_text']);
    this.text(value.text, `${path}.text`, 300);
    this.text(value.confirm, `${path}.confirm`, 30, ['plain_text']);
    this.text(value.deny, `${path}.deny`, 30, ['plain_text']);
  }

  block(block: unknown, path: string, surface: Surface, blockIds: Set<string>, actionIds: Set<string>) {
    if (!isObject(block)) return this.fail(path, 'must be a block object');
    const type = String(block.type);
    if (!BLOCKS_BY_SURFACE[surface].has(type))
      return this.fail(path, `block type ${type} is not allowed in a ${surface}`);
    if (block.block_id !== undefined) {
      this.string(block.block_id, `${path}.block_id`, 255);
      if (blockIds.has(String(block.block_id)))
        this.fail(path, `duplicate block_id ${String(block.block_id)}`);
      blockIds.add(String(block.block_id));
    }
    switch (type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) this.fail(path, 'needs text or fields');
        if (block.text !== undefined) this.text(block.text, `${path}.text`, 3000);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length > 10)
            this.fail(`${path}.fields`, 'at most 10 fields');
          else
            block.fields.forEach((field, i) => {
              this.text(field, `${path}.fields[${i}]`, 2000);
            });
        }
        if (block.accessory !== undefined) this.element(block.accessory, `${path}.accessory`, actionIds);
        break;
      }
      case 'header':
        this.text(block.text, `${path}.text`, 150, ['plain_text']);
        break;
      case 'context': {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10)
          return this.fail(`${path}.elements`, 'must hold 1 to 10 elements');
        elements.forEach((element, i) => {
          if (isObject(element) && element.type === 'image') return;
          this.text(element, `${path}.elements[${i}]`, 3000);
        });
        break;
      }
      case 'actions': {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25)
          return this.fail(`${path}.elements`, 'must hold 1 to 25 elements');
        elements.forEach((element, i) => {
          this.element(element, `${path}.elements[${i}]`, actionIds);
        });
        break;
      }
      case 'input':
        this.text(block.label, `${path}.label`, 2000, ['plain_text']);
        if (block.hint !== undefined) this.text(block.hint, `${path}.hint`, 2000, ['plain_text']);
        this.element(block.element, `${path}.element`, actionIds);
        break;
      case 'markdown':
        if (typeof block.text !== 'string' || block.text.length > 12000)
          this.fail(path, 'text must be ≤ 12000 chars');
        break;
      default:
        break;
    }
  }
}

/** Problems Slack would report for these blocks on this surface; empty when Slack would accept them. */
export function checkBlocks(blocks: unknown, surface: Surface): string[] {
  const checker = new Checker();
  if (!Array.isArray(blocks)) {
    checker.fail('blocks', 'must be an array');
    return checker.errors;
  }
  if (blocks.length > MAX_BLOCKS[surface])
    checker.fail('blocks', `${blocks.length} blocks, more than ${MAX_BLOCKS[surface]}`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((block, i) => {
    // Action IDs must be unique within a block, not across the surface.
    const perBlock = new Set<string>();
    checker.block(block, `blocks[${i}]`, surface, blockIds, perBlock);
    for (const id of perBlock) actionIds.add(id);
  });
  return checker.errors;
}

/** Problems Slack would report for a modal or Home tab view. */
export function checkView(view: unknown): string[] {
  if (!isObject(view)) return ['view: must be an object'];
  const checker = new Checker();
  const type = view.type;
  if (type !== 'modal' && type !== 'home') return [`view.type: must be modal or home, not ${String(type)}`];
  if (type === 'modal') {
    checker.text(view.title, 'view.title', 24, ['plain_text']);
    if (view.submit !== undefined) checker.text(view.submit, 'view.submit', 24, ['plain_text']);
    if (view.close !== undefined) checker.text(view.close, 'view.close', 24, ['plain_text']);
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined)
      checker.fail('view.submit', 'is required when the view has input blocks');
  }
  // An empty private_metadata is fine; only its length is limited.
  if (view.private_metadata !== undefined) {
    if (typeof view.private_metadata !== 'string') checker.fail('view.private_metadata', 'must be a string');
    else if (view.private_metadata.length > 3000)
      checker.fail('view.private_metadata', 'is more than 3000 characters');
  }
  if (view.callback_id !== undefined) checker.string(view.callback_id, 'view.callback_id', 255);
  if (view.external_id !== undefined) checker.string(view.external_id, 'view.external_id', 255);
  return [...checker.errors, ...checkBlocks(view.blocks, type)];
}

/** Problems Slack would report for a message (chat.postMessage, chat.update, chat.postEphemeral). */
export function checkMessage(message: { text?: unknown; blocks?: unknown }): string[] {
  const errors: string[] = [];
  const hasText = typeof message.text === 'string' && message.text.length > 0;
  if (!hasText && message.blocks === undefined) errors.push('text: a message needs text or blocks');
  if (typeof message.text === 'string' && message.text.length > 40000)
    errors.push('text: more than 40000 characters');
  if (message.blocks !== undefined) errors.push(...checkBlocks(message.blocks, 'message'));
  return errors;
}
