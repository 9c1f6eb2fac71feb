/** Slack IDs of the customer stories feature. */
export const storiesIds = {
  command: '/story',
  globalShortcut: 'stories.share',
  messageShortcut: 'stories.save_message',
  /** "Share a story" button at the end of the weekly update. */
  shareButton: 'stories.share_button',
  storyModal: 'stories.story',
  editModal: 'stories.edit',
  rejectModal: 'stories.reject',
  approve: 'stories.approve',
  edit: 'stories.edit_button',
  reject: 'stories.reject_button',
  pick: 'stories.pick',
  // Modal blocks (block_id = action_id).
  body: 'body',
  customer: 'customer',
  stage: 'stage',
  category: 'category',
  kind: 'kind',
  shareable: 'shareable',
  note: 'note',
  cardActions: 'stories.card.actions',
  /** A review modal after Save: what changed (`savedModal`). */
  reviewSaved: 'stories.review_saved',
} as const;
