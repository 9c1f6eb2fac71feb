/** Slack IDs of the links between calls, follow-ups, stories, rules and roadmap items (the one loop). */
export const linksIds = {
  /** "Suggest killing a rule" on a call's thank-you, a follow-up DM (value: `call:12`, `follow_up:7`). */
  suggestRule: 'links.suggest_rule',
  /** "Propose a roadmap item" next to it (CX office only; checked again on click and on submission). */
  proposeRoadmap: 'links.propose_roadmap',
  /** The overflow menu on a call in App Home: both turns (value: `rule:call:12`, `roadmap_item:call:12`). */
  turnMenu: 'links.turn_menu',
  /** "Link…" on a story's card: the story to a rule or a roadmap item (CX office; value: the story ID). */
  linkStory: 'links.link_story',
  linkStoryModal: 'links.link_story_modal',
  /** "Removed by roadmap item…" on an accepted rule's card (CX office; value: the rule ID). */
  removedBy: 'links.removed_by',
  removedByModal: 'links.removed_by_modal',
  /** The link modals' one select (block_id = action_id). */
  target: 'link_target',
  /** The turn buttons' actions block, and the link modals' answer after Save. */
  turnActions: 'links.turns',
  linkSaved: 'links.link_saved',
} as const;
